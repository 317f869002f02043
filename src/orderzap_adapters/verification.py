"""What ``orderzap cache verify [--repair]`` needs of a mirror beyond the read port: a scan of every
stored snapshot, and compare-and-set writes that fix one difference without racing the relay.

ConvexOrderCache and MemoryOrderCache both provide it; every method may raise CacheUnavailable.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from attrs import frozen

from orderzap_core.domain.orders import Order
from orderzap_core.ids import OrderId, RestaurantId


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
    """The answer of ``repair``."""

    outcome: RepairOutcome
    code: str | None = None


class RemoveOutcome(StrEnum):
    """What removing an extra snapshot did."""

    REMOVED = "removed"
    CONFLICT = "conflict"      # it changed since it was seen: kept
    MISSING = "missing"        # nothing stored under that id


class VerifiableCache(Protocol):
    """A mirror ``cache verify`` can walk and fix."""

    def scan(self, restaurant_id: RestaurantId | None, cursor: str | None, limit: int) -> ScanPage:
        """Up to ``limit`` stored snapshots of one restaurant (None: of all), from ``cursor``
        (None: the start). Raises CacheUnavailable."""
        ...

    def repair(self, order: Order, expected_version: int | None) -> Repair:
        """Store ``order`` if the stored version is still ``expected_version`` (None: nothing
        stored), even when it is not newer. Raises CacheUnavailable."""
        ...

    def remove(self, order_id: OrderId, expected_version: int) -> RemoveOutcome:
        """Delete the stored snapshot if its version is still ``expected_version``. Raises
        CacheUnavailable."""
        ...
