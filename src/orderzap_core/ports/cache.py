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


@frozen
class ScanPage:
    """Stored snapshots (tombstones included); ``cursor`` continues the scan, None at its end."""

    orders: tuple[Order, ...]
    cursor: str | None


class RepairOutcome(StrEnum):
    """What a compare-and-set write did."""

    APPLIED = "applied"
    CONFLICT = "conflict"      # the stored version was no longer the expected one: nothing written
    REJECTED = "rejected"      # the mirror refuses the snapshot (``code`` says why)


@frozen
class Repair:
    """The answer of ``MirrorAudit.repair``."""

    outcome: RepairOutcome
    code: str | None = None


class RemoveOutcome(StrEnum):
    """What removing an extra snapshot did."""

    REMOVED = "removed"
    CONFLICT = "conflict"      # it changed since it was seen: kept
    MISSING = "missing"        # nothing stored under that id


class MirrorAudit(Protocol):
    """What ``cache verify`` needs of the mirror: a walk over every stored snapshot, and
    compare-and-set writes, so a repair never overwrites a change the relay made meanwhile.
    Every method may raise CacheUnavailable."""

    def scan(self, restaurant_id: RestaurantId | None, cursor: str | None, limit: int) -> ScanPage:
        """Up to ``limit`` stored snapshots of one restaurant (None: of all), from ``cursor``
        (None: the start)."""
        ...

    def repair(self, order: Order, expected_version: int | None) -> Repair:
        """Store ``order`` if the stored version is still ``expected_version`` (None: nothing
        stored), even when it is not newer."""
        ...

    def remove(self, order_id: OrderId, expected_version: int) -> RemoveOutcome:
        """Delete a snapshot the source does not have, if its version is still ``expected_version``."""
        ...
