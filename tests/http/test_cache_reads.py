"""X-Cache on reads: hit, miss or bypass, and minVersion for read-your-writes."""

from __future__ import annotations

import falcon.testing
import pytest

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryWorld
from orderzap_http.app import create_app
from orderzap_http.settings import Settings
from tests.http.support import Tenant, assert_error, open_tenant, place


@pytest.fixture
def mirrored() -> MemoryWorld:
    return memory.world()


@pytest.fixture
def mirrored_client(mirrored: MemoryWorld, settings: Settings) -> falcon.testing.TestClient:
    return falcon.testing.TestClient(create_app(mirrored.services, settings))


@pytest.fixture
def mirrored_tenant(mirrored: MemoryWorld, settings: Settings) -> Tenant:
    return open_tenant(mirrored.services, settings)


def test_an_order_the_mirror_does_not_hold_yet_is_a_miss_then_a_hit(
        mirrored: MemoryWorld, mirrored_client: falcon.testing.TestClient, mirrored_tenant: Tenant) -> None:
    order = place(mirrored_client, mirrored_tenant)
    path = f"/v1/orders/{order['id']}"
    first = mirrored_client.simulate_get(path, headers=mirrored_tenant.headers("staff"))
    assert first.headers["X-Cache"] == "miss"
    mirrored.services.relay.drain()
    second = mirrored_client.simulate_get(path, headers=mirrored_tenant.headers("staff"))
    assert second.headers["X-Cache"] == "hit"
    assert second.json == first.json
    assert second.headers["ETag"] == '"1"'


def test_min_version_newer_than_the_mirror_reads_the_source(
        mirrored: MemoryWorld, mirrored_client: falcon.testing.TestClient, mirrored_tenant: Tenant) -> None:
    order = place(mirrored_client, mirrored_tenant)
    mirrored.services.relay.drain()
    staff, path = mirrored_tenant.headers("staff"), f"/v1/orders/{order['id']}"
    moved = mirrored_client.simulate_patch(f"{path}/status", headers=staff, json={"status": "preparing"})
    result = mirrored_client.simulate_get(path, headers=staff,
                                          params={"minVersion": str(moved.json["data"]["version"])})
    assert result.headers["X-Cache"] == "miss"
    assert result.json["data"]["status"] == "preparing"
    stale = mirrored_client.simulate_get(path, headers=staff, params={"minVersion": "1"})
    assert stale.headers["X-Cache"] == "hit"


def test_a_cached_order_is_still_hidden_from_another_customer(
        mirrored: MemoryWorld, mirrored_client: falcon.testing.TestClient, mirrored_tenant: Tenant) -> None:
    order = place(mirrored_client, mirrored_tenant, "other_customer")
    mirrored.services.relay.drain()
    customer = mirrored_tenant.headers("customer")
    result = mirrored_client.simulate_get(f"/v1/orders/{order['id']}", headers=customer)
    assert_error(result, 404, "NOT_FOUND")


def test_a_list_served_by_the_mirror_is_a_hit(
        mirrored: MemoryWorld, mirrored_client: falcon.testing.TestClient, mirrored_tenant: Tenant) -> None:
    order = place(mirrored_client, mirrored_tenant)
    mirrored.services.relay.drain()
    result = mirrored_client.simulate_get("/v1/orders", headers=mirrored_tenant.headers("staff"))
    assert result.headers["X-Cache"] == "hit"
    assert [o["id"] for o in result.json["data"]] == [order["id"]]


def test_a_failing_mirror_is_a_miss_served_by_the_source(
        mirrored: MemoryWorld, mirrored_client: falcon.testing.TestClient, mirrored_tenant: Tenant) -> None:
    order = place(mirrored_client, mirrored_tenant)
    assert mirrored.cache is not None
    mirrored.cache.fail_next(2)
    staff = mirrored_tenant.headers("staff")
    single = mirrored_client.simulate_get(f"/v1/orders/{order['id']}", headers=staff)
    listing = mirrored_client.simulate_get("/v1/orders", headers=staff)
    assert (single.status_code, single.headers["X-Cache"]) == (200, "miss")
    assert (listing.status_code, listing.headers["X-Cache"]) == (200, "miss")
    assert [o["id"] for o in listing.json["data"]] == [order["id"]]


def test_reads_bypass_the_mirror_when_cache_reads_are_off(settings: Settings) -> None:
    world = memory.world(cache_reads=False)
    client = falcon.testing.TestClient(create_app(world.services, settings))
    tenant = open_tenant(world.services, settings)
    order = place(client, tenant)
    world.services.relay.drain()
    for path in (f"/v1/orders/{order['id']}", "/v1/orders"):
        assert client.simulate_get(path, headers=tenant.headers("staff")).headers["X-Cache"] == "bypass"
