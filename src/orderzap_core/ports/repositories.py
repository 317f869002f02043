"""Repositories: each is scoped once, by its unit of work, to one restaurant, and never takes a
``restaurant_id``, so no call site can pass the wrong one. Absent is ``None``; NotFound is the
use case's decision."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from orderzap_core.domain.accounts import Restaurant, User
from orderzap_core.domain.events import OrderEvent
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery, Position
from orderzap_core.ids import MenuItemId, OrderId, UserId


class RestaurantRepository(Protocol):
    """The unit of work's own restaurant."""

    def get(self) -> Restaurant | None:
        """This restaurant, or None when it does not exist."""
        ...

    def add(self, restaurant: Restaurant) -> None:
        """Create this restaurant (its id is the unit of work's) with its order counter at 0.
        Raises ValidationFailed on ``slug`` when another restaurant has that slug."""
        ...


class UserRepository(Protocol):
    """The users of the unit of work's restaurant."""

    def get(self, user_id: UserId) -> User | None:
        """The user, or None."""
        ...

    def by_email(self, email: str) -> User | None:
        """The user with this (lower-case) email, or None."""
        ...

    def add(self, user: User) -> None:
        """Create a user. Raises ValidationFailed on ``email`` if the restaurant has it already."""
        ...

    def list(self) -> Sequence[User]:
        """Every user, oldest first."""
        ...


class MenuItemRepository(Protocol):
    """The menu of the unit of work's restaurant."""

    def get(self, item_id: MenuItemId, *, include_deleted: bool = False) -> MenuItem | None:
        """The item, or None when absent or soft-deleted (unless asked)."""
        ...

    def get_many(self, item_ids: Sequence[MenuItemId]) -> dict[MenuItemId, MenuItem]:
        """The live (not deleted) items among ``item_ids``, in one round trip."""
        ...

    def page(self, *, available: bool | None, limit: int, after: Position | None) -> list[MenuItem]:
        """Up to ``limit`` live items, oldest first, after ``after``; ``available`` filters."""
        ...

    def name_taken(self, name: str, *, other_than: MenuItemId | None = None) -> bool:
        """Whether a live item other than ``other_than`` has this name."""
        ...

    def add(self, item: MenuItem) -> None:
        """Create an item."""
        ...

    def replace(self, item: MenuItem) -> None:
        """Store a changed item (including its soft deletion)."""
        ...


class OrderRepository(Protocol):
    """The orders of the unit of work's restaurant."""

    def get(self, order_id: OrderId, *, lock: bool = False, include_deleted: bool = False) -> Order | None:
        """The order with its items, or None when absent or soft-deleted (unless asked).
        ``lock`` holds the row until the unit of work ends (``SELECT … FOR UPDATE``)."""
        ...

    def next_number(self) -> int:
        """The restaurant's next order number: gapless, 1, 2, 3 …, rolled back with the unit of work."""
        ...

    def add(self, order: Order) -> None:
        """Create an order with its items."""
        ...

    def replace(self, order: Order) -> None:
        """Store a changed order (its items never change after creation)."""
        ...

    def page(self, query: OrderQuery) -> list[Order]:
        """Up to ``query.limit`` + 1 matching orders in the query's order after its position
        (one extra row tells whether another page follows)."""
        ...

    def list_all(self, *, include_deleted: bool = True) -> list[Order]:
        """Every order of the restaurant (operators: cache verification)."""
        ...


class OrderEventRepository(Protocol):
    """The history of the unit of work's orders."""

    def append(self, event: OrderEvent) -> None:
        """Record an event."""
        ...

    def for_order(self, order_id: OrderId) -> list[OrderEvent]:
        """The order's events, oldest (lowest version) first."""
        ...
