"""Fixtures of the HTTP tests: the app on memory fakes (reads bypass the mirror unless a test asks
for it), a restaurant with users in every role, and a rival restaurant."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import falcon.testing
import pytest
import structlog

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryWorld
from orderzap_core.services import Services
from orderzap_http import logs
from orderzap_http.app import create_app
from orderzap_http.settings import Settings
from tests.http.support import Tenant, http_settings, open_tenant


@pytest.fixture
def log_dir(tmp_path: Path) -> Iterator[Path]:
    """JSON log lines written to app.log and error.log under a temporary LOG_DIR; the logging set-up
    is undone afterwards."""
    logs.configure(http_settings(log_format="json", log_dir=tmp_path))
    yield tmp_path
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_orderzap_handler", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(logging.WARNING)
    structlog.reset_defaults()


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
