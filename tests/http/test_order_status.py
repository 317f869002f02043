"""PATCH /v1/orders/{id}/status: the kitchen flow, cancellations and If-Match."""

from __future__ import annotations

import falcon.testing
import pytest

from orderzap_adapters.memory import MemoryWorld
from tests.http.support import Tenant, assert_error, nothing_changes, place


def move(client: falcon.testing.TestClient, tenant: Tenant, order_id: str, status: str,
         role: str = "staff", **headers: str) -> falcon.testing.Result:
    return client.simulate_patch(f"/v1/orders/{order_id}/status", json={"status": status},
                                 headers={**tenant.headers(role), **headers})


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_admins_and_staff_move_an_order_through_the_kitchen(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    order = place(client, tenant, "customer")
    for version, status in enumerate(["preparing", "ready", "completed"], start=2):
        result = move(client, tenant, order["id"], status, role)
        assert result.status_code == 200
        assert result.json["data"]["status"] == status
        assert result.json["data"]["version"] == version
        assert result.headers["ETag"] == f'"{version}"'


@pytest.mark.parametrize(("path", "target"), [
    ([], "ready"), ([], "completed"), ([], "received"), (["preparing"], "received"),
    (["cancelled"], "preparing"), (["preparing", "ready", "completed"], "cancelled"),
])
def test_a_move_the_status_table_does_not_allow_changes_nothing(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld,
        path: list[str], target: str) -> None:
    order = place(client, tenant)
    for status in path:
        assert move(client, tenant, order["id"], status).status_code == 200
    with nothing_changes(world):
        assert_error(move(client, tenant, order["id"], target), 409, "INVALID_TRANSITION")


def test_a_customer_cancels_its_own_order_while_it_is_received(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant, "customer")
    result = client.simulate_patch(f"/v1/orders/{order['id']}/status", headers=tenant.headers("customer"),
                                   json={"status": "cancelled", "reason": "changed my mind"})
    assert result.status_code == 200
    assert result.json["data"]["status"] == "cancelled"
    events = client.simulate_get(f"/v1/orders/{order['id']}/events", headers=tenant.headers("customer"))
    assert events.json["data"][-1]["reason"] == "changed my mind"


def test_a_customer_cannot_cancel_once_the_kitchen_started(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant, "customer")
    move(client, tenant, order["id"], "preparing")
    with nothing_changes(world):
        assert_error(move(client, tenant, order["id"], "cancelled", "customer"), 409, "INVALID_TRANSITION")


def test_a_customer_cannot_move_its_order_along_the_kitchen_flow(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant, "customer")
    with nothing_changes(world):
        assert_error(move(client, tenant, order["id"], "preparing", "customer"), 403, "FORBIDDEN")


def test_a_customer_cancelling_another_customers_order_gets_not_found(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant, "other_customer")
    with nothing_changes(world):
        assert_error(move(client, tenant, order["id"], "cancelled", "customer"), 404, "NOT_FOUND")


@pytest.mark.parametrize("if_match", ['"1"', "1", 'W/"1"', "*"])
def test_a_matching_if_match_lets_the_change_through(
        client: falcon.testing.TestClient, tenant: Tenant, if_match: str) -> None:
    order = place(client, tenant)
    result = move(client, tenant, order["id"], "preparing", **{"If-Match": if_match})
    assert result.status_code == 200
    assert result.json["data"]["version"] == 2


def test_a_stale_if_match_is_a_failed_precondition_and_changes_nothing(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    move(client, tenant, order["id"], "preparing")
    with nothing_changes(world):
        error = assert_error(move(client, tenant, order["id"], "ready", **{"If-Match": '"1"'}),
                             412, "PRECONDITION_FAILED")
    assert "2" in error["message"]


@pytest.mark.parametrize("if_match", ['"abc"', "0", '"-1"', '"1", "2"', "W/1", '""', "v1", '"1'])
def test_a_malformed_if_match_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, if_match: str) -> None:
    order = place(client, tenant)
    with nothing_changes(world):
        assert_error(move(client, tenant, order["id"], "preparing", **{"If-Match": if_match}),
                     400, "BAD_REQUEST")


@pytest.mark.parametrize(("method", "suffix", "body"), [
    ("PATCH", "", {"notes": "x"}), ("DELETE", "", None), ("PATCH", "/status", {"status": "preparing"}),
])
def test_every_change_of_an_order_honours_if_match(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld,
        method: str, suffix: str, body: dict[str, str] | None) -> None:
    order = place(client, tenant)
    headers = {**tenant.headers("admin"), "If-Match": '"7"'}
    with nothing_changes(world):
        result = client.simulate_request(method, f"/v1/orders/{order['id']}{suffix}", headers=headers,
                                         json=body)
    assert_error(result, 412, "PRECONDITION_FAILED")


def test_restore_honours_if_match(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    client.simulate_delete(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"))
    with nothing_changes(world):
        result = client.simulate_post(f"/v1/orders/{order['id']}/restore",
                                      headers={**tenant.headers("admin"), "If-Match": '"1"'})
    assert_error(result, 412, "PRECONDITION_FAILED")
    restored = client.simulate_post(f"/v1/orders/{order['id']}/restore",
                                    headers={**tenant.headers("admin"), "If-Match": '"2"'})
    assert restored.status_code == 200


@pytest.mark.parametrize("body", [{}, {"status": "done"}, {"status": None}, {"status": 1},
                                  {"status": "cancelled", "reason": "x" * 501},
                                  {"status": "cancelled", "reason": "a\x00b"},
                                  {"status": "preparing", "version": 1},
                                  {"status": "preparing", "restaurantId": "x"}])
def test_a_bad_status_body_is_a_validation_error(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld,
        body: dict[str, object]) -> None:
    order = place(client, tenant)
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}/status", headers=tenant.headers("staff"),
                                       json=body)
    assert_error(result, 422, "VALIDATION_ERROR")


def test_an_unknown_field_is_named_as_the_client_spelled_it(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers("staff"),
                                       json={"customer_name": "Eve"})
    assert_error(result, 422, "VALIDATION_ERROR")
    assert result.json["error"]["details"] == [
        {"field": "customer_name", "message": "is not a field that can be changed"}]
