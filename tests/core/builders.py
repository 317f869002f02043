"""Builders for core tests: restaurants with random slugs, users in each role, dishes, orders.

Every builder goes through the services, so the same builders serve the memory fakes and PostgreSQL.
"""

from __future__ import annotations

from uuid import uuid4

from orderzap_core.commands import NewMenuItem, NewRestaurant, NewUser, OrderLine, PlaceOrder
from orderzap_core.domain.accounts import Restaurant, Role, User
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import PaymentMethod
from orderzap_core.ids import MenuItemId
from orderzap_core.policy import Principal
from orderzap_core.services import Services

PASSWORD = "correct horse battery"
PHONE = "+14155550123"


def random_slug(prefix: str = "r") -> str:
    """A slug no other test uses, so tests never share a restaurant."""
    return f"{prefix}-{uuid4().hex[:12]}"


def open_restaurant(oz: Services, *, name: str = "Trattoria", currency: str = "USD") -> Restaurant:
    """A new restaurant with a random slug."""
    return oz.accounts.create_restaurant(NewRestaurant(name, random_slug(), currency))


def principal_of(user: User) -> Principal:
    """The principal a token for ``user`` stands for."""
    return Principal(user.id, user.restaurant_id, user.role)


def join(oz: Services, restaurant: Restaurant, role: Role, *, email: str | None = None,
         password: str = PASSWORD) -> Principal:
    """A new user of ``restaurant`` in ``role``, created by the operator."""
    operator = oz.accounts.operator(restaurant.slug)
    address = email or f"{role.value}-{uuid4().hex[:8]}@example.com"
    return principal_of(oz.accounts.create_user(operator, NewUser(address, role, password)))


def add_dish(oz: Services, admin: Principal, name: str | None = None, price_cents: int = 1150,
             *, available: bool = True) -> MenuItem:
    """A new menu item (a random name unless given)."""
    return oz.menu.create(admin, NewMenuItem(name or f"dish {uuid4().hex[:8]}", price_cents, available))


def line(item: MenuItem | MenuItemId, quantity: int = 1,
         special_instructions: str | None = None) -> OrderLine:
    """One requested line."""
    item_id = item.id if isinstance(item, MenuItem) else item
    return OrderLine(item_id, quantity, special_instructions)


def an_order(*lines: OrderLine, customer_name: str = "Ada", customer_phone: str = PHONE,
             payment_method: PaymentMethod = PaymentMethod.CARD, notes: str | None = None) -> PlaceOrder:
    """A valid order body for the given lines."""
    return PlaceOrder(customer_name, customer_phone, payment_method, tuple(lines), notes)
