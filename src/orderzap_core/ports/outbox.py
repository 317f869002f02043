"""The outbox: every change appends the order's full snapshot in the same transaction, and the
relay delivers those snapshots to a sink later. Nothing is ever dropped: undeliverable rows are
parked, and operators re-queue them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol, Self

from attrs import frozen

from orderzap_core.domain.orders import Order


@frozen
class OutboxEntry:
    """A pending (or parked) snapshot; ``id`` grows with every append."""

    id: int
    order: Order
    created_at: datetime
    attempts: int = 0
    last_error: str | None = None
    parked_at: datetime | None = None


@frozen
class OutboxStats:
    """What operators watch: pending rows, the oldest one's age, parked rows and the last error."""

    pending: int
    oldest_age_seconds: float
    parked: int
    last_error: str | None


class Outbox(Protocol):
    """The tenant side: appends within the use case's transaction."""

    def append(self, order: Order) -> None:
        """Queue ``order``'s snapshot for the sinks; kept only if the unit of work commits."""
        ...


class RelayQueue(Protocol):
    """The relay's side, across restaurants, inside one relay transaction."""

    def claim(self, limit: int) -> list[OutboxEntry]:
        """Up to ``limit`` pending (unparked) rows, oldest first, locked so that other relays skip
        them (``FOR UPDATE SKIP LOCKED``) until this transaction ends."""
        ...

    def delete(self, ids: Sequence[int]) -> None:
        """Remove delivered (or superseded) rows."""
        ...

    def park(self, entry_id: int, error: str, at: datetime) -> None:
        """Set a row aside after a deterministic failure: attempts + 1, the error and the time."""
        ...

    def record_failure(self, ids: Sequence[int], error: str) -> None:
        """Count a transient failure on rows that stay pending."""
        ...


class RelayUnitOfWork(Protocol):
    """One relay transaction: claimed rows stay locked until it ends; rolled back unless committed."""

    @property
    def queue(self) -> RelayQueue: ...

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None:
        """Make the deletions and parkings durable."""
        ...


class OutboxMonitor(Protocol):
    """Operators' view of the outbox."""

    def stats(self, now: datetime) -> OutboxStats:
        """Counts and the age of the oldest pending row at ``now``."""
        ...

    def parked(self) -> list[OutboxEntry]:
        """Every parked row, oldest first."""
        ...

    def requeue(self, ids: Sequence[int] | None) -> int:
        """Un-park the given rows (all when None); returns how many."""
        ...
