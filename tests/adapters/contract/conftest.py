"""The contract suites run every test on the memory fakes and on PostgreSQL.

``backend`` hands a test the ports of one store: the unit of work factory, the relay's unit of
work, the outbox monitor and the directory. PostgreSQL starts only when a test asks for it.
Each test makes its own restaurants; on PostgreSQL the outbox and the directory are shared with
earlier tests, so tests of those look only at their own restaurants' rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from attrs import frozen

from orderzap_adapters.memory.outbox import MemoryOutboxMonitor, MemoryRelayUnitOfWork
from orderzap_adapters.memory.store import MemoryStore
from orderzap_adapters.memory.system import TickingClock
from orderzap_adapters.memory.unit_of_work import MemoryDirectory, MemoryUnitOfWork
from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.ids import RestaurantId
from orderzap_core.ports.outbox import OutboxEntry, OutboxMonitor, RelayUnitOfWork
from orderzap_core.ports.unit_of_work import Directory, UnitOfWorkFactory
from tests.adapters.contract.mirrors import mirror  # noqa: F401  (the cache and sink suites)
from tests.adapters.samples import a_clock, a_dish, a_restaurant, an_order


@frozen
class Backend:
    """The ports of one store, and a clock for the rows a test builds."""

    name: str
    uow: UnitOfWorkFactory
    relay_uow: Callable[[], RelayUnitOfWork]
    monitor: OutboxMonitor
    directory: Directory
    clock: TickingClock

    def now(self) -> datetime:
        """The next reading of the test's clock."""
        return self.clock.now()

    def open_restaurant(self, **options: str) -> Restaurant:
        """A new restaurant, committed."""
        restaurant = a_restaurant(self.now(), **options)
        with self.uow(restaurant.id) as uow:
            uow.restaurant.add(restaurant)
            uow.commit()
        return restaurant

    def add_dishes(self, restaurant_id: RestaurantId, count: int = 1) -> list[MenuItem]:
        """``count`` new live menu items, committed."""
        dishes = [a_dish(restaurant_id, self.now()) for _ in range(count)]
        with self.uow(restaurant_id) as uow:
            for dish in dishes:
                uow.menu_items.add(dish)
            uow.commit()
        return dishes

    def mixed_menu(self) -> tuple[Restaurant, MenuItem, MenuItem, MenuItem, MenuItem]:
        """A new restaurant with two live items and one removed, and a live item of another."""
        restaurant, other = self.open_restaurant(), self.open_restaurant()
        first, second, removed = self.add_dishes(restaurant.id, 3)
        foreign, = self.add_dishes(other.id)
        with self.uow(restaurant.id) as uow:
            uow.menu_items.replace(removed.deleted(self.now()))
            uow.commit()
        return restaurant, first, second, removed, foreign

    def place(self, restaurant_id: RestaurantId, dishes: list[MenuItem], *, outbox: bool = True) -> Order:
        """A new order numbered by the counter, with its event (and outbox row), committed."""
        with self.uow(restaurant_id) as uow:
            order, event = an_order(restaurant_id, uow.orders.next_number(), dishes, self.now())
            uow.orders.add(order)
            uow.events.append(event)
            if outbox:
                uow.outbox.append(order)
            uow.commit()
        return order

    def drain(self) -> None:
        """Delete every pending outbox row (a clean start for tests that count claims)."""
        while True:
            with self.relay_uow() as relay:
                entries = relay.queue.claim(500)
                relay.queue.delete([e.id for e in entries])
                relay.commit()
            if not entries:
                return

    def pending_of(self, restaurant_id: RestaurantId) -> list[OutboxEntry]:
        """The restaurant's pending outbox rows, oldest first (claimed and released again)."""
        found: list[OutboxEntry] = []
        with self.relay_uow() as relay:
            found = [e for e in relay.queue.claim(100_000) if e.order.restaurant_id == restaurant_id]
        return found


def _memory() -> Backend:
    store = MemoryStore()
    clock = a_clock()

    def uow(restaurant_id: RestaurantId) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(store, restaurant_id, clock)

    return Backend("memory", uow, lambda: MemoryRelayUnitOfWork(store), MemoryOutboxMonitor(store),
                   MemoryDirectory(store), clock)


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest) -> Iterator[Backend]:
    """The memory fakes, or PostgreSQL."""
    if request.param == "memory":
        yield _memory()
        return
    db = request.getfixturevalue("pg_db")
    yield Backend("postgres", db.unit_of_work, db.relay_unit_of_work, db.outbox_monitor, db.directory,
                  a_clock())


@pytest.fixture
def restaurant(backend: Backend) -> Restaurant:
    """A new restaurant of the backend."""
    return backend.open_restaurant()
