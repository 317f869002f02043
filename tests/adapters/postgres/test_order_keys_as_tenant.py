"""orderzap_order_keys_as_tenant (migration 0005), the single-statement read of a page's keys: it
reads the rows SELECT_ORDERS reads for the same query, in the same order — bounds exclusive, as
the tenant it is given only — and its tenant setting ends with it.

test_known_orders.py checks whole pages against the reference for random queries; this file
holds the edges a random query rarely lands on."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row

from orderzap_adapters.postgres.orders import ORDER_KEYS_AS_TENANT, _key_params
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery, Position, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import RestaurantId
from tests.adapters.contract.conftest import Backend

pytestmark = pytest.mark.postgres

Conn = psycopg.Connection[Any]


def keys(conn: Conn, restaurant_id: RestaurantId, query: OrderQuery) -> list[Any]:
    """The ids the function returns for ``query``, in its order."""
    rows = conn.cursor(row_factory=dict_row).execute(
        ORDER_KEYS_AS_TENANT, _key_params(restaurant_id, query)).fetchall()
    return [row["id"] for row in rows]


def reference(pg: Backend, restaurant_id: RestaurantId, query: OrderQuery) -> list[Any]:
    """The ids SELECT_ORDERS reads for ``query`` (a read-write unit of work does not use keys)."""
    with pg.uow(restaurant_id) as uow:
        return [o.id for o in uow.orders.page(query)]


@pytest.fixture
def placed(pg: Backend) -> tuple[RestaurantId, list[Order]]:
    """Three orders of one restaurant, in the order placed (the test clock ticks between them)."""
    restaurant = pg.open_restaurant()
    dishes = pg.add_dishes(restaurant.id, 1)
    return restaurant.id, [pg.place(restaurant.id, dishes) for _ in range(3)]


def test_time_bounds_and_the_cursor_exclude_the_order_exactly_at_them(
        pg: Backend, app_conn: Conn, placed: tuple[RestaurantId, list[Order]]) -> None:
    restaurant_id, (first, middle, last) = placed
    at = Position(middle.created_at, middle.id)
    cases = {
        OrderQuery(created_after=middle.created_at, sort=Sort.OLDEST_FIRST): [last.id],
        OrderQuery(created_before=middle.created_at, sort=Sort.OLDEST_FIRST): [first.id],
        OrderQuery(after=at, sort=Sort.OLDEST_FIRST): [last.id],
        OrderQuery(after=at, sort=Sort.NEWEST_FIRST): [first.id],
        OrderQuery(limit=1): [last.id, middle.id],              # limit + 1: the next page's sign
    }
    for query, expected in cases.items():
        assert keys(app_conn, restaurant_id, query) == expected == reference(pg, restaurant_id, query), query


def test_status_author_and_tombstone_filters_match_select_orders(
        pg: Backend, app_conn: Conn, placed: tuple[RestaurantId, list[Order]]) -> None:
    restaurant_id, (first, middle, _last) = placed
    with pg.uow(restaurant_id) as uow:
        uow.orders.replace(first.delete(by=first.created_by, at=pg.now())[0])
        uow.orders.replace(middle.move_to(OrderStatus.PREPARING, by=middle.created_by, at=pg.now())[0])
        uow.commit()
    for query in (OrderQuery(), OrderQuery(include_deleted=True),
                  OrderQuery(statuses=frozenset({OrderStatus.PREPARING})),
                  OrderQuery(statuses=frozenset({OrderStatus.RECEIVED}), include_deleted=True),
                  OrderQuery(created_by=first.created_by), OrderQuery(created_by=first.restaurant_id)):
        assert keys(app_conn, restaurant_id, query) == reference(pg, restaurant_id, query), query


def test_the_function_reads_only_as_the_tenant_it_is_given(
        pg: Backend, app_conn: Conn, placed: tuple[RestaurantId, list[Order]]) -> None:
    theirs, their_orders = placed
    mine = pg.open_restaurant()
    assert keys(app_conn, mine.id, OrderQuery()) == []
    assert sorted(keys(app_conn, theirs, OrderQuery())) == sorted(o.id for o in their_orders)


def test_the_tenant_setting_ends_with_the_statement(
        app_conn: Conn, placed: tuple[RestaurantId, list[Order]]) -> None:
    restaurant_id, _ = placed
    assert len(keys(app_conn, restaurant_id, OrderQuery())) == 3
    row = app_conn.execute("SELECT current_setting('orderzap.restaurant_id', true)").fetchone()
    assert row is not None and row[0] in (None, "")
    assert app_conn.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_the_function_is_planned_for_its_arguments_each_time(app_conn: Conn) -> None:
    # A generic plan would scan a big restaurant's index from its first order to the cursor.
    row = app_conn.execute(
        "SELECT proconfig FROM pg_proc WHERE proname = 'orderzap_order_keys_as_tenant'").fetchone()
    assert row == (["plan_cache_mode=force_custom_plan"],)
