"""MemoryUnitOfWork: works on a copy of the tables and publishes it on commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from orderzap_adapters.memory.outbox import MemoryIdempotency, MemoryOutbox
from orderzap_adapters.memory.repositories import (
    MemoryMenuItems,
    MemoryOrderEvents,
    MemoryOrders,
    MemoryRestaurants,
    MemoryUsers,
)
from orderzap_adapters.memory.store import MemoryStore
from orderzap_core.domain.accounts import Restaurant
from orderzap_core.ids import MenuItemId, RestaurantId
from orderzap_core.ports.system import Clock
from orderzap_core.ports.unit_of_work import PlacementReads


class MemoryUnitOfWork:
    """One 'transaction' of one restaurant: a private copy of the tables, published by commit()."""

    def __init__(self, store: MemoryStore, restaurant_id: RestaurantId, clock: Clock) -> None:
        self._store, self._rid, self._clock = store, restaurant_id, clock
        self._depth = 0

    def __enter__(self) -> MemoryUnitOfWork:
        self._store.lock.acquire()          # one writer at a time stands in for row locks
        self._tables = tables = self._store.tables.copy()
        rid = self._rid
        self._restaurant = MemoryRestaurants(tables, rid)
        self._users = MemoryUsers(tables, rid)
        self._menu_items = MemoryMenuItems(tables, rid)
        self._orders = MemoryOrders(tables, rid)
        self._events = MemoryOrderEvents(tables, rid)
        self._outbox = MemoryOutbox(tables, rid, self._clock.now())
        self._idempotency = MemoryIdempotency(tables, rid)
        return self

    @property
    def restaurant(self) -> MemoryRestaurants:
        """The restaurant."""
        return self._restaurant

    @property
    def users(self) -> MemoryUsers:
        """Its users."""
        return self._users

    @property
    def menu_items(self) -> MemoryMenuItems:
        """Its menu."""
        return self._menu_items

    @property
    def orders(self) -> MemoryOrders:
        """Its orders."""
        return self._orders

    @property
    def events(self) -> MemoryOrderEvents:
        """Its order history."""
        return self._events

    @property
    def outbox(self) -> MemoryOutbox:
        """Its outbox."""
        return self._outbox

    @property
    def idempotency(self) -> MemoryIdempotency:
        """Its idempotency records."""
        return self._idempotency

    def placement_reads(self, menu_item_ids: Sequence[MenuItemId]) -> PlacementReads:
        """The restaurant, its live items among ``menu_item_ids`` and the next number."""
        restaurant = self._restaurant.get()
        number = self._orders.next_number() if restaurant is not None else None
        return PlacementReads(restaurant, self._menu_items.get_many(menu_item_ids), number)

    def read_only(self) -> None:
        """Declared read-only: committing is then a bug, as on PostgreSQL."""
        self._read_only = True

    def commit(self) -> None:
        """Publish this unit of work's tables."""
        if getattr(self, "_read_only", False):
            raise RuntimeError("a unit of work declared read-only cannot commit")
        self._store.tables = self._tables

    def __exit__(self, *exc: object) -> None:
        self._store.lock.release()          # without commit(), the copy is dropped


class MemoryDirectory:
    """Restaurants across tenants, for operators and login."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def restaurant_id_for_slug(self, slug: str) -> RestaurantId | None:
        """The id for ``slug``, or None."""
        with self._store.lock:
            return next((r.id for r in self._store.tables.restaurants.values() if r.slug == slug), None)

    def list_restaurants(self) -> Sequence[Restaurant]:
        """Every restaurant, oldest first."""
        with self._store.lock:
            return sorted(self._store.tables.restaurants.values(), key=lambda r: (r.created_at, r.id))

    def purge_idempotency(self, older_than: datetime) -> int:
        """Delete records created before ``older_than``."""
        with self._store.lock:
            table = self._store.tables.idempotency
            old = [k for k, r in table.items() if r.created_at < older_than]
            for key in old:
                del table[key]
            return len(old)
