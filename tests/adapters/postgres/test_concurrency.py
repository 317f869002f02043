"""Concurrency on PostgreSQL, with real threads and connections.

Where a race must really happen, the test makes it happen: a raw transaction holds the row the
use cases need, the test waits until PostgreSQL reports the threads waiting for it, and only then
lets go. No test depends on how long anything takes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from attrs import frozen

from orderzap_adapters.memory import MemoryOrderCache
from orderzap_adapters.memory.system import PlainHasher
from orderzap_adapters.postgres import PgDatabase, services
from orderzap_adapters.postgres.pool import APP_ROLE
from orderzap_adapters.system import SystemClock, SystemRandom
from orderzap_core.commands import EditOrder, ListOrders, NewMenuItem, StatusChange
from orderzap_core.domain.accounts import Restaurant, Role
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import IdempotencyConflict, InvalidTransition, PreconditionFailed, ValidationFailed
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.policy import Principal
from orderzap_core.ports.cache import Delivery, Outcome
from orderzap_core.services import Services
from orderzap_core.services.orders import Placement
from orderzap_core.services.relay import OutboxRelay
from tests.adapters.postgres.conftest import connect_as
from tests.core.builders import add_dish, an_order, join, line, open_restaurant
from tests.pg_fixtures import DatabaseUrls

pytestmark = pytest.mark.postgres

#: How long a test waits for PostgreSQL to report the expected waiters before it fails.
PATIENCE_SECONDS = 60.0
LOCK_COUNTER = "SELECT 1 FROM restaurant_counters WHERE restaurant_id = %s FOR UPDATE"
LOCK_ORDER = "SELECT 1 FROM orders WHERE id = %s FOR UPDATE"


@pytest.fixture(scope="module")
def wide_db(pg_urls: DatabaseUrls) -> Iterator[PgDatabase]:
    """Pools wide enough for 20 blocked writers and the traffic that must pass them."""
    db = PgDatabase.open(pg_urls.config(max_size=40, relay_max_size=4, timeout=10.0))
    yield db
    db.close()


@pytest.fixture
def oz(wide_db: PgDatabase) -> Services:
    """The application on the wide pools."""
    return services(wide_db, hasher=PlainHasher())


@frozen
class Kitchen:
    """A restaurant, its staff member and a dish."""

    restaurant: Restaurant
    staff: Principal
    dish: MenuItem


def a_kitchen(oz: Services) -> Kitchen:
    restaurant = open_restaurant(oz)
    admin = join(oz, restaurant, Role.ADMIN)
    return Kitchen(restaurant, join(oz, restaurant, Role.STAFF), add_dish(oz, admin, "Margherita", 1150))


@pytest.fixture
def observer(pg_urls: DatabaseUrls) -> Iterator[psycopg.Connection[Any]]:
    """An owner's connection that watches pg_stat_activity."""
    with psycopg.connect(pg_urls.owner_url, autocommit=True) as conn:
        yield conn


@contextmanager
def holding(urls: DatabaseUrls, restaurant_id: RestaurantId, query: str, params: list[Any]) -> Iterator[None]:
    """Run ``query`` (a SELECT … FOR UPDATE) as orderzap_app in an open transaction of the
    restaurant, and keep its locks until the block ends."""
    with connect_as(urls, APP_ROLE) as conn, conn.transaction():
        conn.execute("SELECT set_config('orderzap.restaurant_id', %s, true)", [str(restaurant_id)])
        assert conn.execute(query, params).fetchall(), "nothing to lock"
        yield


def await_waiters(observer: psycopg.Connection[Any], count: int) -> None:
    """Return once at least ``count`` sessions of this database wait for a lock."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        row = observer.execute("""
            SELECT count(*) FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'""").fetchone()
        if row is not None and row[0] >= count:
            return
        assert time.monotonic() < deadline, f"{row} sessions wait for a lock, expected {count}"
        time.sleep(0.02)


