"""Another restaurant's ids on every route are 404 NOT_FOUND (never 403), and change nothing; a
restaurantId in a body or query is never obeyed."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest

from orderzap_adapters.memory import MemoryWorld
from tests.http.support import Tenant, assert_error, nothing_changes, place

ORDER_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/v1/orders/{id}", None),
    ("PATCH", "/v1/orders/{id}", {"notes": "mine now"}),
    ("DELETE", "/v1/orders/{id}", None),
    ("PATCH", "/v1/orders/{id}/status", {"status": "preparing"}),
    ("PATCH", "/v1/orders/{id}/status", {"status": "cancelled"}),
    ("GET", "/v1/orders/{id}/events", None),
    ("POST", "/v1/orders/{id}/restore", None),
]
MENU_ROUTES: list[tuple[str, str, dict[str, Any] | None]] = [
    ("GET", "/v1/menu-items/{id}", None),
    ("PATCH", "/v1/menu-items/{id}", {"priceCents": 1}),
    ("DELETE", "/v1/menu-items/{id}", None),
]


@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
@pytest.mark.parametrize(("method", "path", "body"), ORDER_ROUTES)
def test_another_restaurants_order_is_not_found_on_every_route(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant, world: MemoryWorld,
        role: str, method: str, path: str, body: dict[str, Any] | None) -> None:
    theirs = place(client, rival, "customer")
    if path.endswith("/restore"):
        client.simulate_delete(f"/v1/orders/{theirs['id']}", headers=rival.headers("admin"))
    with nothing_changes(world):
        result = client.simulate_request(method, path.format(id=theirs["id"]), json=body,
                                         headers={**tenant.headers(role), "If-Match": "*"})
        assert_error(result, 404, "NOT_FOUND")
        assert_error(client.simulate_get(f"/v1/orders/{theirs['id']}", headers=tenant.headers(role),
                                         params={"includeDeleted": "true"}), 404, "NOT_FOUND")
    owner_view = client.simulate_get(f"/v1/orders/{theirs['id']}", headers=rival.headers("admin"),
                                     params={"includeDeleted": "true"}).json["data"]
    assert owner_view["version"] == (2 if path.endswith("/restore") else 1)   # 2: the owner's own delete


@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
@pytest.mark.parametrize(("method", "path", "body"), MENU_ROUTES)
def test_another_restaurants_menu_item_is_not_found_on_every_route(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant, world: MemoryWorld,
        role: str, method: str, path: str, body: dict[str, Any] | None) -> None:
    expected = 404 if role == "admin" or method == "GET" else 403   # the role decides before the lookup
    with nothing_changes(world):
        result = client.simulate_request(method, path.format(id=rival.pizza.id), json=body,
                                         headers=tenant.headers(role))
    assert_error(result, expected, "NOT_FOUND" if expected == 404 else "FORBIDDEN")


def test_another_restaurants_menu_item_cannot_be_ordered(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant, world: MemoryWorld) -> None:
    body = {"customerName": "Ada", "customerPhone": "+14155550123", "paymentMethod": "cash",
            "items": [{"menuItemId": str(rival.pizza.id), "quantity": 1}]}
    with nothing_changes(world):
        result = client.simulate_post("/v1/orders", headers=tenant.headers("staff"), json=body)
    assert [d["field"] for d in assert_error(result, 422, "VALIDATION_ERROR")["details"]] == [
        "items[0].menuItemId"]


def test_lists_never_show_another_restaurants_orders_or_menu(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    place(client, rival)
    params = {"restaurantId": str(rival.restaurant.id), "includeDeleted": "true"}
    orders = client.simulate_get("/v1/orders", headers=tenant.headers("admin"), params=params).json["data"]
    assert orders == []
    menu = client.simulate_get("/v1/menu-items", headers=tenant.headers("admin"), params=params).json["data"]
    assert {item["restaurantId"] for item in menu} == {str(tenant.restaurant.id)}


def test_a_cursor_from_another_restaurant_reveals_nothing(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    for _ in range(3):
        place(client, rival)
    cursor = client.simulate_get("/v1/orders", headers=rival.headers("admin"),
                                 params={"limit": "1"}).json["page"]["nextCursor"]
    result = client.simulate_get("/v1/orders", headers=tenant.headers("admin"),
                                 params={"limit": "1", "cursor": cursor})
    assert result.status_code == 200
    assert result.json["data"] == []
