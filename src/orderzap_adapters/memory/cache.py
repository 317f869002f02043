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
