"""Hostile input through the use cases on PostgreSQL: each value is refused by validation with a
clear error, or stored and read back exactly. None may reach PostgreSQL as an error (a psycopg
error escaping here fails the test)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import pytest

from orderzap_adapters.memory.system import PlainHasher
from orderzap_adapters.postgres import PgDatabase, services
from orderzap_core.commands import (
    EditMenuItem,
    EditOrder,
    ListOrders,
    Login,
    NewMenuItem,
    NewRestaurant,
    NewUser,
    StatusChange,
)
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import BadRequest, InvalidCredentials, NotFound, ValidationFailed
from orderzap_core.ids import MenuItemId, OrderId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.core.builders import add_dish, an_order, join, line, open_restaurant, random_slug

pytestmark = pytest.mark.postgres

TEXTS = {
    "nul": "Ada\x00Lovelace",
    "escape": "\x1b[2J",
    "carriage return": "one\rtwo",
    "delete": "del\x7f",
    "c1 control": "next\x85line",
    "lone surrogate": "half \ud83d",
    "10,000 characters": "x" * 10_000,
    "emoji": "Pizza 🍕 👩🏽‍🍳 🇮🇹",
    "right-to-left": "مطعم السلام שלום",
    "sql": "'; DROP TABLE orders; --",
    "quotes and backslashes": "\"'\\%_$1 ${x} {0}",
    "newline and tab": "line one\n\tline two",
    "zero-width and combining": "Cafe\u0301\u200b\u2066",
}
INTEGERS = {"2^63": 2**63, "2^64": 2**64, "-2^63-1": -(2**63) - 1, "10^30": 10**30, "-1": -1}

Refused = (ValidationFailed, BadRequest, InvalidCredentials)


@pytest.fixture
def oz(pg_db: PgDatabase) -> Services:
    """The application on PostgreSQL."""
    return services(pg_db, hasher=PlainHasher())


@pytest.fixture
def admin(oz: Services) -> Principal:
    """An admin of a new restaurant."""
    return join(oz, open_restaurant(oz), Role.ADMIN)


def refused_or_kept(attempt: Callable[[], Any], read_back: Callable[[Any], Any], sent: Any) -> None:
    """``attempt`` is refused by validation, or what ``read_back`` finds equals ``sent``."""
    try:
        result = attempt()
    except Refused:
        return
    assert read_back(result) == sent


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_hostile_text_in_restaurant_and_menu_fields(oz: Services, admin: Principal, text: str) -> None:
    slug = random_slug()
    refused_or_kept(lambda: oz.accounts.create_restaurant(NewRestaurant(text, slug)),
                    lambda _: oz.accounts.restaurant(slug).name, text.strip())
    with pytest.raises(ValidationFailed):
        oz.accounts.create_restaurant(NewRestaurant("Fine", text))
    refused_or_kept(lambda: oz.menu.create(admin, NewMenuItem(text, 100)),
                    lambda item: oz.menu.get(admin, item.id).name, text.strip())
    dish = add_dish(oz, admin)
    refused_or_kept(lambda: oz.menu.edit(admin, dish.id, EditMenuItem(name=text)),
                    lambda item: oz.menu.get(admin, item.id).name, text.strip())


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_hostile_text_in_order_fields(oz: Services, admin: Principal, text: str) -> None:
    dish = add_dish(oz, admin)
    refused_or_kept(lambda: oz.orders.place(admin, an_order(line(dish), customer_name=text)),
                    lambda placed: oz.orders.get(admin, placed.order.id).customer_name, text.strip())
    refused_or_kept(lambda: oz.orders.place(admin, an_order(line(dish), customer_phone=text)),
                    lambda placed: oz.orders.get(admin, placed.order.id).customer_phone, text)
    refused_or_kept(lambda: oz.orders.place(admin, an_order(line(dish), notes=text)),
                    lambda placed: oz.orders.get(admin, placed.order.id).notes, text)
    refused_or_kept(lambda: oz.orders.place(admin, an_order(line(dish, 1, text))),
                    lambda placed: oz.orders.get(admin, placed.order.id).items[0].special_instructions, text)
    order = oz.orders.place(admin, an_order(line(dish))).order
    refused_or_kept(lambda: oz.orders.edit(admin, order.id, EditOrder(notes=text)),
                    lambda edited: oz.orders.get(admin, edited.id).notes, text)
    refused_or_kept(lambda: oz.orders.cancel(admin, order.id, reason=text),
                    lambda cancelled: oz.orders.events(admin, cancelled.id)[-1].reason, text)
    try:
        first = oz.orders.place(admin, an_order(line(dish)), idempotency_key=text)
    except BadRequest:
        return
    again = oz.orders.place(admin, an_order(line(dish)), idempotency_key=text)
    assert again.replayed and again.order == first.order


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_hostile_text_in_accounts_and_logins(oz: Services, admin: Principal, text: str) -> None:
    restaurant = oz.accounts.me(admin)[1]
    refused_or_kept(lambda: oz.accounts.create_user(admin, NewUser(text, Role.STAFF, "long enough")),
                    lambda user: oz.accounts.user_by_email(restaurant.slug, user.email)[0].email,
                    text.strip().lower())
    email = f"{random_slug()}@example.com"
    refused_or_kept(lambda: oz.accounts.create_user(admin, NewUser(email, Role.STAFF, text)),
                    lambda user: oz.accounts.authenticate(Login(restaurant.slug, email, text))[0] == user,
                    True)
    for login in (Login(text, "admin@example.com", "x"), Login(restaurant.slug, text, "x"),
                  Login(restaurant.slug, "admin@example.com", text)):
        with pytest.raises(InvalidCredentials):
            oz.accounts.authenticate(login)
    with pytest.raises(NotFound):
        oz.accounts.restaurant(text)
    with pytest.raises(NotFound):
        oz.accounts.user_by_email(restaurant.slug, text)
    with pytest.raises(BadRequest):
        oz.orders.list(admin, ListOrders(cursor=text))


@pytest.mark.parametrize("number", INTEGERS.values(), ids=INTEGERS.keys())
def test_integers_beyond_their_range_are_refused(oz: Services, admin: Principal, number: int) -> None:
    dish = add_dish(oz, admin)
    with pytest.raises(ValidationFailed):
        oz.menu.create(admin, NewMenuItem("Too dear", number))
    with pytest.raises(ValidationFailed):
        oz.menu.edit(admin, dish.id, EditMenuItem(price_cents=number))
    with pytest.raises(ValidationFailed):
        oz.orders.place(admin, an_order(line(dish, number)))
    with pytest.raises(BadRequest):
        oz.orders.list(admin, ListOrders(limit=number))
    with pytest.raises(BadRequest):
        oz.menu.list(admin, limit=number)


def test_unknown_ids_and_extreme_times_find_nothing(oz: Services, admin: Principal) -> None:
    for raw in (UUID(int=0), UUID(int=2**128 - 1)):
        with pytest.raises(NotFound):
            oz.orders.get(admin, OrderId(raw))
        with pytest.raises(NotFound):
            oz.menu.get(admin, MenuItemId(raw))
        with pytest.raises(ValidationFailed):
            oz.orders.place(admin, an_order(line(MenuItemId(raw))))
    earliest, latest = datetime(1, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    page = oz.orders.list(admin, ListOrders(created_after=earliest, created_before=latest))
    assert page.items == ()
    with pytest.raises(ValidationFailed):
        oz.orders.change_status(admin, OrderId(UUID(int=1)), StatusChange(OrderStatus.PREPARING, "\x00"))
