"""MemoryOrderCache: the mirror's semantics (version-gated applies, tombstones) with fault knobs."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from orderzap_adapters.memory.repositories import page_of_orders
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.errors import CacheUnavailable, SinkRejected, SinkUnavailable
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.ports.cache import Delivery, Outcome


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
            if self._batch_rejects and any(s.id in self._rejected for s in snapshots):
                # NOTE: only the sink face reports a deterministic batch failure; the cache face's
                # port allows nothing but CacheUnavailable, so a repair meets a failure it retries.
                raise (SinkRejected if failure is SinkUnavailable else failure)("INVALID_SNAPSHOT")
            results = []
            for snapshot in snapshots:
                held = self._docs.get(snapshot.id)
                if snapshot.id in self._rejected:
                    results.append(Delivery(Outcome.REJECTED, "INVALID_SNAPSHOT"))
                elif held is not None and held.version >= snapshot.version:
                    results.append(Delivery(Outcome.STALE))
                else:
                    self._docs[snapshot.id] = snapshot
                    results.append(Delivery(Outcome.APPLIED))
            return results

    def is_healthy(self) -> bool:
        """False while failures are pending."""
        with self._lock:
            return self._failures == 0

    # The MirrorAudit face (``cache verify``).

    def scan(self, restaurant_id: RestaurantId | None, cursor: str | None,
             limit: int) -> tuple[list[Order], str | None]:
        """A page of stored snapshots in (restaurant, creation, id) order; the cursor is the
        position of the next one."""
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            docs = sorted((d for d in self._docs.values()
                           if restaurant_id is None or d.restaurant_id == restaurant_id),
                          key=lambda d: (str(d.restaurant_id), d.created_at, str(d.id)))
        start = int(cursor) if cursor else 0
        end = start + limit
        return docs[start:end], (str(end) if end < len(docs) else None)

    def repair(self, order: Order, expected_version: int | None) -> bool:
        """Compare-and-set on the stored version."""
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            held = self._docs.get(order.id)
            if (held.version if held is not None else None) != expected_version:
                return False
            self._docs[order.id] = order
            return True

    def remove(self, order_id: OrderId, expected_version: int) -> bool:
        """Compare-and-delete on the stored version."""
        with self._lock:
            self._maybe_fail(CacheUnavailable)
            held = self._docs.get(order_id)
            if held is None or held.version != expected_version:
                return False
            del self._docs[order_id]
            return True

    def put(self, order: Order) -> None:
        """Store ``order`` whatever the version rule says (tests: a corrupted mirror)."""
        with self._lock:
            self._docs[order.id] = order

    def clear(self) -> None:
        """Forget everything (tests: a wiped mirror)."""
        with self._lock:
            self._docs.clear()
