"""Orders with their items, and the per-restaurant order counter.

An order is read with its items in one statement (the items aggregated as JSON), and written
with its items in one statement (a data-modifying CTE over ``unnest``). A read-only ``get`` sends
that read as a function that sets the tenant first (migration 0004), alone: no pipeline. Round trips: ``get``,
``next_number``, ``page`` and ``list_all`` one each (queued writes ride along); ``add`` and
``replace`` none of their own (they go with the next read or the commit).

A read-only ``page`` first reads only the id, version and ``updated_at`` of its rows (migration
0005: one statement, no pipeline) and returns the orders the process already holds at those
versions (known_orders.py). When any is new to it, a second round trip reads the page whole, and
the process remembers its orders.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

from orderzap_adapters.postgres.known_orders import KnownOrders
from orderzap_adapters.postgres.rows import from_row
from orderzap_adapters.postgres.session import Session
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery, Sort
from orderzap_core.ids import OrderId, RestaurantId

SELECT_ORDERS = sql.SQL("""
SELECT o.restaurant_id, o.id, o.order_number, o.customer_name, o.customer_phone, o.status,
       o.payment_method, o.notes, o.total_cents, o.currency, o.version, o.created_by,
       o.created_at, o.updated_at, o.deleted_at,
       (SELECT coalesce(json_agg(json_build_object(
                   'id', i.id, 'menu_item_id', i.menu_item_id, 'name', i.name, 'quantity', i.quantity,
                   'unit_price_cents', i.unit_price_cents, 'line_total_cents', i.line_total_cents,
                   'special_instructions', i.special_instructions) ORDER BY i.line_index), '[]')
        FROM order_items AS i
        WHERE i.restaurant_id = o.restaurant_id AND i.order_id = o.id) AS items
FROM orders AS o
WHERE o.restaurant_id = %(restaurant_id)s {filters}
{order_by}
{tail}
""")

BY_ID = sql.SQL("AND o.id = %(id)s")
LIVE_ONLY = sql.SQL("AND o.deleted_at IS NULL")
FOR_UPDATE = sql.SQL("FOR UPDATE OF o")
WITH_STATUS = sql.SQL("AND o.status = ANY(%(statuses)s::text[])")
CREATED_AFTER = sql.SQL("AND o.created_at > %(created_after)s")
CREATED_BEFORE = sql.SQL("AND o.created_at < %(created_before)s")
CREATED_BY = sql.SQL("AND o.created_by = %(created_by)s")
#: The keyset condition and order of each sort: (created_at, id) after the cursor's position.
PAST_POSITION = {
    Sort.OLDEST_FIRST: sql.SQL("AND (o.created_at, o.id) > (%(after_created_at)s, %(after_id)s)"),
    Sort.NEWEST_FIRST: sql.SQL("AND (o.created_at, o.id) < (%(after_created_at)s, %(after_id)s)"),
}
ORDER_BY = {
    Sort.OLDEST_FIRST: sql.SQL("ORDER BY o.created_at, o.id"),
    Sort.NEWEST_FIRST: sql.SQL("ORDER BY o.created_at DESC, o.id DESC"),
}
LIMIT = sql.SQL("LIMIT %(limit)s")
#: One order as SELECT_ORDERS reads it, in a single statement that sets the tenant itself
#: (migration 0004): what a read-only unit of work sends for it.
ORDER_AS_TENANT = "SELECT * FROM orderzap_order_as_tenant(%(restaurant_id)s, %(id)s, %(include_deleted)s)"
#: The id, version and updated_at of the rows of a page (migration 0005), in one statement that
#: sets the tenant itself: what KnownOrders checks the orders it holds against.
ORDER_KEYS_AS_TENANT = """
SELECT * FROM orderzap_order_keys_as_tenant(
    %(restaurant_id)s, %(newest_first)s, %(limit)s, %(include_deleted)s, %(statuses)s::text[],
    %(created_after)s::timestamptz, %(created_before)s::timestamptz, %(created_by)s::uuid,
    %(after_created_at)s::timestamptz, %(after_id)s::uuid)
