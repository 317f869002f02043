"""The menu of one restaurant.

Round trips: ``get``, ``get_many``, ``page`` and ``name_taken`` one each (queued writes ride
along); ``add`` and ``replace`` none of their own (they go with the next read or the commit).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import sql

from orderzap_adapters.postgres.accounts import storable
from orderzap_adapters.postgres.rows import from_row
from orderzap_adapters.postgres.session import Session
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.pagination import Position
from orderzap_core.ids import MenuItemId, RestaurantId

MENU_ITEM_COLUMNS = "restaurant_id, id, name, price_cents, is_available, created_at, updated_at, deleted_at"

SELECT_MENU_ITEM = """
SELECT restaurant_id, id, name, price_cents, is_available, created_at, updated_at, deleted_at FROM menu_items
WHERE restaurant_id = %(restaurant_id)s AND id = %(id)s AND (deleted_at IS NULL OR %(include_deleted)s)
"""

SELECT_LIVE_MENU_ITEMS = """
SELECT restaurant_id, id, name, price_cents, is_available, created_at, updated_at, deleted_at FROM menu_items
WHERE restaurant_id = %(restaurant_id)s AND id = ANY(%(ids)s::uuid[]) AND deleted_at IS NULL
"""

NAME_TAKEN = """
SELECT EXISTS (
    SELECT FROM menu_items
    WHERE restaurant_id = %(restaurant_id)s AND name = %(name)s AND deleted_at IS NULL
      AND id IS DISTINCT FROM %(other_than)s
) AS taken
"""

INSERT_MENU_ITEM = """
INSERT INTO menu_items (restaurant_id, id, name, price_cents, is_available, created_at, updated_at,
                        deleted_at)
VALUES (%(restaurant_id)s, %(id)s, %(name)s, %(price_cents)s, %(is_available)s, %(created_at)s,
        %(updated_at)s, %(deleted_at)s)
"""

UPDATE_MENU_ITEM = """
WITH changed AS (
    UPDATE menu_items
    SET name = %(name)s, price_cents = %(price_cents)s, is_available = %(is_available)s,
        updated_at = %(updated_at)s, deleted_at = %(deleted_at)s
    WHERE restaurant_id = %(restaurant_id)s AND id = %(id)s
    RETURNING 1
)
SELECT orderzap_expect_one((SELECT count(*) FROM changed), 'menu item')
"""

# Keyset page, oldest first; the optional filters are fixed fragments, values stay parameters.
PAGE_MENU_ITEMS = sql.SQL("""
SELECT {columns} FROM menu_items
WHERE restaurant_id = %(restaurant_id)s AND deleted_at IS NULL {filters}
ORDER BY created_at, id
LIMIT %(limit)s
""")
ONLY_AVAILABILITY = sql.SQL("AND is_available = %(available)s")
AFTER_POSITION = sql.SQL("AND (created_at, id) > (%(after_created_at)s, %(after_id)s)")


class PgMenuItems:
    """The menu of the unit of work's restaurant."""

    def __init__(self, session: Session, restaurant_id: RestaurantId) -> None:
        self._s, self._rid = session, restaurant_id

    def get(self, item_id: MenuItemId, *, include_deleted: bool = False) -> MenuItem | None:
        """The item, or None when absent or soft-deleted (unless asked)."""
        row = self._s.fetch_one(SELECT_MENU_ITEM, {
            "restaurant_id": self._rid, "id": item_id, "include_deleted": include_deleted})
        return from_row(row, MenuItem) if row is not None else None

    def get_many(self, item_ids: Sequence[MenuItemId]) -> dict[MenuItemId, MenuItem]:
        """The live items among ``item_ids``, in one round trip."""
        rows = self._s.fetch(SELECT_LIVE_MENU_ITEMS, {"restaurant_id": self._rid, "ids": list(item_ids)})
        items = (from_row(row, MenuItem) for row in rows)
        return {item.id: item for item in items}

    def page(self, *, available: bool | None, limit: int, after: Position | None) -> list[MenuItem]:
        """Up to ``limit`` live items, oldest first, after ``after``."""
        filters = []
        params: dict[str, Any] = {"restaurant_id": self._rid, "limit": limit}
        if available is not None:
            filters.append(ONLY_AVAILABILITY)
            params["available"] = available
        if after is not None:
            filters.append(AFTER_POSITION)
            params.update(after_created_at=after.created_at, after_id=after.id)
        query = PAGE_MENU_ITEMS.format(columns=sql.SQL(MENU_ITEM_COLUMNS), filters=sql.SQL(" ").join(filters))
        return [from_row(row, MenuItem) for row in self._s.fetch(query, params)]

    def name_taken(self, name: str, *, other_than: MenuItemId | None = None) -> bool:
        """Whether a live item other than ``other_than`` has this name."""
        if not storable(name):
            return False
        row = self._s.fetch_one(NAME_TAKEN, {
            "restaurant_id": self._rid, "name": name, "other_than": other_than})
        return bool(row and row["taken"])

    def add(self, item: MenuItem) -> None:
        """Create an item (at the next exchange). ValidationFailed on a taken name."""
        self._s.defer(INSERT_MENU_ITEM, _params(item))

    def replace(self, item: MenuItem) -> None:
        """Store a changed item (at the next exchange). KeyError when it is not there,
        ValidationFailed on a taken name."""
        self._s.defer(UPDATE_MENU_ITEM, {**_params(item), "restaurant_id": self._rid})


def _params(item: MenuItem) -> dict[str, Any]:
    return {
        "restaurant_id": item.restaurant_id, "id": item.id, "name": item.name,
        "price_cents": item.price_cents, "is_available": item.is_available,
        "created_at": item.created_at, "updated_at": item.updated_at, "deleted_at": item.deleted_at,
    }
