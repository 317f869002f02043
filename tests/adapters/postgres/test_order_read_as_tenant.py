"""orderzap_order_as_tenant (migration 0004), the single-statement read of one order: it reads
what SELECT_ORDERS reads, only as the tenant it is given, and its tenant setting ends with it."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from psycopg import sql
from psycopg.rows import dict_row

from orderzap_adapters.postgres.orders import BY_ID, ORDER_AS_TENANT, SELECT_ORDERS
from orderzap_core.domain.orders import Order
from tests.adapters.contract.conftest import Backend

pytestmark = pytest.mark.postgres

Conn = psycopg.Connection[Any]
SET_TENANT = "SELECT set_config('orderzap.restaurant_id', %s, true)"
BY_SELECT_ORDERS = SELECT_ORDERS.format(filters=BY_ID, order_by=sql.SQL(""), tail=sql.SQL(""))


def _through_select_orders(conn: Conn, order: Order) -> list[dict[str, Any]]:
    with conn.transaction():
        conn.execute(SET_TENANT, [str(order.restaurant_id)])
        return conn.cursor(row_factory=dict_row).execute(
            BY_SELECT_ORDERS, {"restaurant_id": order.restaurant_id, "id": order.id}).fetchall()


def _through_the_function(conn: Conn, restaurant_id: Any, order_id: Any, include_deleted: bool = True
                          ) -> list[dict[str, Any]]:
    return conn.cursor(row_factory=dict_row).execute(
        ORDER_AS_TENANT, {"restaurant_id": restaurant_id, "id": order_id,
                          "include_deleted": include_deleted}).fetchall()


def test_the_function_reads_an_order_exactly_as_select_orders_does(pg: Backend, app_conn: Conn) -> None:
    restaurant = pg.open_restaurant()
    dishes = pg.add_dishes(restaurant.id, 3)
    orders = [pg.place(restaurant.id, dishes), pg.place(restaurant.id, dishes[:1])]
    for order in orders:
        expected = _through_select_orders(app_conn, order)
        got = _through_the_function(app_conn, restaurant.id, order.id)
        assert len(expected) == 1 and got == expected                # same columns, order and values
        assert list(got[0]) == list(expected[0])


def test_a_read_only_get_goes_through_the_function_and_equals_a_locked_read(pg: Backend) -> None:
    restaurant = pg.open_restaurant()
    order = pg.place(restaurant.id, pg.add_dishes(restaurant.id, 2))
    with pg.uow(restaurant.id) as uow:
        uow.read_only()
        alone = uow.orders.get(order.id)
        assert uow.session.round_trips == 1
    with pg.uow(restaurant.id) as uow:
        locked = uow.orders.get(order.id, lock=True)          # SELECT_ORDERS … FOR UPDATE
    assert alone == locked == order


def test_the_function_reads_only_as_the_tenant_it_is_given(pg: Backend, app_conn: Conn) -> None:
    mine, theirs = pg.open_restaurant(), pg.open_restaurant()
    their_order = pg.place(theirs.id, pg.add_dishes(theirs.id))
    assert _through_the_function(app_conn, mine.id, their_order.id) == []
    assert len(_through_the_function(app_conn, theirs.id, their_order.id)) == 1


def test_the_tenant_setting_ends_with_the_statement(pg: Backend, app_conn: Conn) -> None:
    restaurant = pg.open_restaurant()
    order = pg.place(restaurant.id, pg.add_dishes(restaurant.id))
    assert len(_through_the_function(app_conn, restaurant.id, order.id)) == 1
    row = app_conn.execute("SELECT current_setting('orderzap.restaurant_id', true)").fetchone()
    assert row is not None and row[0] in (None, "")
    assert app_conn.execute("SELECT count(*) FROM orders").fetchone() == (0,)


def test_a_deleted_order_is_read_only_when_asked_for(pg: Backend) -> None:
    restaurant = pg.open_restaurant()
    order = pg.place(restaurant.id, pg.add_dishes(restaurant.id))
    with pg.uow(restaurant.id) as uow:
        gone = order.delete(by=order.created_by, at=pg.now())[0]
        uow.orders.replace(gone)
        uow.commit()
    with pg.uow(restaurant.id) as uow:
        uow.read_only()
        assert uow.orders.get(order.id) is None
    with pg.uow(restaurant.id) as uow:
        uow.read_only()
        assert uow.orders.get(order.id, include_deleted=True) == gone