def outcome(future: Future[Any]) -> Any:
    """The result of a future, or the exception it raised."""
    try:
        return future.result(timeout=PATIENCE_SECONDS)
    except Exception as error:  # noqa: BLE001 — the test inspects what each thread got
        return error


def test_twenty_concurrent_orders_are_numbered_one_to_twenty_while_another_restaurant_proceeds(
        oz: Services, pg_urls: DatabaseUrls, observer: psycopg.Connection[Any]) -> None:
    busy, other = a_kitchen(oz), a_kitchen(oz)
    body = an_order(line(busy.dish))
    with ThreadPoolExecutor(20) as threads:
        with holding(pg_urls, busy.restaurant.id, LOCK_COUNTER, [busy.restaurant.id]):
            start = threading.Barrier(20)

            def place() -> Order:
                start.wait()
                return oz.orders.place(busy.staff, body).order

            futures = [threads.submit(place) for _ in range(20)]
            await_waiters(observer, 20)
            elsewhere = [oz.orders.place(other.staff, an_order(line(other.dish))).order for _ in range(5)]
            assert [o.order_number for o in elsewhere] == [1, 2, 3, 4, 5]
            assert not any(f.done() for f in futures)
        placed = [outcome(f) for f in futures]
    assert sorted(o.order_number for o in placed) == list(range(1, 21))
    listed = oz.orders.list(busy.staff, ListOrders(limit=50)).items
    assert sorted(o.order_number for o in listed) == list(range(1, 21))


@pytest.mark.parametrize("targets, expected_version, loser", [
    ((OrderStatus.PREPARING, OrderStatus.PREPARING), None, InvalidTransition),
    ((OrderStatus.PREPARING, OrderStatus.CANCELLED), 1, PreconditionFailed),
])
def test_of_two_concurrent_conflicting_status_changes_exactly_one_wins(
        oz: Services, pg_urls: DatabaseUrls, observer: psycopg.Connection[Any],
        targets: tuple[OrderStatus, OrderStatus], expected_version: int | None,
        loser: type[Exception]) -> None:
    kitchen = a_kitchen(oz)
    order = oz.orders.place(kitchen.staff, an_order(line(kitchen.dish))).order
    with ThreadPoolExecutor(2) as threads:
        with holding(pg_urls, kitchen.restaurant.id, LOCK_ORDER, [order.id]):
            futures = [threads.submit(oz.orders.change_status, kitchen.staff, order.id, StatusChange(target),
                                      expected_version=expected_version) for target in targets]
            await_waiters(observer, 2)
        results = [outcome(f) for f in futures]
    winners = [r for r in results if isinstance(r, Order)]
    losers = [r for r in results if not isinstance(r, Order)]
    assert len(winners) == 1 and len(losers) == 1 and isinstance(losers[0], loser), results
    stored = oz.orders.get(kitchen.staff, order.id)
    assert stored == winners[0] and stored.version == 2
    assert [e.version for e in oz.orders.events(kitchen.staff, order.id)] == [1, 2]


def test_ten_concurrent_requests_with_one_idempotency_key_place_one_order(
        oz: Services, pg_urls: DatabaseUrls) -> None:
    kitchen = a_kitchen(oz)
    body = an_order(line(kitchen.dish, 2))
    with ThreadPoolExecutor(10) as threads:
        with holding(pg_urls, kitchen.restaurant.id, LOCK_COUNTER, [kitchen.restaurant.id]):
            futures = [threads.submit(oz.orders.place, kitchen.staff, body, idempotency_key="one-key")
                       for _ in range(10)]
            # The request that claimed the key now waits for the counter: the nine others answer.
            early = [outcome(f) for f in _all_but_one_done(futures)]
        results = [outcome(f) for f in futures]
    assert len(early) == 9 and all(isinstance(r, IdempotencyConflict) for r in early), early
    placed = [r for r in results if isinstance(r, Placement)]
    assert len(placed) == 1 and not placed[0].replayed
    replay = oz.orders.place(kitchen.staff, body, idempotency_key="one-key")
    assert replay.replayed and replay.order == placed[0].order
    assert [o.id for o in oz.orders.list(kitchen.staff, ListOrders()).items] == [placed[0].order.id]


