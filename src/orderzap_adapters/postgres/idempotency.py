"""Idempotency records: the first successful answer to a key, for 24 hours.

``find`` first claims the key with a transaction-level advisory lock on a hash of (restaurant,
key): a second request with the same key while the first is in flight cannot take it and gets
IdempotencyConflict at once, instead of waiting and placing a second order. The lock ends with
the transaction. The record is read by a second statement of the same pipeline, on a snapshot
taken after the lock was granted, so a first request that committed just before is seen and
replayed. One round trip for both; ``put`` adds none (it goes with the commit).
"""

from __future__ import annotations

from datetime import datetime

from orderzap_adapters.postgres.rows import order_from_snapshot, snapshot
from orderzap_adapters.postgres.session import Session, Statement
from orderzap_core.errors import IdempotencyConflict
from orderzap_core.ids import RestaurantId
from orderzap_core.ports.idempotency import IdempotencyRecord

CLAIM_KEY = """
SELECT pg_try_advisory_xact_lock(hashtextextended(%(restaurant_id)s::text || ' ' || %(key)s, 0)) AS claimed
"""

SELECT_RECORD = """
SELECT key, fingerprint, response, created_at FROM idempotency_keys
WHERE restaurant_id = %(restaurant_id)s AND key = %(key)s AND created_at > %(newer_than)s
"""

# NOTE: replaces an expired record of the same key; find() holds the key's lock, so no other
# transaction is writing it.
UPSERT_RECORD = """
INSERT INTO idempotency_keys (restaurant_id, key, fingerprint, order_id, response, created_at)
VALUES (%(restaurant_id)s, %(key)s, %(fingerprint)s, %(order_id)s, %(response)s, %(created_at)s)
ON CONFLICT (restaurant_id, key) DO UPDATE
SET fingerprint = EXCLUDED.fingerprint, order_id = EXCLUDED.order_id, response = EXCLUDED.response,
    created_at = EXCLUDED.created_at
"""


class PgIdempotency:
    """The idempotency records of the unit of work's restaurant."""

    def __init__(self, session: Session, restaurant_id: RestaurantId) -> None:
        self._s, self._rid = session, restaurant_id

    def find(self, key: str, *, newer_than: datetime) -> IdempotencyRecord | None:
        """The record of ``key`` newer than ``newer_than``, or None, after claiming the key.
        Raises IdempotencyConflict while another transaction holds it."""
        params = {"restaurant_id": self._rid, "key": key, "newer_than": newer_than}
        claimed, records = self._s.fetch_all(Statement(CLAIM_KEY, params), Statement(SELECT_RECORD, params))
        if not claimed[0]["claimed"]:
            raise IdempotencyConflict("a request with this Idempotency-Key is still in flight")
        if not records:
            return None
        row = records[0]
        return IdempotencyRecord(row["key"], row["fingerprint"], order_from_snapshot(row["response"]),
                                 row["created_at"])

    def put(self, record: IdempotencyRecord) -> None:
        """Store the first answer to a key (at the commit)."""
        self._s.defer(UPSERT_RECORD, {
            "restaurant_id": record.order.restaurant_id, "key": record.key,
            "fingerprint": record.fingerprint, "order_id": record.order.id,
            "response": snapshot(record.order), "created_at": record.created_at})
