"""Memory outbox (tenant side, relay side, monitor) and idempotency records."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from attrs import evolve

from orderzap_adapters.memory.store import MemoryStore, Tables
from orderzap_core.domain.orders import Order
from orderzap_core.ids import RestaurantId
from orderzap_core.ports.idempotency import IdempotencyRecord
from orderzap_core.ports.outbox import OutboxEntry, OutboxStats


class MemoryOutbox:
    """Appends snapshots of the unit of work's restaurant."""

    def __init__(self, tables: Tables, restaurant_id: RestaurantId, now: datetime) -> None:
        self._t, self._rid, self._now = tables, restaurant_id, now

    def append(self, order: Order) -> None:
        """Queue a snapshot."""
        if order.restaurant_id != self._rid:
            raise PermissionError("row-level security: another restaurant's row")
        self._t.outbox_seq += 1
        self._t.outbox[self._t.outbox_seq] = OutboxEntry(self._t.outbox_seq, order, self._now)


class MemoryIdempotency:
    """Idempotency records of the unit of work's restaurant (the store lock serialises keys)."""

    def __init__(self, tables: Tables, restaurant_id: RestaurantId) -> None:
        self._t, self._rid = tables, restaurant_id

    def find(self, key: str, *, newer_than: datetime) -> IdempotencyRecord | None:
        """The unexpired record of ``key``, or None."""
        record = self._t.idempotency.get((self._rid, key))
        return record if record is not None and record.created_at > newer_than else None

    def put(self, record: IdempotencyRecord) -> None:
        """Store (or replace an expired) record."""
        if record.order.restaurant_id != self._rid:
            raise PermissionError("row-level security: another restaurant's row")
        self._t.idempotency[(self._rid, record.key)] = record


class MemoryRelayQueue:
    """The relay's view of the outbox, across restaurants."""

    def __init__(self, tables: Tables) -> None:
        self._t = tables

    def claim(self, limit: int) -> list[OutboxEntry]:
        """The oldest pending rows."""
        pending = [e for e in self._t.outbox.values() if e.parked_at is None]
        return sorted(pending, key=lambda e: e.id)[:limit]

    def delete(self, ids: Sequence[int]) -> None:
        """Remove rows."""
        for entry_id in ids:
            self._t.outbox.pop(entry_id, None)

    def park(self, entry_id: int, error: str, at: datetime) -> None:
        """Set a row aside."""
        entry = self._t.outbox[entry_id]
        self._t.outbox[entry_id] = evolve(entry, attempts=entry.attempts + 1, last_error=error, parked_at=at)

    def record_failure(self, ids: Sequence[int], error: str) -> None:
        """Count a transient failure."""
        for entry_id in ids:
            entry = self._t.outbox[entry_id]
            self._t.outbox[entry_id] = evolve(entry, attempts=entry.attempts + 1, last_error=error)


class MemoryRelayUnitOfWork:
    """A relay transaction over a copy of the tables, published on commit."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    @property
    def queue(self) -> MemoryRelayQueue:
        """The outbox, for the relay."""
        return self._queue

    def __enter__(self) -> MemoryRelayUnitOfWork:
        self._store.lock.acquire()
        self._tables = self._store.tables.copy()
        self._queue = MemoryRelayQueue(self._tables)
        return self

    def commit(self) -> None:
        """Publish the changes."""
        self._store.tables = self._tables

    def __exit__(self, *exc: object) -> None:
        self._store.lock.release()


class MemoryOutboxMonitor:
    """Operators' view of the outbox."""

    def __init__(self, store: MemoryStore) -> None:
        self._store = store

    def stats(self, now: datetime) -> OutboxStats:
        """Counts and the oldest pending row's age."""
        with self._store.lock:
            entries = list(self._store.tables.outbox.values())
        pending = [e for e in entries if e.parked_at is None]
        oldest = min((e.created_at for e in pending), default=None)
        last = max((e for e in entries if e.last_error), key=lambda e: e.id, default=None)
        return OutboxStats(
            pending=len(pending),
            oldest_age_seconds=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
            parked=len(entries) - len(pending), last_error=last.last_error if last else None)

    def parked(self) -> list[OutboxEntry]:
        """Parked rows, oldest first."""
        with self._store.lock:
            return sorted((e for e in self._store.tables.outbox.values() if e.parked_at is not None),
                          key=lambda e: e.id)

    def requeue(self, ids: Sequence[int] | None) -> int:
        """Un-park rows."""
        with self._store.lock:
            outbox = self._store.tables.outbox
            chosen = [e for e in outbox.values() if e.parked_at is not None and (ids is None or e.id in ids)]
            for entry in chosen:
                outbox[entry.id] = evolve(entry, parked_at=None)
            return len(chosen)
