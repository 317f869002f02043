"""Orders over HTTP: create, read, list, edit, delete and restore, for every role."""

from __future__ import annotations

import falcon.testing
import pytest

from orderzap_adapters.memory import MemoryWorld
from tests.http.support import Tenant, assert_error, fields_of, nothing_changes, order_body, place

ROLES = ["admin", "staff", "customer"]


@pytest.mark.parametrize("role", ROLES)
def test_every_role_places_an_order_priced_from_the_menu(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    result = client.simulate_post("/v1/orders", headers=tenant.headers(role), json=order_body(tenant))
    assert result.status_code == 201
    order = result.json["data"]
    assert result.json["success"] is True
    assert result.headers["Location"] == f"/v1/orders/{order['id']}"
    assert result.headers["ETag"] == '"1"'
    assert order["status"] == "received"
    assert order["version"] == 1
    assert order["orderNumber"] == 1
    assert order["createdBy"] == str(tenant.member(role).user.id)
    assert order["restaurantId"] == str(tenant.restaurant.id)
    assert [i["unitPriceCents"] for i in order["items"]] == [1150, 1300]
    assert [i["lineTotalCents"] for i in order["items"]] == [2300, 1300]
    assert order["totalCents"] == 3600
    assert order["currency"] == "USD"
    assert order["createdAt"].endswith("Z") and len(order["createdAt"]) == len("2026-11-24T12:00:00.000Z")
    assert order["deletedAt"] is None
    assert "Idempotent-Replayed" not in result.headers


def test_order_numbers_count_up_per_restaurant(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    numbers = [place(client, tenant)["orderNumber"] for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert place(client, rival)["orderNumber"] == 1


def test_a_phone_number_is_stored_in_e164(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    assert place(client, tenant, customerPhone="(415) 555-0123")["customerPhone"] == "+14155550123"


def test_fields_a_client_may_not_set_are_ignored_on_create(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    body = order_body(tenant, id="00000000-0000-0000-0000-00000000abcd",
                      restaurantId=str(rival.restaurant.id), status="completed", totalCents=1,
                      version=99, orderNumber=77, createdBy=str(rival.admin.user.id),
                      createdAt="2000-01-01T00:00:00Z", deletedAt="2000-01-01T00:00:00Z")
    body["items"][0].update(unitPriceCents=1, lineTotalCents=1, name="free pizza")
    result = client.simulate_post("/v1/orders", headers=tenant.headers("customer"), json=body)
    assert result.status_code == 201
    order = result.json["data"]
    assert order["id"] != body["id"]
    assert order["restaurantId"] == str(tenant.restaurant.id)
    assert order["status"] == "received"
    assert order["totalCents"] == 3600
    assert order["version"] == 1
    assert order["orderNumber"] == 1
    assert order["createdBy"] == str(tenant.customer.user.id)
    assert order["deletedAt"] is None
    assert order["items"][0]["unitPriceCents"] == 1150
    assert order["items"][0]["name"] == "Margherita"
    assert client.simulate_get("/v1/orders", headers=rival.headers("admin")).json["data"] == []


def test_every_bad_field_of_an_order_is_named_in_camel_case(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    body = order_body(tenant, customerName=" ", customerPhone="12", paymentMethod="bitcoin",
                      notes="a\x00b")
    body["items"] = [{"menuItemId": str(tenant.pizza.id), "quantity": 0},
                     {"menuItemId": str(tenant.unavailable.id), "quantity": 1},
                     {"menuItemId": str(tenant.pasta.id), "quantity": 2.5,
                      "specialInstructions": "x" * 501}]
    with nothing_changes(world):
        result = client.simulate_post("/v1/orders", headers=tenant.headers("staff"), json=body)
    error = assert_error(result, 422, "VALIDATION_ERROR")
    assert set(fields_of(error)) >= {"paymentMethod", "items[2].quantity"}
    assert all("_" not in field for field in fields_of(error))


def test_rule_problems_are_reported_together_with_field_paths(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    body = order_body(tenant, customerName=" ", customerPhone="12", notes="a\x00b")
    body["items"] = [{"menuItemId": str(tenant.pizza.id), "quantity": 0},
                     {"menuItemId": str(tenant.unavailable.id), "quantity": 1},
                     {"menuItemId": str(tenant.pasta.id), "quantity": 100,
                      "specialInstructions": "x" * 501}]
    with nothing_changes(world):
        result = client.simulate_post("/v1/orders", headers=tenant.headers("staff"), json=body)
    error = assert_error(result, 422, "VALIDATION_ERROR")
    assert set(fields_of(error)) >= {"customerName", "customerPhone", "notes", "items[0].quantity",
                                     "items[2].quantity", "items[2].specialInstructions"}


def test_an_unavailable_menu_item_is_named_by_its_path(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    body = order_body(tenant)
    body["items"][1]["menuItemId"] = str(tenant.unavailable.id)
    with nothing_changes(world):
        result = client.simulate_post("/v1/orders", headers=tenant.headers("staff"), json=body)
    assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == ["items[1].menuItemId"]


def test_a_missing_field_is_a_validation_error(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    body = order_body(tenant)
    del body["customerPhone"]
    with nothing_changes(world):
        result = client.simulate_post("/v1/orders", headers=tenant.headers("staff"), json=body)
    assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == ["customerPhone"]


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_admins_and_staff_read_any_order_of_their_restaurant(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    order = place(client, tenant, "customer")
    result = client.simulate_get(f"/v1/orders/{order['id']}", headers=tenant.headers(role))
    assert result.status_code == 200
    assert result.json == {"success": True, "data": order}
    assert result.headers["ETag"] == '"1"'
    assert result.headers["X-Cache"] == "bypass"


def test_a_customer_reads_its_own_order(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant, "customer")
    result = client.simulate_get(f"/v1/orders/{order['id']}", headers=tenant.headers("customer"))
    assert result.status_code == 200
    assert result.json["data"]["id"] == order["id"]


def test_a_customer_cannot_read_another_customers_order(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant, "other_customer")
    result = client.simulate_get(f"/v1/orders/{order['id']}", headers=tenant.headers("customer"))
    assert_error(result, 404, "NOT_FOUND")


def test_an_unknown_or_malformed_order_id_is_not_found(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    for path in ("/v1/orders/8f14e45f-ceea-467f-a0e6-1b5a6f8a3f11", "/v1/orders/not-a-uuid",
                 "/v1/orders/1", "/v1/orders/8f14e45f-ceea-467f-a0e6-1b5a6f8a3f11/events"):
        assert_error(client.simulate_get(path, headers=tenant.headers("admin")), 404, "NOT_FOUND")


def test_customers_list_only_their_own_orders(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    mine = place(client, tenant, "customer")
    place(client, tenant, "other_customer")
    place(client, tenant, "staff")
    result = client.simulate_get("/v1/orders", headers=tenant.headers("customer"))
    assert result.status_code == 200
    assert [o["id"] for o in result.json["data"]] == [mine["id"]]
    assert result.json["page"] == {"nextCursor": None, "limit": 50}
    assert result.headers["X-Cache"] == "bypass"


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_admins_and_staff_list_every_order_newest_first(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    placed = [place(client, tenant, who)["id"] for who in ("customer", "other_customer", "staff")]
    result = client.simulate_get("/v1/orders", headers=tenant.headers(role))
    assert [o["id"] for o in result.json["data"]] == placed[::-1]


def test_a_cursor_walk_returns_every_order_exactly_once(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    placed = [place(client, tenant)["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", "sort": "createdAt", **({"cursor": cursor} if cursor else {})}
        page = client.simulate_get("/v1/orders", headers=tenant.headers("staff"), params=params).json
        seen += [o["id"] for o in page["data"]]
        assert page["page"]["limit"] == 2
        cursor = page["page"]["nextCursor"]
        if cursor is None:
            break
        place(client, tenant)        # a new order arriving mid-walk comes after the walk's end
    assert seen[:5] == placed
    assert len(seen) == len(set(seen))


def test_the_list_filters_by_status_and_creation_time(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    first = place(client, tenant)
    second = place(client, tenant)
    client.simulate_patch(f"/v1/orders/{second['id']}/status", headers=tenant.headers("staff"),
                          json={"status": "preparing"})
    ids = lambda params: [o["id"] for o in client.simulate_get(  # noqa: E731
        "/v1/orders", headers=tenant.headers("staff"), params=params).json["data"]]
    assert ids({"status": "preparing"}) == [second["id"]]
    assert ids({"status": "received,preparing"}) == [second["id"], first["id"]]
    assert ids({"status": "ready"}) == []
    assert ids({"createdAfter": first["createdAt"]}) == [second["id"]]
    assert ids({"createdBefore": second["createdAt"]}) == [first["id"]]


@pytest.mark.parametrize("role", ["admin", "staff"])
def test_admins_and_staff_edit_customer_fields(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    order = place(client, tenant)
    result = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers(role),
                                   json={"customerName": "  Grace ", "notes": "ring twice",
                                         "paymentMethod": "cash"})
    assert result.status_code == 200
    edited = result.json["data"]
    assert (edited["customerName"], edited["notes"], edited["paymentMethod"]) == (
        "Grace", "ring twice", "cash")
    assert edited["version"] == 2
    assert result.headers["ETag"] == '"2"'
    cleared = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers(role),
                                    json={"notes": None}).json["data"]
    assert cleared["notes"] is None


def test_a_customer_may_not_edit_even_its_own_order(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant, "customer")
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers("customer"),
                                       json={"customerName": "Eve"})
    assert_error(result, 403, "FORBIDDEN")


def test_a_customer_editing_another_customers_order_gets_not_found(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant, "other_customer")
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers("customer"),
                                       json={"customerName": "Eve"})
    assert_error(result, 404, "NOT_FOUND")


@pytest.mark.parametrize("field", ["status", "totalCents", "version", "id", "restaurantId", "orderNumber",
                                   "createdBy", "items", "deletedAt", "unknown"])
def test_a_patch_with_a_field_that_cannot_be_changed_is_refused(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, field: str) -> None:
    order = place(client, tenant)
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"),
                                       json={"customerName": "Grace", field: "x"})
    assert field in fields_of(assert_error(result, 422, "VALIDATION_ERROR"))


def test_an_empty_patch_is_a_validation_error(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"), json={})
    assert_error(result, 422, "VALIDATION_ERROR")


def test_a_finished_order_can_no_longer_be_edited(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    client.simulate_patch(f"/v1/orders/{order['id']}/status", headers=tenant.headers("staff"),
                          json={"status": "cancelled"})
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}", headers=tenant.headers("staff"),
                                       json={"notes": "late"})
    assert_error(result, 409, "INVALID_TRANSITION")


def test_an_admin_deletes_and_restores_an_order(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant)
    path = f"/v1/orders/{order['id']}"
    deleted = client.simulate_delete(path, headers=tenant.headers("admin"))
    assert deleted.status_code == 200
    assert deleted.json["data"]["deletedAt"] is not None
    assert deleted.json["data"]["version"] == 2
    assert deleted.headers["ETag"] == '"2"'
    assert_error(client.simulate_get(path, headers=tenant.headers("admin")), 404, "NOT_FOUND")
    assert_error(client.simulate_get(path, headers=tenant.headers("staff"),
                                     params={"includeDeleted": "true"}), 404, "NOT_FOUND")
    shown = client.simulate_get(path, headers=tenant.headers("admin"), params={"includeDeleted": "true"})
    assert shown.status_code == 200 and shown.json["data"]["deletedAt"] is not None
    assert client.simulate_get("/v1/orders", headers=tenant.headers("admin")).json["data"] == []
    listed = client.simulate_get("/v1/orders", headers=tenant.headers("admin"),
                                 params={"includeDeleted": "true"}).json["data"]
    assert [o["id"] for o in listed] == [order["id"]]
    staff_list = client.simulate_get("/v1/orders", headers=tenant.headers("staff"),
                                     params={"includeDeleted": "true"}).json["data"]
    assert staff_list == []
    restored = client.simulate_post(f"{path}/restore", headers=tenant.headers("admin"))
    assert restored.status_code == 200
    assert restored.json["data"]["deletedAt"] is None
    assert restored.json["data"]["version"] == 3
    assert restored.headers["ETag"] == '"3"'
    assert client.simulate_get(path, headers=tenant.headers("staff")).status_code == 200


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_only_an_admin_may_delete_an_order(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, role: str) -> None:
    order = place(client, tenant, role)
    with nothing_changes(world):
        result = client.simulate_delete(f"/v1/orders/{order['id']}", headers=tenant.headers(role))
    assert_error(result, 403, "FORBIDDEN")


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_only_an_admin_may_restore_an_order(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, role: str) -> None:
    order = place(client, tenant, role)
    client.simulate_delete(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"))
    with nothing_changes(world):
        result = client.simulate_post(f"/v1/orders/{order['id']}/restore", headers=tenant.headers(role))
    assert_error(result, 403, "FORBIDDEN")


def test_deleting_a_deleted_order_is_not_found(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    client.simulate_delete(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"))
    with nothing_changes(world):
        result = client.simulate_delete(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"))
    assert_error(result, 404, "NOT_FOUND")


def test_restoring_an_order_that_is_not_deleted_is_an_invalid_transition(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    with nothing_changes(world):
        result = client.simulate_post(f"/v1/orders/{order['id']}/restore", headers=tenant.headers("admin"))
    assert_error(result, 409, "INVALID_TRANSITION")


def test_a_restore_with_a_body_of_any_type_is_still_just_a_restore(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant)
    client.simulate_delete(f"/v1/orders/{order['id']}", headers=tenant.headers("admin"))
    result = client.simulate_post(f"/v1/orders/{order['id']}/restore", headers=tenant.headers("admin"),
                                  json={"status": "completed", "version": 1})
    assert result.status_code == 200
    assert result.json["data"]["status"] == "received"
