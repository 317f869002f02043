"""The realtime mirror's two faces: reads (the order cache) and writes (a snapshot sink).

Both hold whole order snapshots ordered by ``version``: a snapshot is applied only when its
version is newer than the stored one, and deletes are tombstones (``deleted_at`` set), so a late
older snapshot can never resurrect a deleted order or undo a newer change."""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from attrs import frozen

from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.ids import OrderId, RestaurantId


class Outcome(StrEnum):
    """What a sink did with one snapshot."""

    APPLIED = "applied"
    STALE = "stale"
    REJECTED = "rejected"


@frozen
class Delivery:
    """The sink's answer for one snapshot (``code`` says why it was rejected)."""

    outcome: Outcome
    code: str | None = None


class SnapshotSink(Protocol):
    """Where the relay delivers snapshots (the Convex mirror first; feeds and webhooks later)."""

    def deliver(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """Apply each snapshot if newer; one Delivery per snapshot, in order. Raises
        SinkUnavailable on a transient failure and SinkRejected when the whole batch failed
        deterministically (the same input would fail again)."""
        ...


class OrderCache(Protocol):
    """The read side of the mirror. Every method may raise CacheUnavailable."""

    @property
    def enabled(self) -> bool:
        """False for the null cache: reads then bypass it."""
        ...

    def get(self, restaurant_id: RestaurantId, order_id: OrderId) -> Order | None:
        """The cached snapshot (tombstones included), or None when the mirror does not hold it."""
        ...

    def page(self, restaurant_id: RestaurantId, query: OrderQuery) -> list[Order]:
        """Like OrderRepository.page, over the mirror's snapshots."""
        ...

    def apply(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """Write snapshots, each only if newer (used for repairs)."""
        ...

    def is_healthy(self) -> bool:
        """Whether the mirror answers now."""
        ...


class MirrorAudit(Protocol):
    """What ``cache verify`` needs of the mirror: a walk over every stored snapshot, and
    compare-and-set writes, so a repair never overwrites a change the relay made meanwhile.
    Every method may raise CacheUnavailable."""

    def scan(self, restaurant_id: RestaurantId | None, cursor: str | None,
             limit: int) -> tuple[list[Order], str | None]:
        """One page of stored snapshots (tombstones included), of one restaurant or of all, and the
        cursor of the next page (None after the last)."""
        ...

    def repair(self, order: Order, expected_version: int | None) -> bool:
        """Store ``order`` if the mirror's copy still has ``expected_version`` (None: no copy),
        even when it is not newer; False when the copy changed meanwhile."""
        ...

    def remove(self, order_id: OrderId, expected_version: int) -> bool:
        """Delete a snapshot the source does not have, if its version is still
        ``expected_version``; False when it changed or is gone."""
        ...
