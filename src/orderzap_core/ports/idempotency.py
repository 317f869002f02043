"""Idempotency records: the first successful answer to a key, kept 24 hours."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol

from attrs import frozen

from orderzap_core.domain.orders import Order

#: How long a key's first answer is replayed.
IDEMPOTENCY_TTL = timedelta(hours=24)


@frozen
class IdempotencyRecord:
    """A key of one restaurant, the fingerprint of its request, and the order first answered."""

    key: str
    fingerprint: str
    order: Order
    created_at: datetime


class IdempotencyStore(Protocol):
    """The idempotency records of the unit of work's restaurant."""

    def find(self, key: str, *, newer_than: datetime) -> IdempotencyRecord | None:
        """The record of ``key`` created after ``newer_than``, or None. Claims the key for this unit
        of work first; raises IdempotencyConflict while another unit of work holds it (in flight)."""
        ...

    def put(self, record: IdempotencyRecord) -> None:
        """Store the first answer to a key (replacing an expired record of the same key)."""
        ...
