"""Fixtures of the HTTP tests: the app on memory fakes (reads bypass the mirror unless a test asks
for it), a restaurant with users in every role, and a rival restaurant."""

from __future__ import annotations

import falcon.testing
import pytest

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryWorld
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.settings import Settings
from tests.http.support import Tenant, http_settings, open_tenant


@pytest.fixture
def world() -> MemoryWorld:
    """The application on memory fakes, with no mirror (X-Cache: bypass)."""
    return memory.world(cache=False)


@pytest.fixture
def oz(world: MemoryWorld) -> Services:
    """The services."""
    return world.services


@pytest.fixture
def settings() -> Settings:
    """The app's settings."""
    return http_settings()


@pytest.fixture
def client(oz: Services, settings: Settings) -> falcon.testing.TestClient:
    """Falcon's test client on the app."""
    return falcon.testing.TestClient(create_app(oz, settings))


@pytest.fixture
def tenant(oz: Services, settings: Settings) -> Tenant:
    """A restaurant of this test."""
    return open_tenant(oz, settings)


@pytest.fixture
def rival(oz: Services, settings: Settings) -> Tenant:
    """Another restaurant, whose data the tenant must never reach."""
    return open_tenant(oz, settings)
