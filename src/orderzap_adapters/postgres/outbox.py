"""The outbox: appends in the use case's transaction, and the relay's side across restaurants.

The tenant side (``PgOutbox``, as orderzap_app) may only insert; the relay (as orderzap_relay,
whose policy spans restaurants on this table only) claims with ``FOR UPDATE SKIP LOCKED`` so that
several relays share the work, and deletes or parks what it settled in the same transaction.
Round trips per relay step: the claim, then the settlement with its commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from psycopg.rows import DictRow
from psycopg_pool import ConnectionPool

from orderzap_adapters.postgres.rows import order_from_snapshot, snapshot
from orderzap_adapters.postgres.session import Session, one_shot
from orderzap_core.domain.orders import Order
from orderzap_core.ids import RestaurantId
from orderzap_core.ports.outbox import OutboxEntry, OutboxStats

#: Longer errors are cut: the row keeps what an operator needs to read.
ERROR_MAX = 2000

INSERT_OUTBOX = """
INSERT INTO outbox (restaurant_id, order_id, version, snapshot)
VALUES (%(restaurant_id)s, %(order_id)s, %(version)s, %(snapshot)s)
"""


CLAIM_BATCH = """
SELECT id, snapshot, created_at, attempts, last_error, parked_at FROM outbox
WHERE parked_at IS NULL
ORDER BY id
LIMIT %(limit)s
FOR UPDATE SKIP LOCKED
"""

DELETE_ENTRIES = "DELETE FROM outbox WHERE id = ANY(%(ids)s::bigint[])"

PARK_ENTRY = """
UPDATE outbox SET attempts = attempts + 1, last_error = %(error)s, parked_at = %(at)s WHERE id = %(id)s
"""

RECORD_FAILURE = """
UPDATE outbox SET attempts = attempts + 1, last_error = %(error)s WHERE id = ANY(%(ids)s::bigint[])
"""

STATS = """
SELECT count(*) FILTER (WHERE parked_at IS NULL) AS pending,
       min(created_at) FILTER (WHERE parked_at IS NULL) AS oldest,
       count(*) FILTER (WHERE parked_at IS NOT NULL) AS parked,
       (SELECT last_error FROM outbox WHERE last_error IS NOT NULL ORDER BY id DESC LIMIT 1) AS last_error
FROM outbox
"""

SELECT_PARKED = """
SELECT id, snapshot, created_at, attempts, last_error, parked_at
FROM outbox WHERE parked_at IS NOT NULL ORDER BY id
"""

REQUEUE_ALL = """
WITH requeued AS (UPDATE outbox SET parked_at = NULL WHERE parked_at IS NOT NULL RETURNING 1)
SELECT count(*) AS requeued FROM requeued
"""

REQUEUE_SOME = """
WITH requeued AS (
    UPDATE outbox SET parked_at = NULL WHERE parked_at IS NOT NULL AND id = ANY(%(ids)s::bigint[]) RETURNING 1
)
SELECT count(*) AS requeued FROM requeued
"""


def _entry(row: DictRow) -> OutboxEntry:
    return OutboxEntry(
        id=row["id"], order=order_from_snapshot(row["snapshot"]),
        created_at=row["created_at"].astimezone(UTC),
        attempts=row["attempts"], last_error=row["last_error"],
        parked_at=row["parked_at"].astimezone(UTC) if row["parked_at"] is not None else None)


class PgOutbox:
    """Appends snapshots of the unit of work's restaurant."""

    def __init__(self, session: Session, restaurant_id: RestaurantId) -> None:
        self._s, self._rid = session, restaurant_id
        self.appended = False

    def append(self, order: Order) -> None:
        """Queue a snapshot (at the commit)."""
        self.appended = True
        self._s.defer(INSERT_OUTBOX, {
            "restaurant_id": order.restaurant_id, "order_id": order.id, "version": order.version,
            "snapshot": snapshot(order)})


class PgRelayQueue:
    """The relay's view of the outbox, across restaurants."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def claim(self, limit: int) -> list[OutboxEntry]:
        """Up to ``limit`` pending rows, oldest first, locked until the transaction ends."""
        return [_entry(row) for row in self._s.fetch(CLAIM_BATCH, {"limit": limit})]

    def delete(self, ids: Sequence[int]) -> None:
        """Remove delivered rows (at the commit)."""
        if ids:
            self._s.defer(DELETE_ENTRIES, {"ids": list(ids)})

    def park(self, entry_id: int, error: str, at: datetime) -> None:
        """Set a row aside (at the commit)."""
        self._s.defer(PARK_ENTRY, {"id": entry_id, "error": error[:ERROR_MAX], "at": at})

    def record_failure(self, ids: Sequence[int], error: str) -> None:
        """Count a transient failure (at the commit)."""
        if ids:
            self._s.defer(RECORD_FAILURE, {"ids": list(ids), "error": error[:ERROR_MAX]})


class PgOutboxMonitor:
    """Operators' view of the outbox (as orderzap_relay). One round trip per call."""

    def __init__(self, pool: ConnectionPool[Any], timeout: float) -> None:
        self._pool, self._timeout = pool, timeout

    def stats(self, now: datetime) -> OutboxStats:
        """Counts and the age of the oldest pending row at ``now``."""
        row = one_shot(self._pool, self._timeout, STATS, None)[0]
        oldest = row["oldest"]
        return OutboxStats(
            pending=row["pending"], parked=row["parked"], last_error=row["last_error"],
            oldest_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0)

    def parked(self) -> list[OutboxEntry]:
        """Every parked row, oldest first."""
        return [_entry(row) for row in one_shot(self._pool, self._timeout, SELECT_PARKED, None)]

    def requeue(self, ids: Sequence[int] | None) -> int:
        """Un-park the given rows (all when None); how many."""
        if ids is None:
            rows = one_shot(self._pool, self._timeout, REQUEUE_ALL, None)
        else:
            rows = one_shot(self._pool, self._timeout, REQUEUE_SOME, {"ids": list(ids)})
        return int(rows[0]["requeued"])
