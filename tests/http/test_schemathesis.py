"""A short schemathesis run against the live app on memory fakes: every documented operation, with
generated requests, as an admin of a restaurant that has a menu and orders. No answer may be a 500,
have an undocumented status, content type or header, or break its documented schema.

Generated ids would almost never name a real order or menu item, so hooks swap in the restaurant's
real ids (and a valid phone number) for part of the examples: then the 2xx answers, with full order
bodies, are checked too. The run is bounded (``MAX_EXAMPLES`` per operation) to stay well under two
minutes on two cores.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import cache
from typing import Any
from uuid import UUID

import falcon
import pytest
import schemathesis
from attrs import frozen
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from orderzap_adapters import memory
from orderzap_core.commands import (
    ListOrders,
    NewMenuItem,
    NewRestaurant,
    NewUser,
    OrderLine,
    PlaceOrder,
    StatusChange,
)
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import PaymentMethod
from orderzap_core.domain.pagination import MAX_LIMIT
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import MenuItemId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.openapi import document
from orderzap_http.settings import Settings
from orderzap_http.tokens import TokenService

MAX_EXAMPLES = 100
PHONE = "+14155550123"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]


@frozen
class Restaurant:
    """The restaurant the run acts in: its services, its admin and its slug."""

    services: Services
    admin: Principal
    slug: str

    def order_ids(self, *, deleted: bool = False) -> list[str]:
        """The live orders now, or the soft-deleted ones."""
        page = self.services.orders.list(self.admin, ListOrders(limit=MAX_LIMIT, include_deleted=deleted))
        return [str(order.id) for order in page.items if (order.deleted_at is not None) == deleted]

    def menu_item_ids(self, *, available: bool | None = None) -> list[str]:
        """The live menu items now."""
        page = self.services.menu.list(self.admin, available=available, limit=MAX_LIMIT)
        return [str(item.id) for item in page.items]


@cache
def restaurant() -> Restaurant:
    """One restaurant with a menu (one item unavailable) and orders in every state."""
    services = memory.services()
    slug = f"schemathesis-{secrets.token_hex(4)}"
    place = services.accounts.create_restaurant(NewRestaurant("Schemathesis Diner", slug))
    operator = services.accounts.operator(slug)
    user = services.accounts.create_user(operator, NewUser("admin@example.com", Role.ADMIN, "correct horse"))
    admin = Principal(user.id, place.id, Role.ADMIN)
    pizza, pasta, _ = [services.menu.create(admin, NewMenuItem(name, price, available))
                       for name, price, available in [("Margherita", 1150, True), ("Marinara", 900, True),
                                                      ("Calzone", 1400, False)]]
    lines = (OrderLine(MenuItemId(pizza.id), 2, "no basil"), OrderLine(MenuItemId(pasta.id), 1))
    moves = [OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.COMPLETED]
    for n in range(36):
        order = services.orders.place(admin, PlaceOrder("Ada", PHONE, PaymentMethod.CARD, lines)).order
        for status in moves[:n % 4] if n % 6 != 5 else [OrderStatus.CANCELLED]:
            order = services.orders.change_status(admin, order.id, StatusChange(status))
        if n % 4 == 3:
            services.orders.delete(admin, order.id)
    return Restaurant(services, admin, slug)


schema = schemathesis.openapi.from_dict(document())


def drawn_from(ids: Callable[[], list[str]]) -> st.SearchStrategy[str]:
    """One of ``ids()`` as they are when the example is drawn (earlier examples add and delete)."""

    def pick(n: int) -> str:
        now = ids() or [str(UUID(int=0))]
        return now[n % len(now)]

    return st.integers(min_value=0).map(pick)


@schema.hook("flatmap_path_parameters")
def real_ids_half_the_time(context: Any, path_parameters: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Half of the examples name one of the restaurant's real orders (deleted ones, to restore) or
    menu items."""
    place = restaurant()
    restoring = context.operation.path.endswith("/restore")
    known = {"orderId": lambda: place.order_ids(deleted=restoring), "itemId": place.menu_item_ids}
    swaps = [drawn_from(known[name]).map(lambda new, name=name: {**path_parameters, name: new})
             for name in path_parameters or {} if name in known]
    return st.one_of(*swaps, st.just(path_parameters))


@schema.hook("flatmap_body")
def real_menu_and_phone_half_the_time(context: Any, body: Any) -> st.SearchStrategy[Any]:
    """Half of the new orders name available menu items and a valid phone, so some are placed."""
    if context.operation.path != "/v1/orders" or not isinstance(body, dict) or not isinstance(
            body.get("items"), list):
        return st.just(body)
    lines = body["items"]
    menu = drawn_from(lambda: restaurant().menu_item_ids(available=True))
    real = st.lists(menu, min_size=len(lines), max_size=len(lines)).map(lambda ids: {
        **body, "customerPhone": PHONE,
        "items": [{**line, "menuItemId": item} if isinstance(line, dict) else line
                  for line, item in zip(lines, ids, strict=True)]})
    return st.one_of(real, st.just(body))


@pytest.fixture(scope="module")
def live() -> tuple[falcon.App, dict[str, str]]:
    """The app on the restaurant's services, and an admin's Authorization header."""
    place = restaurant()
    # NOTE: a budget never spent, so authenticated answers carry RateLimit-* headers to check.
    settings_ = Settings(jwt_secret="schemathesis-secret-" + "x" * 32, rate_limit_per_minute=10**9)
    user, restaurant_ = place.services.accounts.user_by_email(place.slug, "admin@example.com")
    token = TokenService(settings_).issue(user, restaurant_).token
    return create_app(place.services, settings_), {"Authorization": f"Bearer {token}"}


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_of_the_live_app_fits_the_document(
        case: schemathesis.Case, live: tuple[falcon.App, dict[str, str]]) -> None:
    app, authorization = live
    case.call_and_validate(app=app, headers=authorization, checks=CHECKS)