"""

# Gapless numbers: the counter row is updated in the order's own transaction, so a rollback
# gives the number back, and only orders of the same restaurant wait for each other.
NEXT_ORDER_NUMBER = """
UPDATE restaurant_counters SET last_order_number = last_order_number + 1
WHERE restaurant_id = %(restaurant_id)s
RETURNING last_order_number AS number
"""

INSERT_ORDER = """
WITH new_order AS (
    INSERT INTO orders (restaurant_id, id, order_number, customer_name, customer_phone, status,
                        payment_method, notes, total_cents, currency, version, created_by,
                        created_at, updated_at, deleted_at)
    VALUES (%(restaurant_id)s, %(id)s, %(order_number)s, %(customer_name)s, %(customer_phone)s,
            %(status)s, %(payment_method)s, %(notes)s, %(total_cents)s, %(currency)s, %(version)s,
            %(created_by)s, %(created_at)s, %(updated_at)s, %(deleted_at)s)
    RETURNING restaurant_id, id
)
INSERT INTO order_items (restaurant_id, order_id, line_index, id, menu_item_id, name, quantity,
                         unit_price_cents, line_total_cents, special_instructions)
SELECT o.restaurant_id, o.id, item.ordinality - 1, item.id, item.menu_item_id, item.name,
       item.quantity, item.unit_price_cents, item.line_total_cents, item.special_instructions
FROM new_order AS o,
     unnest(%(item_ids)s::uuid[], %(menu_item_ids)s::uuid[], %(names)s::text[], %(quantities)s::int[],
            %(unit_prices)s::int[], %(line_totals)s::bigint[], %(instructions)s::text[])
         WITH ORDINALITY AS item (id, menu_item_id, name, quantity, unit_price_cents, line_total_cents,
                                  special_instructions, ordinality)
