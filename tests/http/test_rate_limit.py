"""RATE_LIMIT_PER_MINUTE: each restaurant's budget, 429 RATE_LIMITED with Retry-After."""

from __future__ import annotations

import falcon.testing
import pytest

from orderzap_adapters.memory import MemoryWorld
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.middleware.rate_limit import RateLimit
from tests.http.support import Tenant, assert_error, http_settings, nothing_changes, order_body


@pytest.fixture
def limited(oz: Services) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(oz, http_settings(rate_limit_per_minute=3)))


def test_a_restaurant_over_its_budget_is_rate_limited_and_nothing_changes(
        limited: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    answers = [limited.simulate_get("/v1/me", headers=tenant.headers("staff")) for _ in range(3)]
    remaining = [answer.headers["RateLimit-Remaining"] for answer in answers]
    assert remaining == ["2", "1", "0"]
    with nothing_changes(world):
        result = limited.simulate_post("/v1/orders", headers=tenant.headers("admin"), json=order_body(tenant))
    assert_error(result, 429, "RATE_LIMITED")
    assert 1 <= int(result.headers["Retry-After"]) <= 60
    assert result.headers["RateLimit-Limit"] == "3"
    assert result.headers["RateLimit-Remaining"] == "0"
    assert 0 <= int(result.headers["RateLimit-Reset"]) <= 60


def test_the_budget_is_per_restaurant(
        limited: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    for _ in range(4):
        limited.simulate_get("/v1/me", headers=tenant.headers("staff"))
    assert limited.simulate_get("/v1/me", headers=rival.headers("staff")).status_code == 200


def test_public_routes_are_not_counted(limited: falcon.testing.TestClient, tenant: Tenant) -> None:
    for _ in range(5):
        assert limited.simulate_get("/health").status_code == 200
    result = limited.simulate_get("/v1/me", headers=tenant.headers("staff"))
    assert result.status_code == 200
    assert "RateLimit-Limit" not in limited.simulate_get("/health").headers


def test_without_a_limit_no_budget_headers_are_sent(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    assert "RateLimit-Limit" not in client.simulate_get("/v1/me", headers=tenant.headers("staff")).headers


def test_the_window_starts_again_after_a_minute(tenant: Tenant) -> None:
    now = [1000.0]
    limit = RateLimit(2, clock=lambda: now[0])
    assert [limit.take(tenant.restaurant.id)[0] for _ in range(3)] == [1, 0, -1]
    now[0] += 59.0
    assert limit.take(tenant.restaurant.id)[0] == -2
    now[0] += 1.0
    left, reset = limit.take(tenant.restaurant.id)
    assert (left, reset) == (1, 60.0)
