"""Restaurants and users, and the directory that works before a tenant is known.

Round trips: ``get``/``by_email``/``list`` one each (writes queued before them ride along);
``add`` none of its own (it waits for the next read or the commit). The directory's slug lookup
and idempotency purge are one round trip each (BEGIN, the call and COMMIT in one pipeline).
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from orderzap_adapters.postgres.errors import translated_errors
from orderzap_adapters.postgres.pool import connect_timeout
from orderzap_adapters.postgres.rows import from_row
from orderzap_adapters.postgres.session import Session, one_shot
from orderzap_core.domain.accounts import Restaurant, User
from orderzap_core.ids import RestaurantId, UserId

SELECT_RESTAURANT = """
SELECT id, name, slug, currency, created_at FROM restaurants WHERE id = %(restaurant_id)s
"""

# NOTE: one statement creates the restaurant and its order counter; row-level security refuses
# a restaurant whose id is not the unit of work's.
INSERT_RESTAURANT = """
WITH restaurant AS (
    INSERT INTO restaurants (id, name, slug, currency, created_at)
    VALUES (%(id)s, %(name)s, %(slug)s, %(currency)s, %(created_at)s)
    RETURNING id
)
INSERT INTO restaurant_counters (restaurant_id, last_order_number) SELECT id, 0 FROM restaurant
"""


SELECT_USER = """
SELECT restaurant_id, id, email, role, password_hash, created_at FROM users
WHERE restaurant_id = %(restaurant_id)s AND id = %(id)s
"""

SELECT_USER_BY_EMAIL = """
SELECT restaurant_id, id, email, role, password_hash, created_at FROM users
WHERE restaurant_id = %(restaurant_id)s AND email = %(email)s
"""

SELECT_USERS = """
SELECT restaurant_id, id, email, role, password_hash, created_at FROM users
WHERE restaurant_id = %(restaurant_id)s ORDER BY created_at, id
"""

INSERT_USER = """
INSERT INTO users (restaurant_id, id, email, role, password_hash, created_at)
VALUES (%(restaurant_id)s, %(id)s, %(email)s, %(role)s, %(password_hash)s, %(created_at)s)
"""

SELECT_RESTAURANT_ID_FOR_SLUG = "SELECT orderzap_restaurant_id_for_slug(%(slug)s) AS id"

SELECT_ALL_RESTAURANTS = """
SELECT id, name, slug, currency, created_at FROM restaurants ORDER BY created_at, id
"""

PURGE_IDEMPOTENCY = "SELECT orderzap_purge_idempotency(%(older_than)s) AS purged"


def storable(text: str) -> bool:
    """Whether PostgreSQL can hold ``text`` (no NUL, no lone surrogate). A lookup of anything
    else finds nothing, instead of failing in the driver."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class PgRestaurants:
    """The unit of work's own restaurant."""

    def __init__(self, session: Session, restaurant_id: RestaurantId) -> None:
        self._s, self._rid = session, restaurant_id

    def get(self) -> Restaurant | None:
        """This restaurant, or None."""
        row = self._s.fetch_one(SELECT_RESTAURANT, {"restaurant_id": self._rid})
        return from_row(row, Restaurant) if row is not None else None

    def add(self, restaurant: Restaurant) -> None:
        """Create it with its counter at 0 (at the next exchange). ValidationFailed on a taken slug,
        PermissionError for another id than the unit of work's."""
        self._s.defer(INSERT_RESTAURANT, {
            "id": restaurant.id, "name": restaurant.name, "slug": restaurant.slug,
            "currency": restaurant.currency, "created_at": restaurant.created_at})


class PgUsers:
    """The users of the unit of work's restaurant."""

    def __init__(self, session: Session, restaurant_id: RestaurantId) -> None:
        self._s, self._rid = session, restaurant_id

    def get(self, user_id: UserId) -> User | None:
        """The user, or None."""
        row = self._s.fetch_one(SELECT_USER, {"restaurant_id": self._rid, "id": user_id})
        return from_row(row, User) if row is not None else None

    def by_email(self, email: str) -> User | None:
        """The user with this email, or None."""
        if not storable(email):
            return None
        row = self._s.fetch_one(SELECT_USER_BY_EMAIL, {"restaurant_id": self._rid, "email": email})
        return from_row(row, User) if row is not None else None

    def add(self, user: User) -> None:
        """Create a user (at the next exchange). ValidationFailed on a taken email."""
        self._s.defer(INSERT_USER, {
            "restaurant_id": user.restaurant_id, "id": user.id, "email": user.email,
            "role": user.role.value, "password_hash": user.password_hash, "created_at": user.created_at})

    def list(self) -> builtins.list[User]:
        """Every user, oldest first."""
        return [from_row(row, User) for row in self._s.fetch(SELECT_USERS, {"restaurant_id": self._rid})]


class PgDirectory:
    """Restaurants across tenants. The slug lookup and the purge run as orderzap_app through two
    narrow SECURITY DEFINER functions; listing every restaurant is an operator's command and runs
    as the owner."""

    def __init__(self, pool: ConnectionPool[Any], owner_url: str, timeout: float) -> None:
        self._pool, self._owner_url, self._timeout = pool, owner_url, timeout

    def restaurant_id_for_slug(self, slug: str) -> RestaurantId | None:
        """The id of the restaurant with ``slug``, or None."""
        if not storable(slug):
            return None
        rows = one_shot(self._pool, self._timeout, SELECT_RESTAURANT_ID_FOR_SLUG, {"slug": slug})
        found = rows[0]["id"] if rows else None
        return RestaurantId(found) if found is not None else None

    def list_restaurants(self) -> Sequence[Restaurant]:
        """Every restaurant, oldest first (as the owner)."""
        with translated_errors(), psycopg.connect(
                self._owner_url, autocommit=True, connect_timeout=connect_timeout(self._timeout)) as conn:
            cursor = conn.cursor(row_factory=dict_row)
            return [from_row(row, Restaurant) for row in cursor.execute(SELECT_ALL_RESTAURANTS)]

    def purge_idempotency(self, older_than: datetime) -> int:
        """Delete idempotency records created before ``older_than``; how many."""
        rows = one_shot(self._pool, self._timeout, PURGE_IDEMPOTENCY, {"older_than": older_than})
        return int(rows[0]["purged"])

