"""MemoryOrderCache: the mirror's semantics with fault knobs.

As ``convex/orders.ts`` does: version-gated applies, tombstones, times kept to the millisecond
(the API's precision), snapshots refused as ``INVALID_SNAPSHOT`` (inconsistent totals, 0 or more
than 50 items, a bad currency, numbers beyond 2^53) or ``RESTAURANT_MISMATCH`` (an order id held
for another restaurant), and batches of more than 1000 refused whole (``BATCH_TOO_LARGE``).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from attrs import evolve

from orderzap_adapters.memory.repositories import page_of_orders
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.errors import CacheUnavailable, SinkRejected, SinkUnavailable
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.ports.cache import Delivery, Outcome, RemoveOutcome, Repair, RepairOutcome, ScanPage

MAX_BATCH = 1000
MAX_SCAN = 1000
MAX_ITEMS = 50
MAX_NUMBER = 2**53 - 1
CURRENCY = re.compile(r"[A-Z]{3}")


class MemoryOrderCache:
    """An in-memory mirror; also a SnapshotSink. ``fail_next(n)`` makes the next n calls fail,
    ``reject(order_id)`` makes every snapshot of that order be rejected."""

    def __init__(self) -> None:
        self._docs: dict[OrderId, Order] = {}
        self._lock = threading.Lock()
        self._failures = 0
        self._rejected: set[OrderId] = set()
        self._batch_rejects = False

    @property
    def enabled(self) -> bool:
        """A real mirror."""
        return True

    def fail_next(self, calls: int = 1) -> None:
        """Make the next ``calls`` calls raise (CacheUnavailable / SinkUnavailable)."""
        with self._lock:
            self._failures = calls

    def reject(self, order_id: OrderId, *, as_batch_error: bool = False) -> None:
        """Reject every snapshot of ``order_id``: per snapshot, or by failing the whole batch."""
        with self._lock:
            self._rejected.add(order_id)
            self._batch_rejects = as_batch_error

    def accept_all(self) -> None:
        """Stop rejecting."""
        with self._lock:
            self._rejected.clear()

    def documents(self) -> dict[OrderId, Order]:
        """Everything the mirror holds."""
        with self._lock:
            return dict(self._docs)

    def _maybe_fail(self, kind: type[Exception]) -> None:
        if self._failures > 0:
            self._failures -= 1
            raise kind("the memory cache was told to fail")

    def get(self, restaurant_id: RestaurantId, order_id: OrderId) -> Order | None:
        """The cached snapshot of one of the restaurant's orders, tombstones included."""
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            doc = self._docs.get(order_id)
        return doc if doc is not None and doc.restaurant_id == restaurant_id else None

    def page(self, restaurant_id: RestaurantId, query: OrderQuery) -> list[Order]:
        """A keyset page over the cached snapshots."""
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            docs = list(self._docs.values())
        return page_of_orders(docs, restaurant_id, query)

    def apply(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """Store each snapshot whose version is newer."""
        return self._apply(snapshots, CacheUnavailable)

    def deliver(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """The sink face: the same rule, with the sink's errors."""
        return self._apply(snapshots, SinkUnavailable)

    def _apply(self, snapshots: Sequence[Order], failure: type[Exception]) -> list[Delivery]:
        with self._lock:
            self._maybe_fail(failure)
            sink = failure is SinkUnavailable
            if self._batch_rejects and any(s.id in self._rejected for s in snapshots):
                # NOTE: only the sink face reports a deterministic batch failure; the cache face's
                # port allows nothing but CacheUnavailable, so a repair meets a failure it retries.
                raise (SinkRejected if sink else failure)("INVALID_SNAPSHOT")
            if sink and len(snapshots) > MAX_BATCH:
                raise SinkRejected("BATCH_TOO_LARGE")      # the cache face sends long lists in parts
            return [self._apply_one(snapshot) for snapshot in snapshots]

    def _apply_one(self, snapshot: Order) -> Delivery:
        held = self._docs.get(snapshot.id)
        refusal = self._refusal(snapshot, held)
        if refusal is not None:
            return Delivery(Outcome.REJECTED, refusal)
        if held is not None and held.version >= snapshot.version:
            return Delivery(Outcome.STALE)
        self._docs[snapshot.id] = as_stored(snapshot)
        return Delivery(Outcome.APPLIED)

    def _refusal(self, snapshot: Order, held: Order | None) -> str | None:
        if snapshot.id in self._rejected or not is_storable(snapshot):
            return "INVALID_SNAPSHOT"
        if held is not None and held.restaurant_id != snapshot.restaurant_id:
            return "RESTAURANT_MISMATCH"
        return None

    def scan(self, restaurant_id: RestaurantId | None, cursor: str | None, limit: int) -> ScanPage:
        """Up to ``limit`` (1–1000) stored snapshots of a restaurant (None: all), from ``cursor``.
        Raises CacheUnavailable (also for a cursor this cache did not issue)."""
        if not 1 <= limit <= MAX_SCAN:
            raise ValueError(f"limit must be from 1 to {MAX_SCAN}")
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            docs = [d for d in self._docs.values() if restaurant_id in (None, d.restaurant_id)]
        docs.sort(key=_scan_key)
        if cursor is not None:
            last = _scan_position(cursor)
            docs = [d for d in docs if _scan_key(d) > last]
        page, more = docs[:limit], len(docs) > limit
        return ScanPage(tuple(page), _scan_cursor(page[-1]) if more else None)

    def repair(self, order: Order, expected_version: int | None) -> Repair:
        """Store ``order`` if the stored version is still ``expected_version`` (None: none stored),
        even when it is not newer. Raises CacheUnavailable."""
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            held = self._docs.get(order.id)
            refusal = self._refusal(order, held)
            if refusal is not None:
                return Repair(RepairOutcome.REJECTED, refusal)
            if (held.version if held is not None else None) != expected_version:
                return Repair(RepairOutcome.CONFLICT)
            self._docs[order.id] = as_stored(order)
            return Repair(RepairOutcome.APPLIED)

    def remove(self, order_id: OrderId, expected_version: int) -> RemoveOutcome:
        """Delete the stored snapshot if its version is still ``expected_version``. Raises
        CacheUnavailable."""
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            held = self._docs.get(order_id)
            if held is None:
                return RemoveOutcome.MISSING
            if held.version != expected_version:
                return RemoveOutcome.CONFLICT
            del self._docs[order_id]
            return RemoveOutcome.REMOVED

    def is_healthy(self) -> bool:
        """False while failures are pending."""
        with self._lock:
            return self._failures == 0

    def put(self, order: Order) -> None:
        """Store ``order`` whatever the version rule says (tests: a corrupted mirror)."""
        with self._lock:
            self._docs[order.id] = order

    def clear(self) -> None:
        """Forget everything (tests: a wiped mirror)."""
        with self._lock:
            self._docs.clear()


def as_stored(order: Order) -> Order:
    """``order`` as the mirror holds it: times to the millisecond, as the API shows them."""
    return evolve(order, created_at=_to_ms(order.created_at), updated_at=_to_ms(order.updated_at),
                  deleted_at=None if order.deleted_at is None else _to_ms(order.deleted_at))


def _to_ms(at: datetime) -> datetime:
    return at.replace(microsecond=at.microsecond // 1000 * 1000)


def is_storable(order: Order) -> bool:
    """Whether the mirror accepts ``order`` (the checks of ``convex/model/snapshot.ts``)."""
    items_ok = 1 <= len(order.items) <= MAX_ITEMS and all(
        _whole(i.quantity, 1) and _whole(i.unit_price_cents) and _whole(i.line_total_cents)
        and i.line_total_cents == i.quantity * i.unit_price_cents for i in order.items)
    total = sum(i.line_total_cents for i in order.items)
    return (items_ok and _whole(order.order_number, 1) and _whole(order.version, 1)
            and _whole(order.total_cents) and order.total_cents == total
            and CURRENCY.fullmatch(order.currency) is not None)


def _whole(value: int, least: int = 0) -> bool:
    return least <= value <= MAX_NUMBER


def _scan_key(order: Order) -> tuple[str, datetime, str]:
    return (str(order.restaurant_id), order.created_at, str(order.id))


def _scan_cursor(order: Order) -> str:
    return f"{order.restaurant_id}|{order.created_at.isoformat()}|{order.id}"


def _scan_position(cursor: str) -> tuple[str, datetime, str]:
    try:
        restaurant, at, ident = cursor.split("|")
        return (str(UUID(restaurant)), datetime.fromisoformat(at), str(UUID(ident)))
    except ValueError:
        raise CacheUnavailable("not a cursor of this cache") from None
