"""Row-level security, the second wall: what orderzap_app and orderzap_relay can and cannot do,
proved with raw SQL that forgets the filters the repositories always write."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg import errors, sql
from psycopg.types.json import Jsonb

from orderzap_adapters.postgres import PgConfig, PgDatabase
from orderzap_adapters.postgres.pool import APP_ROLE, open_pool
from orderzap_adapters.postgres.session import one_shot
from orderzap_adapters.postgres.unit_of_work import PgUnitOfWork
from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.orders import Order
from orderzap_core.ports.idempotency import IdempotencyRecord
from tests.adapters.contract.conftest import Backend
from tests.adapters.samples import a_user
from tests.pg_fixtures import DatabaseUrls

pytestmark = pytest.mark.postgres

TENANT_TABLES = ["restaurants", "restaurant_counters", "users", "menu_items", "orders", "order_items",
                 "order_events", "outbox", "idempotency_keys"]
Conn = psycopg.Connection[Any]
SET_TENANT = "SELECT set_config('orderzap.restaurant_id', %s, true)"


def _seed(pg: Backend) -> tuple[Restaurant, Order]:
    """A restaurant with a user, a dish, an order (event, outbox row) and an idempotency record."""
    restaurant = pg.open_restaurant()
    dish, = pg.add_dishes(restaurant.id)
    order = pg.place(restaurant.id, [dish])
    with pg.uow(restaurant.id) as uow:
        uow.users.add(a_user(restaurant.id, pg.now()))
        uow.idempotency.put(IdempotencyRecord("k", "print", order, pg.now()))
        uow.commit()
    return restaurant, order


def _count(conn: Conn, table: str) -> int:
    row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.parametrize("table", [t for t in TENANT_TABLES if t != "outbox"])
def test_a_query_without_the_tenant_setting_finds_no_row(pg: Backend, app_conn: Conn,
                                                         table: str) -> None:
    _seed(pg)
    assert _count(app_conn, table) == 0
    with app_conn.transaction():
        app_conn.execute(SET_TENANT, [""])
        assert _count(app_conn, table) == 0


@pytest.mark.parametrize("table", [t for t in TENANT_TABLES if t != "outbox"])
def test_a_query_with_the_tenant_setting_finds_only_that_restaurants_rows(
        pg: Backend, app_conn: Conn, table: str) -> None:
    restaurant, _ = _seed(pg)
    _seed(pg)
    with app_conn.transaction():
        app_conn.execute(SET_TENANT, [str(restaurant.id)])
        column = "id" if table == "restaurants" else "restaurant_id"
        rows = app_conn.execute(sql.SQL("SELECT DISTINCT {} FROM {}").format(
            sql.Identifier(column), sql.Identifier(table))).fetchall()
    assert rows == [(restaurant.id,)]


def _foreign_insert(table: str, restaurant_id: Any, order: Order) -> tuple[sql.Composed, list[Any]]:
    """An INSERT of a plausible row of ``restaurant_id`` into ``table``."""
    now, rid, oid = order.created_at, restaurant_id, order.id
    rows: dict[str, dict[str, Any]] = {
        "restaurants": {"id": rid, "name": "Elsewhere", "slug": f"x-{uuid4().hex[:8]}", "currency": "USD",
                        "created_at": now},
        "restaurant_counters": {"restaurant_id": rid, "last_order_number": 0},
        "users": {"restaurant_id": rid, "id": uuid4(), "email": "eve@example.com", "role": "admin",
                  "password_hash": "x", "created_at": now},
        "menu_items": {"restaurant_id": rid, "id": uuid4(), "name": "Stolen", "price_cents": 1,
                       "is_available": True, "created_at": now, "updated_at": now},
        "orders": {"restaurant_id": rid, "id": uuid4(), "order_number": 99, "customer_name": "Eve",
                   "customer_phone": "+14155550123", "status": "received", "payment_method": "cash",
                   "total_cents": 0, "currency": "USD", "version": 1, "created_by": uuid4(),
                   "created_at": now, "updated_at": now},
        "order_items": {"restaurant_id": rid, "order_id": oid, "line_index": 9, "id": uuid4(),
                        "menu_item_id": order.items[0].menu_item_id, "name": "x", "quantity": 1,
                        "unit_price_cents": 1, "line_total_cents": 1},
        "order_events": {"restaurant_id": rid, "order_id": oid, "version": 9, "type": "updated",
                         "actor_id": uuid4(), "at": now},
        "outbox": {"restaurant_id": rid, "order_id": oid, "version": 9, "snapshot": Jsonb({})},
        "idempotency_keys": {"restaurant_id": rid, "key": "stolen", "fingerprint": "x", "order_id": oid,
                             "response": Jsonb({}), "created_at": now},
    }
    row = rows[table]
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, row)),
        sql.SQL(", ").join(sql.Placeholder() * len(row)))
    return query, list(row.values())


@pytest.mark.parametrize("table", TENANT_TABLES)
def test_an_insert_carrying_another_restaurants_id_is_refused_by_the_database(
        pg: Backend, app_conn: Conn, table: str) -> None:
    mine, _ = _seed(pg)
    theirs, their_order = _seed(pg)
    query, params = _foreign_insert(table, theirs.id, their_order)
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"), app_conn.transaction():
        app_conn.execute(SET_TENANT, [str(mine.id)])
        app_conn.execute(query, params)


@pytest.mark.parametrize("table", ["menu_items", "orders", "idempotency_keys", "restaurant_counters"])
def test_an_update_moving_a_row_to_another_restaurant_is_refused_by_the_database(
        pg: Backend, app_conn: Conn, table: str) -> None:
    mine, _ = _seed(pg)
    theirs, _ = _seed(pg)
    with pytest.raises(errors.InsufficientPrivilege, match="row-level security"), app_conn.transaction():
        app_conn.execute(SET_TENANT, [str(mine.id)])
        move = sql.SQL("UPDATE {} SET restaurant_id = %s").format(sql.Identifier(table))
        app_conn.execute(move, [theirs.id])


def test_an_update_of_another_restaurants_rows_changes_nothing(pg: Backend, app_conn: Conn) -> None:
    mine, _ = _seed(pg)
    theirs, their_order = _seed(pg)
    with app_conn.transaction():
        app_conn.execute(SET_TENANT, [str(mine.id)])
        changed = app_conn.execute("UPDATE orders SET customer_name = 'Eve' WHERE id = %s", [their_order.id])
        assert changed.rowcount == 0
    with pg.uow(theirs.id) as uow:
        assert uow.orders.get(their_order.id) == their_order


def test_the_app_may_append_to_the_outbox_but_never_read_or_delete_it(pg: Backend, app_conn: Conn) -> None:
    restaurant, _ = _seed(pg)
    for statement in ("SELECT count(*) FROM outbox", "DELETE FROM outbox", "DELETE FROM orders",
                      "DELETE FROM schema_migrations", "TRUNCATE orders"):
        with pytest.raises(errors.InsufficientPrivilege), app_conn.transaction():
            app_conn.execute(SET_TENANT, [str(restaurant.id)])
            app_conn.execute(statement)


@pytest.mark.parametrize("table", [t for t in TENANT_TABLES if t != "outbox"])
def test_the_relay_can_touch_no_table_but_the_outbox(relay_conn: Conn, table: str) -> None:
    with pytest.raises(errors.InsufficientPrivilege):
        _count(relay_conn, table)


def test_the_relay_reads_the_outbox_of_every_restaurant(pg: Backend, relay_conn: Conn) -> None:
    first, _ = _seed(pg)
    second, _ = _seed(pg)
    rows = relay_conn.execute("SELECT DISTINCT restaurant_id FROM outbox WHERE restaurant_id = ANY(%s)",
                              [[first.id, second.id]]).fetchall()
    assert sorted(r[0] for r in rows) == sorted([first.id, second.id])


def test_the_runtime_roles_own_nothing_and_cannot_bypass_row_level_security(
        app_conn: Conn) -> None:
    roles = app_conn.execute("""
        SELECT rolname, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles
        WHERE rolname IN ('orderzap_app', 'orderzap_relay') ORDER BY rolname""").fetchall()
    assert roles == [(name, False, False, False, False) for name in ("orderzap_app", "orderzap_relay")]
    owned = app_conn.execute("""
        SELECT count(*) FROM pg_class AS c JOIN pg_roles AS r ON r.oid = c.relowner
        WHERE r.rolname IN ('orderzap_app', 'orderzap_relay')""").fetchone()
    assert owned == (0,)


def test_every_tenant_table_forces_row_level_security(app_conn: Conn) -> None:
    rows = app_conn.execute("""
        SELECT relname, relrowsecurity, relforcerowsecurity FROM pg_class
        WHERE relname = ANY(%s) AND relkind = 'r' ORDER BY relname""", [TENANT_TABLES]).fetchall()
    assert rows == [(table, True, True) for table in sorted(TENANT_TABLES)]


def test_the_tenant_setting_never_leaks_to_the_next_transaction_of_a_pooled_connection(
        pg: Backend, pg_config: PgConfig) -> None:
    restaurant, order = _seed(pg)
    pool = open_pool(pg_config.app_url or pg_config.owner_url, role=APP_ROLE, name="leak-test", min_size=1,
                     max_size=1, timeout=5, max_idle=60, reconnect_timeout=5, prepare_threshold=5)
    probe = ("SELECT pg_backend_pid() AS pid, current_setting('orderzap.restaurant_id', true) AS tenant, "
             "(SELECT count(*) FROM orders) AS visible")
    try:
        for ending in ("commit", "rollback", "error"):
            with pytest.raises(RuntimeError) if ending == "error" else nullcontext(), \
                    PgUnitOfWork(pool, restaurant.id, 5) as uow:
                assert uow.orders.get(order.id) == order
                pid = uow.session.fetch_one("SELECT pg_backend_pid() AS pid")["pid"]  # type: ignore[index]
                if ending == "commit":
                    uow.commit()
                elif ending == "error":
                    raise RuntimeError("half-way")
            after = one_shot(pool, 5, probe)[0]
            assert after["pid"] == pid
            assert after["tenant"] in ("", None)
            assert after["visible"] == 0
    finally:
        pool.close()


def test_the_pools_act_as_the_runtime_roles_even_when_the_url_names_a_superuser(
        pg_urls: DatabaseUrls) -> None:
    db = PgDatabase.open(PgConfig(owner_url=pg_urls.owner_url))
    try:
        with psycopg.connect(pg_urls.owner_url) as owner:
            assert owner.execute("SELECT current_user").fetchone() != ("orderzap_app",)
        with db.unit_of_work(uuid4()) as uow:  # type: ignore[arg-type]
            assert uow.session.fetch_one("SELECT current_user AS who") == {"who": "orderzap_app"}
        with db.relay_unit_of_work() as relay:
            assert relay.session.fetch_one("SELECT current_user AS who") == {"who": "orderzap_relay"}
    finally:
        db.close()
