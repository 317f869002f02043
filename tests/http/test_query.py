"""Query parameters are parsed strictly: anything malformed is a 400 naming the parameter."""

from __future__ import annotations

import falcon.testing
import pytest

from tests.http.support import Tenant, assert_error, place


@pytest.mark.parametrize("query", [
    "limit=0", "limit=201", "limit=-1", "limit=abc", "limit=5.0", "limit=", "limit=1e2", "limit=%2B5",
    "limit=5&limit=6", "status=open", "status=received,", "status=RECEIVED", "status=", "sort=newest",
    "sort=createdat", "sort=", "createdAfter=yesterday", "createdAfter=2026-11-24",
    "createdAfter=2026-11-24T12:00:00", "createdAfter=2026-13-24T12:00:00Z",
    "createdBefore=2026-11-24T25:00:00Z", "createdBefore=1700000000", "includeDeleted=yes",
    "includeDeleted=1", "includeDeleted=True", "includeDeleted=", "cursor=not-a-cursor", "cursor=",
    "createdAfter=2026-11-24T12:00:00+01:00", "status=received&status=open", "status=received&status=",
    "sort=createdAt&sort=createdAt", "createdAfter=2026-11-24T12:00:00Z&createdAfter=2026-11-24T12:00:00Z",
    "includeDeleted=true&includeDeleted=true", "cursor=a&cursor=b",
])
def test_a_malformed_list_parameter_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, query: str) -> None:
    result = client.simulate_get("/v1/orders", headers=tenant.headers("admin"), query_string=query)
    error = assert_error(result, 400, "BAD_REQUEST")
    assert query.split("=")[0] in error["message"]


@pytest.mark.parametrize("query", [
    "limit=1", "limit=200", "status=received", "status=received,preparing,ready,completed,cancelled",
    "sort=createdAt", "sort=-createdAt", "createdAfter=2026-11-24T12:00:00Z",
    "createdAfter=2026-11-24T12:00:00.123456789Z", "createdBefore=2026-11-24t12:00:00z",
    "createdBefore=2026-11-24T13:00:00%2B01:00", "includeDeleted=true", "includeDeleted=false",
    "unknownParameter=ignored",
])
def test_a_well_formed_list_parameter_is_accepted(
        client: falcon.testing.TestClient, tenant: Tenant, query: str) -> None:
    result = client.simulate_get("/v1/orders", headers=tenant.headers("admin"), query_string=query)
    assert result.status_code == 200


def test_the_status_filter_takes_a_comma_list_the_repeated_form_or_both(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    """openapi-fetch and openapi-python-client send ``status=a&status=b`` whatever ``explode``
    says; it means what ``status=a,b`` means."""
    orders = [place(client, tenant) for _ in range(4)]      # the last one stays received
    for order, steps in zip(orders[:3], [["preparing"], ["preparing", "ready"], ["preparing", "ready"]],
                            strict=True):
        for step in steps:
            client.simulate_patch(f"/v1/orders/{order['id']}/status", headers=tenant.headers("staff"),
                                  json={"status": step})

    def listed(query: str) -> list[str]:
        result = client.simulate_get("/v1/orders", headers=tenant.headers("staff"), query_string=query)
        assert result.status_code == 200, result.text
        return [o["id"] for o in result.json["data"]]

    expected = [orders[2]["id"], orders[1]["id"], orders[0]["id"]]
    assert listed("status=preparing,ready") == expected
    assert listed("status=preparing&status=ready") == expected
    assert listed("status=ready&status=preparing&status=ready") == expected
    assert listed("status=received&status=preparing,ready") == [o["id"] for o in reversed(orders)]
    assert listed("status=received") == [orders[3]["id"]]


def test_a_cursor_of_another_sort_order_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    for _ in range(2):
        place(client, tenant)
    cursor = client.simulate_get("/v1/orders", headers=tenant.headers("admin"),
                                 params={"limit": "1"}).json["page"]["nextCursor"]
    result = client.simulate_get("/v1/orders", headers=tenant.headers("admin"),
                                 params={"limit": "1", "cursor": cursor, "sort": "createdAt"})
    assert_error(result, 400, "BAD_REQUEST")


def test_a_tampered_cursor_is_a_bad_request(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    for _ in range(2):
        place(client, tenant)
    cursor = client.simulate_get("/v1/orders", headers=tenant.headers("admin"),
                                 params={"limit": "1"}).json["page"]["nextCursor"]
    tampered = cursor[:-2] + ("AA" if cursor[-2:] != "AA" else "BB")
    result = client.simulate_get("/v1/orders", headers=tenant.headers("admin"), params={"cursor": tampered})
    assert_error(result, 400, "BAD_REQUEST")


@pytest.mark.parametrize("query", ["minVersion=0", "minVersion=-1", "minVersion=x", "minVersion=1.0",
                                   "includeDeleted=maybe", "minVersion=1&minVersion=2"])
def test_a_malformed_read_parameter_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, query: str) -> None:
    order = place(client, tenant)
    result = client.simulate_get(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"),
                                 query_string=query)
    assert_error(result, 400, "BAD_REQUEST")


@pytest.mark.parametrize("query", ["limit=0", "limit=300", "cursor=garbage", "available=maybe"])
def test_a_malformed_menu_parameter_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, query: str) -> None:
    assert_error(client.simulate_get("/v1/menu-items", headers=tenant.headers("staff"), query_string=query),
                 400, "BAD_REQUEST")
