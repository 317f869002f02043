"""The menu over HTTP: everyone reads it, only admins change it."""

from __future__ import annotations

import falcon.testing
import pytest

from orderzap_adapters.memory import MemoryWorld
from tests.http.support import Tenant, assert_error, fields_of, nothing_changes

ITEM_FIELDS = {"id", "restaurantId", "name", "priceCents", "isAvailable", "createdAt", "updatedAt"}


@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_every_role_reads_the_menu_oldest_first(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    result = client.simulate_get("/v1/menu-items", headers=tenant.headers(role))
    assert result.status_code == 200
    assert [i["name"] for i in result.json["data"]] == ["Margherita", "Carbonara", "Calzone"]
    assert set(result.json["data"][0]) == ITEM_FIELDS
    assert result.json["page"] == {"nextCursor": None, "limit": 50}


@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_every_role_reads_one_menu_item(client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    result = client.simulate_get(f"/v1/menu-items/{tenant.pizza.id}", headers=tenant.headers(role))
    assert result.status_code == 200
    assert result.json["data"]["priceCents"] == 1150
    assert set(result.json["data"]) == ITEM_FIELDS


def test_the_menu_filters_on_availability_and_pages(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    names = lambda params: [i["name"] for i in client.simulate_get(  # noqa: E731
        "/v1/menu-items", headers=tenant.headers("customer"), params=params).json["data"]]
    assert names({"available": "true"}) == ["Margherita", "Carbonara"]
    assert names({"available": "false"}) == ["Calzone"]
    first = client.simulate_get("/v1/menu-items", headers=tenant.headers("staff"), params={"limit": "2"}).json
    assert len(first["data"]) == 2 and first["page"]["limit"] == 2
    rest = client.simulate_get("/v1/menu-items", headers=tenant.headers("staff"),
                               params={"limit": "2", "cursor": first["page"]["nextCursor"]}).json
    assert [i["name"] for i in rest["data"]] == ["Calzone"]
    assert rest["page"]["nextCursor"] is None


def test_an_admin_creates_edits_and_deletes_a_menu_item(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    created = client.simulate_post("/v1/menu-items", headers=tenant.headers("admin"),
                                   json={"name": " Tiramisu ", "priceCents": 650})
    assert created.status_code == 201
    item = created.json["data"]
    assert (item["name"], item["priceCents"], item["isAvailable"]) == ("Tiramisu", 650, True)
    assert created.headers["Location"] == f"/v1/menu-items/{item['id']}"
    edited = client.simulate_patch(f"/v1/menu-items/{item['id']}", headers=tenant.headers("admin"),
                                   json={"priceCents": 700, "isAvailable": False})
    assert edited.status_code == 200
    assert (edited.json["data"]["priceCents"], edited.json["data"]["isAvailable"]) == (700, False)
    deleted = client.simulate_delete(f"/v1/menu-items/{item['id']}", headers=tenant.headers("admin"))
    assert deleted.status_code == 200
    assert deleted.json["data"]["id"] == item["id"]
    assert_error(client.simulate_get(f"/v1/menu-items/{item['id']}", headers=tenant.headers("admin")),
                 404, "NOT_FOUND")
    assert_error(client.simulate_delete(f"/v1/menu-items/{item['id']}", headers=tenant.headers("admin")),
                 404, "NOT_FOUND")


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_only_admins_change_the_menu(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, role: str) -> None:
    with nothing_changes(world):
        assert_error(client.simulate_post("/v1/menu-items", headers=tenant.headers(role),
                                          json={"name": "Soup", "priceCents": 500}), 403, "FORBIDDEN")
        assert_error(client.simulate_patch(f"/v1/menu-items/{tenant.pizza.id}", headers=tenant.headers(role),
                                           json={"priceCents": 1}), 403, "FORBIDDEN")
        assert_error(client.simulate_delete(f"/v1/menu-items/{tenant.pizza.id}",
                                            headers=tenant.headers(role)), 403, "FORBIDDEN")


def test_a_duplicate_name_is_a_validation_error_on_name(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    with nothing_changes(world):
        result = client.simulate_post("/v1/menu-items", headers=tenant.headers("admin"),
                                      json={"name": "Margherita", "priceCents": 900})
        assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == ["name"]
        renamed = client.simulate_patch(f"/v1/menu-items/{tenant.pasta.id}", headers=tenant.headers("admin"),
                                        json={"name": "Margherita"})
        assert fields_of(assert_error(renamed, 422, "VALIDATION_ERROR")) == ["name"]


@pytest.mark.parametrize(("body", "fields"), [
    ({"name": "Soup", "priceCents": -1}, ["priceCents"]),
    ({"name": "Soup", "priceCents": 10_000_001}, ["priceCents"]),
    ({"name": "Soup", "priceCents": "500"}, ["priceCents"]),
    ({"name": "Soup", "priceCents": 5.5}, ["priceCents"]),
    ({"name": "Soup", "priceCents": 500, "isAvailable": "true"}, ["isAvailable"]),
    ({"name": "Soup", "priceCents": 500, "isAvailable": 1}, ["isAvailable"]),
    ({"name": "", "priceCents": 500}, ["name"]),
    ({"name": "x" * 101, "priceCents": 500}, ["name"]),
    ({"priceCents": 500}, ["name"]),
])
def test_a_bad_new_menu_item_names_its_fields(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld,
        body: dict[str, object], fields: list[str]) -> None:
    with nothing_changes(world):
        result = client.simulate_post("/v1/menu-items", headers=tenant.headers("admin"), json=body)
    assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == fields


@pytest.mark.parametrize("body", [{"id": "x"}, {"restaurantId": "x"}, {"priceCents": 1, "createdAt": "x"},
                                  {}])
def test_a_menu_patch_with_an_unknown_field_or_nothing_is_a_validation_error(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld,
        body: dict[str, object]) -> None:
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/menu-items/{tenant.pizza.id}", headers=tenant.headers("admin"),
                                       json=body)
    assert_error(result, 422, "VALIDATION_ERROR")


def test_fields_a_client_may_not_set_are_ignored_on_a_new_menu_item(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    result = client.simulate_post("/v1/menu-items", headers=tenant.headers("admin"), json={
        "name": "Soup", "priceCents": 500, "id": str(rival.pizza.id),
        "restaurantId": str(rival.restaurant.id)})
    assert result.status_code == 201
    assert result.json["data"]["id"] != str(rival.pizza.id)
    assert result.json["data"]["restaurantId"] == str(tenant.restaurant.id)


@pytest.mark.parametrize("available", ["yes", "1", "True", ""])
def test_a_malformed_available_filter_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, available: str) -> None:
    result = client.simulate_get("/v1/menu-items", headers=tenant.headers("admin"),
                                 query_string=f"available={available}")
    assert_error(result, 400, "BAD_REQUEST")
