"""GET /v1/orders/{id}/events: the order's history, oldest first."""

from __future__ import annotations

import falcon.testing
import pytest

from tests.http.support import Tenant, assert_error, place


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_the_history_lists_one_event_per_version_oldest_first(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    order = place(client, tenant, "customer")
    path = f"/v1/orders/{order['id']}"
    client.simulate_patch(f"{path}/status", headers=tenant.headers("staff"), json={"status": "preparing"})
    client.simulate_patch(path, headers=tenant.headers("admin"), json={"notes": "extra napkins"})
    result = client.simulate_get(f"{path}/events", headers=tenant.headers(role))
    assert result.status_code == 200
    events = result.json["data"]
    assert [(e["version"], e["type"], e["fromStatus"], e["toStatus"]) for e in events] == [
        (1, "created", None, "received"),
        (2, "status_changed", "received", "preparing"),
        (3, "updated", "preparing", "preparing"),
    ]
    assert [e["actorId"] for e in events] == [str(tenant.customer.user.id), str(tenant.staff.user.id),
                                              str(tenant.admin.user.id)]
    assert set(events[0]) == {"version", "type", "fromStatus", "toStatus", "actorId", "at", "reason"}
    assert all(e["at"].endswith("Z") for e in events)
    assert result.json["page"] == {"nextCursor": None, "limit": 50}


def test_a_customer_reads_the_history_of_its_own_order_only(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    mine = place(client, tenant, "customer")
    theirs = place(client, tenant, "other_customer")
    assert client.simulate_get(f"/v1/orders/{mine['id']}/events",
                               headers=tenant.headers("customer")).status_code == 200
    assert_error(client.simulate_get(f"/v1/orders/{theirs['id']}/events", headers=tenant.headers("customer")),
                 404, "NOT_FOUND")


def test_the_history_of_a_deleted_order_is_for_admins_only(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant)
    client.simulate_delete(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"))
    events = client.simulate_get(f"/v1/orders/{order['id']}/events", headers=tenant.headers("admin")).json
    assert [e["type"] for e in events["data"]] == ["created", "deleted"]
    assert_error(client.simulate_get(f"/v1/orders/{order['id']}/events", headers=tenant.headers("staff")),
                 404, "NOT_FOUND")


def test_the_history_pages_with_limit_and_cursor_like_every_list(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant)
    for status in ("preparing", "ready", "completed"):
        client.simulate_patch(f"/v1/orders/{order['id']}/status", json={"status": status},
                              headers=tenant.headers("staff"))
    seen, cursor = [], None
    while True:
        params = {"limit": "3", **({"cursor": cursor} if cursor else {})}
        page = client.simulate_get(f"/v1/orders/{order['id']}/events", params=params,
                                   headers=tenant.headers("staff"))
        assert page.status_code == 200 and page.json["page"]["limit"] == 3
        seen += [e["version"] for e in page.json["data"]]
        cursor = page.json["page"]["nextCursor"]
        if cursor is None:
            break
    assert seen == [1, 2, 3, 4]


@pytest.mark.parametrize("params", [{"cursor": "bogus"}, {"limit": "0"}, {"limit": "abc"}, {"limit": "201"}])
def test_a_bad_history_limit_or_cursor_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, params: dict[str, str]) -> None:
    order = place(client, tenant)
    result = client.simulate_get(f"/v1/orders/{order['id']}/events", params=params,
                                 headers=tenant.headers("staff"))
    assert_error(result, 400, "BAD_REQUEST")