"""

UPDATE_ORDER = """
WITH changed AS (
    UPDATE orders
    SET customer_name = %(customer_name)s, customer_phone = %(customer_phone)s, status = %(status)s,
        payment_method = %(payment_method)s, notes = %(notes)s, version = %(version)s,
        updated_at = %(updated_at)s, deleted_at = %(deleted_at)s
    WHERE restaurant_id = %(restaurant_id)s AND id = %(id)s
    RETURNING 1
)
SELECT orderzap_expect_one((SELECT count(*) FROM changed), 'order')
"""


class PgOrders:
    """The orders of the unit of work's restaurant."""

    def __init__(self, session: Session, restaurant_id: RestaurantId,
                 known: KnownOrders | None = None) -> None:
        self._s, self._rid, self._known = session, restaurant_id, known

    def get(self, order_id: OrderId, *, lock: bool = False, include_deleted: bool = False) -> Order | None:
        """The order with its items, or None; ``lock`` holds its row until the transaction ends."""
        if not lock:
            rows = self._s.fetch_tenanted(ORDER_AS_TENANT, {"restaurant_id": self._rid, "id": order_id,
                                                            "include_deleted": include_deleted})
            if rows is not None:
                return from_row(rows[0], Order) if rows else None
        filters = [BY_ID] if include_deleted else [BY_ID, LIVE_ONLY]
        query = SELECT_ORDERS.format(filters=sql.SQL(" ").join(filters), order_by=sql.SQL(""),
                                     tail=FOR_UPDATE if lock else sql.SQL(""))
        row = self._s.fetch_one(query, {"restaurant_id": self._rid, "id": order_id})
        return from_row(row, Order) if row is not None else None

    def next_number(self) -> int:
        """The restaurant's next order number; KeyError when the restaurant does not exist."""
        row = self._s.fetch_one(NEXT_ORDER_NUMBER, {"restaurant_id": self._rid})
        if row is None:
            raise KeyError(f"restaurant {self._rid} has no order counter")
        return int(row["number"])

    def add(self, order: Order) -> None:
        """Create an order with its items (at the next exchange)."""
        items = order.items
        self._s.defer(INSERT_ORDER, {
            **_order_params(order), "order_number": order.order_number, "total_cents": order.total_cents,
            "currency": order.currency, "created_by": order.created_by, "created_at": order.created_at,
            "item_ids": [i.id for i in items], "menu_item_ids": [i.menu_item_id for i in items],
            "names": [i.name for i in items], "quantities": [i.quantity for i in items],
            "unit_prices": [i.unit_price_cents for i in items],
            "line_totals": [i.line_total_cents for i in items],
            "instructions": [i.special_instructions for i in items],
        })

    def replace(self, order: Order) -> None:
        """Store a changed order (at the next exchange); KeyError when it is not there."""
        self._s.defer(UPDATE_ORDER, {**_order_params(order), "restaurant_id": self._rid})

    def page(self, query: OrderQuery) -> list[Order]:
        """Up to ``query.limit`` + 1 matching orders after the query's position."""
        # NOTE: only committed rows are remembered: a read-write transaction sees its own changes.
        known = self._known if self._s.read_only else None
        if known is not None:
            keys = _key_params(self._rid, query)
            rows = self._s.fetch_tenanted(ORDER_KEYS_AS_TENANT, keys)
            found = known.find(self._rid, self._s.fetch(ORDER_KEYS_AS_TENANT, keys) if rows is None else rows)
            if found is not None:
                return found
        orders = self._read_page(query)
        if known is not None:
            known.remember(self._rid, orders)
        return orders

    def _read_page(self, query: OrderQuery) -> list[Order]:
        filters: list[sql.Composable] = [] if query.include_deleted else [LIVE_ONLY]
        params: dict[str, Any] = {"restaurant_id": self._rid, "limit": query.limit + 1}
        if query.statuses:
            filters.append(WITH_STATUS)
            params["statuses"] = sorted(s.value for s in query.statuses)
        if query.created_after is not None:
            filters.append(CREATED_AFTER)
            params["created_after"] = query.created_after
        if query.created_before is not None:
            filters.append(CREATED_BEFORE)
            params["created_before"] = query.created_before
        if query.created_by is not None:
            filters.append(CREATED_BY)
            params["created_by"] = query.created_by
        if query.after is not None:
            filters.append(PAST_POSITION[query.sort])
            params.update(after_created_at=query.after.created_at, after_id=query.after.id)
        statement = SELECT_ORDERS.format(filters=sql.SQL(" ").join(filters), order_by=ORDER_BY[query.sort],
                                         tail=LIMIT)
        return [from_row(row, Order) for row in self._s.fetch(statement, params)]

    def list_all(self, *, include_deleted: bool = True) -> list[Order]:
        """Every order of the restaurant, oldest first."""
        statement = SELECT_ORDERS.format(filters=sql.SQL("") if include_deleted else LIVE_ONLY,
                                         order_by=ORDER_BY[Sort.OLDEST_FIRST], tail=sql.SQL(""))
        return [from_row(row, Order) for row in self._s.fetch(statement, {"restaurant_id": self._rid})]


def _key_params(restaurant_id: RestaurantId, query: OrderQuery) -> dict[str, Any]:
    """The arguments of orderzap_order_keys_as_tenant for ``query``: None is a filter not asked for."""
    after = query.after
    return {
        "restaurant_id": restaurant_id, "newest_first": query.sort is Sort.NEWEST_FIRST,
        "limit": query.limit + 1, "include_deleted": query.include_deleted,
        "statuses": sorted(s.value for s in query.statuses) if query.statuses else None,
        "created_after": query.created_after, "created_before": query.created_before,
        "created_by": query.created_by,
        "after_created_at": after.created_at if after is not None else None,
        "after_id": after.id if after is not None else None,
    }


def _order_params(order: Order) -> dict[str, Any]:
    return {
        "restaurant_id": order.restaurant_id, "id": order.id, "customer_name": order.customer_name,
        "customer_phone": order.customer_phone, "status": order.status.value,
        "payment_method": order.payment_method.value, "notes": order.notes, "version": order.version,
        "updated_at": order.updated_at, "deleted_at": order.deleted_at,
    }
