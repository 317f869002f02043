"""Read-only pages of orders reuse the orders this process already read (known_orders.py), and
never one that changed: every page is the reference page over the database's orders of the
moment, whatever changed them, and an unchanged page costs one light round trip."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta
from uuid import uuid4

import psycopg
import pytest
from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg import sql

from orderzap_adapters.memory.repositories import page_of_orders
from orderzap_adapters.postgres import PgConfig, PgDatabase
from orderzap_adapters.postgres.known_orders import KnownOrders
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import RestaurantId
from tests.adapters.contract.conftest import Backend
from tests.adapters.contract.mirrors import START
from tests.adapters.contract.test_order_cache_pages import queries, snapshots
from tests.adapters.samples import a_clock, an_order
from tests.pg_fixtures import DatabaseUrls

pytestmark = pytest.mark.postgres


def read_only_page(pg: Backend, restaurant_id: RestaurantId, query: OrderQuery) -> tuple[list[Order], int]:
    """The page a read-only unit of work reads, and its round trips."""
    with pg.uow(restaurant_id) as uow:
        uow.read_only()
        page = uow.orders.page(query)
        return page, uow.session.round_trips


def store(pg: Backend, restaurant_id: RestaurantId, *, added: Sequence[Order] = (),
          changed: Sequence[Order] = ()) -> None:
    """Add and replace orders in one committed unit of work."""
    with pg.uow(restaurant_id) as uow:
        for order in added:
            uow.orders.add(order)
        for order in changed:
            uow.orders.replace(order)
        uow.commit()


def changed(order: Order, step: int) -> Order:
    """``order`` after one more change of any kind (status, tombstone, edit), as the domain makes it."""
    at = START + timedelta(seconds=10 + step)
    kind = step % 3
    if kind == 0 and order.deleted_at is None:
        return order.delete(by=order.created_by, at=at)[0]
    if kind == 1 and order.deleted_at is not None:
        return order.restore(by=order.created_by, at=at)[0]
    statuses = [s for s in OrderStatus if s is not order.status]
    # NOTE: any status, not only the kitchen's moves: the repository stores what it is given.
    return evolve(order, status=statuses[step % len(statuses)], version=order.version + 1, updated_at=at)


def test_every_read_only_page_is_the_reference_page_while_orders_change(pg: Backend) -> None:
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        restaurant = pg.open_restaurant()
        dish, = pg.add_dishes(restaurant.id)
        template = an_order(restaurant.id, 1, [dish], START)[0]
        orders = [evolve(o, items=tuple(evolve(i, id=uuid4()) for i in o.items))   # items unique too
                  for o in data.draw(snapshots(restaurant.id, template))]
        store(pg, restaurant.id, added=orders)
        for step in range(6):
            query = data.draw(queries(orders))
            expected = page_of_orders(orders, restaurant.id, query)
            first, _ = read_only_page(pg, restaurant.id, query)
            again, trips = read_only_page(pg, restaurant.id, query)
            assert first == expected and again == expected, query
            assert trips == 1                      # nothing changed: the known orders, one round trip
            if orders:
                index = data.draw(st.integers(0, len(orders) - 1))
                orders[index] = changed(orders[index], step)
                store(pg, restaurant.id, changed=[orders[index]])

    check()


def test_an_unchanged_page_is_the_same_orders_read_once(pg: Backend) -> None:
    restaurant = pg.open_restaurant()
    dishes = pg.add_dishes(restaurant.id, 2)
    placed = [pg.place(restaurant.id, dishes) for _ in range(3)]
    first, trips_first = read_only_page(pg, restaurant.id, OrderQuery(limit=10))
    again, trips_again = read_only_page(pg, restaurant.id, OrderQuery(limit=10))
    assert first == placed[::-1] and (trips_first, trips_again) == (2, 1)
    assert all(a is b for a, b in zip(first, again, strict=True))


@pytest.fixture
def other_process(pg_config: PgConfig) -> Iterator[Backend]:
    """The same database through pools and known orders of their own, as another worker has."""
    db = PgDatabase.open(pg_config)
    yield Backend("postgres", db.unit_of_work, db.relay_unit_of_work, db.outbox_monitor, db.directory,
                  a_clock(START + timedelta(hours=1)))
    db.close()


def test_a_change_made_by_another_process_is_read_at_once(pg: Backend, other_process: Backend) -> None:
    restaurant = pg.open_restaurant()
    order = pg.place(restaurant.id, pg.add_dishes(restaurant.id))
    assert read_only_page(pg, restaurant.id, OrderQuery())[0] == [order]
    moved, _ = order.move_to(OrderStatus.PREPARING, by=order.created_by, at=other_process.now())
    store(other_process, restaurant.id, changed=[moved])
    assert read_only_page(pg, restaurant.id, OrderQuery())[0] == [moved]


@pytest.mark.parametrize(("change", "moved"), [
    ("version = version + 1", {"version": 2}),
    ("updated_at = updated_at + interval '1 second'", {"updated_at": timedelta(seconds=1)}),
])
def test_a_change_made_by_hand_in_sql_is_read_when_it_moves_the_version_or_the_time(
        pg: Backend, pg_urls: DatabaseUrls, change: str, moved: dict[str, object]) -> None:
    restaurant = pg.open_restaurant()
    order = pg.place(restaurant.id, pg.add_dishes(restaurant.id))
    assert read_only_page(pg, restaurant.id, OrderQuery())[0] == [order]
    with psycopg.connect(pg_urls.owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("UPDATE orders SET customer_name = 'Grace', {} WHERE id = %s").format(
            sql.SQL(change)), [order.id])
    expected = evolve(order, customer_name="Grace",
                      version=moved.get("version", order.version),
                      updated_at=order.updated_at + moved.get("updated_at", timedelta()))  # type: ignore[operator]
    assert read_only_page(pg, restaurant.id, OrderQuery())[0] == [expected]


def test_what_a_read_write_transaction_saw_of_its_own_changes_is_never_reused(pg: Backend) -> None:
    restaurant = pg.open_restaurant()
    order = pg.place(restaurant.id, pg.add_dishes(restaurant.id))
    at = order.updated_at + timedelta(seconds=1)
    preparing, _ = order.move_to(OrderStatus.PREPARING, by=order.created_by, at=at)
    cancelled, _ = order.move_to(OrderStatus.CANCELLED, by=order.created_by, at=at)
    with pg.uow(restaurant.id) as uow:                  # seen by its own transaction, never committed
        uow.orders.replace(preparing)
        assert uow.orders.page(OrderQuery()) == [preparing]
    store(pg, restaurant.id, changed=[cancelled])       # the same version and time, committed
    assert read_only_page(pg, restaurant.id, OrderQuery())[0] == [cancelled]


def test_known_orders_are_kept_per_restaurant_and_bounded() -> None:
    template = an_order(RestaurantId(uuid4()), 1, [], START)[0]
    known = KnownOrders(size=2)
    orders = [evolve(template, id=uuid4()) for _ in range(3)]
    known.remember(template.restaurant_id, orders)
    rows = [{"id": o.id, "version": o.version, "updated_at": o.updated_at} for o in orders]
    assert known.find(template.restaurant_id, rows[1:]) == orders[1:]
    assert known.find(template.restaurant_id, rows[:1]) is None            # the oldest was forgotten
    assert known.find(RestaurantId(uuid4()), rows[1:]) is None
    newer = [{**rows[2], "version": orders[2].version + 1}]
    assert known.find(template.restaurant_id, newer) is None
