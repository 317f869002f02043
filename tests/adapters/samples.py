"""Domain objects for adapter tests, built directly (no services): restaurants with random slugs,
users, menu items and orders with their items and events. Times come from a per-test clock."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from orderzap_adapters.memory.system import TickingClock
from orderzap_core.domain.accounts import Restaurant, Role, User
from orderzap_core.domain.events import OrderEvent
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order, OrderItem, PaymentMethod
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId, RestaurantId, UserId

PHONE = "+14155550123"


def a_clock(start: datetime | None = None) -> TickingClock:
    """A clock that ticks 1 ms per reading, from a time with microseconds (as PostgreSQL keeps)."""
    start = start or datetime(2026, 11, 24, 12, 0, 0, 123456, tzinfo=UTC)
    return TickingClock(start, timedelta(milliseconds=1))


def a_slug() -> str:
    """A slug no other test uses."""
    return f"t-{uuid4().hex[:12]}"


def a_restaurant(at: datetime, *, name: str = "Trattoria", currency: str = "USD") -> Restaurant:
    """A new restaurant with a random id and slug."""
    return Restaurant(RestaurantId(uuid4()), name, a_slug(), currency, at)


def a_user(restaurant_id: RestaurantId, at: datetime, *, email: str | None = None,
           role: Role = Role.STAFF) -> User:
    """A user of ``restaurant_id``."""
    return User(UserId(uuid4()), restaurant_id, email or f"u-{uuid4().hex[:8]}@example.com", role,
                "plain$" + "0" * 64, at)


def a_dish(restaurant_id: RestaurantId, at: datetime, *, name: str | None = None, price_cents: int = 1150,
           available: bool = True) -> MenuItem:
    """A live menu item of ``restaurant_id``."""
    return MenuItem(MenuItemId(uuid4()), restaurant_id, name or f"dish {uuid4().hex[:8]}", price_cents,
                    available, at, at)


def an_order(restaurant_id: RestaurantId, number: int, dishes: Sequence[MenuItem], at: datetime, *,
             by: UserId | None = None, notes: str | None = None) -> tuple[Order, OrderEvent]:
    """A new order of ``restaurant_id`` with one line per dish (quantity 1, 2, 3 …) and its event."""
    items = [OrderItem.priced(OrderItemId(uuid4()), dish.id, dish.name, i + 1, dish.price_cents,
                              "no basil" if i == 0 else None)
             for i, dish in enumerate(dishes)]
    return Order.place(id=OrderId(uuid4()), restaurant_id=restaurant_id, order_number=number,
                       customer_name="Ada", customer_phone=PHONE, payment_method=PaymentMethod.CARD,
                       notes=notes, items=items, currency="USD", by=by or UserId(uuid4()), at=at)
