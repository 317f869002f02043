"""The unit of work: one transaction for one restaurant, with every repository bound to it."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Protocol, Self

from attrs import frozen

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.menu import MenuItem
from orderzap_core.ids import MenuItemId, RestaurantId
from orderzap_core.ports.idempotency import IdempotencyStore
from orderzap_core.ports.outbox import Outbox
from orderzap_core.ports.repositories import (
    MenuItemRepository,
    OrderEventRepository,
    OrderRepository,
    RestaurantRepository,
    UserRepository,
)


@frozen
class PlacementReads:
    """What placing an order reads before it decides: the restaurant (None when absent), the live
    menu items among those its lines name, and the next order number (None without a restaurant)."""

    restaurant: Restaurant | None
    menu: Mapping[MenuItemId, MenuItem]
    number: int | None


class UnitOfWork(Protocol):
    """One transaction scoped to one restaurant (the tenant is set before anything else runs).

    Leaving the ``with`` block without ``commit()`` rolls everything back: no row, no counter
    increment, no outbox row survives a failed use case. Raises Unavailable when the store cannot
    be reached."""

    @property
    def restaurant(self) -> RestaurantRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def menu_items(self) -> MenuItemRepository: ...

    @property
    def orders(self) -> OrderRepository: ...

    @property
    def events(self) -> OrderEventRepository: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None:
        """Make every change of this unit of work durable at once."""
        ...

    def placement_reads(self, menu_item_ids: Sequence[MenuItemId]) -> PlacementReads:
        """``restaurant.get()``, ``menu_items.get_many(menu_item_ids)`` and
        ``orders.next_number()`` at once (one round trip on PostgreSQL). The number is taken as
        ``next_number`` takes it: a rollback of the unit of work gives it back."""
        ...

    def read_only(self) -> None:
        """Declare, before the first read, that this unit of work writes nothing and takes no
        lock: each read may then end its own transaction in the same round trip (at READ
        COMMITTED every statement sees a fresh snapshot anyway), so there is nothing to roll back."""
        ...


UnitOfWorkFactory = Callable[[RestaurantId], UnitOfWork]


class Directory(Protocol):
    """What must be known before a tenant is: the restaurants themselves (operators, login)."""

    def restaurant_id_for_slug(self, slug: str) -> RestaurantId | None:
        """The id of the restaurant with ``slug``, or None."""
        ...

    def list_restaurants(self) -> Sequence[Restaurant]:
        """Every restaurant, oldest first (operators only)."""
        ...

    def purge_idempotency(self, older_than: datetime) -> int:
        """Delete idempotency records created before ``older_than``; returns how many."""
        ...