def _all_but_one_done(futures: list[Future[Any]]) -> list[Future[Any]]:
    """Wait until every future but one is done; return the done ones."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while sum(f.done() for f in futures) < len(futures) - 1:
        assert time.monotonic() < deadline, "the requests did not settle"
        time.sleep(0.02)
    return [f for f in futures if f.done()]


def test_two_concurrent_items_of_one_name_leave_one_item_and_one_validation_error(oz: Services) -> None:
    kitchen = a_kitchen(oz)
    admin = join(oz, kitchen.restaurant, Role.ADMIN)
    start = threading.Barrier(2)

    def create() -> MenuItem:
        start.wait()
        return oz.menu.create(admin, NewMenuItem("Calzone", 1300))

    with ThreadPoolExecutor(2) as threads:
        results = [outcome(f) for f in [threads.submit(create) for _ in range(2)]]
    created = [r for r in results if isinstance(r, MenuItem)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(created) == 1 and len(refused) == 1, results
    assert [p.field for p in refused[0].problems] == ["name"]


class RecordingMirror:
    """A memory mirror (version-gated) that records every snapshot delivered to it, per order."""

    def __init__(self, restaurant_id: RestaurantId) -> None:
        self.mirror = MemoryOrderCache()
        self.deliveries: list[tuple[OrderId, int, Outcome]] = []
        self._restaurant_id = restaurant_id
        self._lock = threading.Lock()

    def deliver(self, snapshots: Any) -> list[Delivery]:
        with self._lock:
            results = self.mirror.deliver(snapshots)
            self.deliveries += [(s.id, s.version, r.outcome) for s, r in zip(snapshots, results, strict=True)
                                if s.restaurant_id == self._restaurant_id]
            return results


def test_relays_racing_writers_deliver_each_row_once_never_go_back_and_lose_nothing(
        oz: Services, wide_db: PgDatabase) -> None:
    kitchen = a_kitchen(oz)
    orders = [oz.orders.place(kitchen.staff, an_order(line(kitchen.dish))).order for _ in range(4)]
    sink = RecordingMirror(kitchen.restaurant.id)
    writers = threading.Semaphore(0)

    def write(offset: int) -> None:
        for step in range(25):
            order = orders[(step + offset) % len(orders)]
            oz.orders.edit(kitchen.staff, order.id, EditOrder(notes=f"change {offset}-{step}"))
        writers.release()

    finished = threading.Event()

    def watch() -> None:
        for _ in range(2):
            writers.acquire()
        finished.set()

    def relay() -> None:
        worker = OutboxRelay(wide_db.relay_unit_of_work, sink, SystemClock(), SystemRandom(), batch_size=7)
        while not finished.is_set():
            worker.step()
        while worker.step().claimed:
            pass

    with ThreadPoolExecutor(5) as threads:
        futures = [threads.submit(write, 0), threads.submit(write, 2), threads.submit(watch),
                   threads.submit(relay), threads.submit(relay)]
        for future in futures:
            future.result(timeout=PATIENCE_SECONDS * 2)
    OutboxRelay(wide_db.relay_unit_of_work, sink, SystemClock(), SystemRandom()).drain()

    final = {o.id: oz.orders.get(kitchen.staff, o.id) for o in orders}
    assert {i: o for i, o in sink.mirror.documents().items() if i in final} == final, "a change was lost"
    delivered = [(order_id, version) for order_id, version, _ in sink.deliveries]
    assert len(delivered) == len(set(delivered)), "an outbox row was delivered twice"
    for order_id in final:
        applied = [v for i, v, o in sink.deliveries if i == order_id and o is Outcome.APPLIED]
        assert applied == sorted(applied) and applied[-1] == final[order_id].version
    assert sum(1 for *_, o in sink.deliveries if o is Outcome.REJECTED) == 0
