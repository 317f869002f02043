"""Cache-first reads: ask the realtime mirror, fall back to the source of truth, and queue a repair.

The mirror lags the relay, so a cached copy older than the caller's ``min_version`` is a miss, and
a cached tombstone is never trusted to say an order is gone: the source decides absence. Any
failure of the cache is a miss, never an error. Authorisation applies to what the cache returned
exactly as to what the repository returned.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from enum import StrEnum

from attrs import define, field, frozen

from orderzap_core.commands import ListOrders
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import Page, Source
from orderzap_core.errors import CacheUnavailable
from orderzap_core.ids import OPERATOR_ID, OrderId, RestaurantId
from orderzap_core.policy import Action, Principal, authorize, can_see
from orderzap_core.ports.cache import OrderCache
from orderzap_core.services.orders import OrderService, page_of


class CacheStatus(StrEnum):
    """How a read was served: the ``X-Cache`` header."""

    HIT = "hit"
    MISS = "miss"
    BYPASS = "bypass"


@frozen
class Read:
    """An order, and how it was served."""

    order: Order
    cache: CacheStatus


@frozen
class ListRead:
    """A page of orders, and how it was served."""

    page: Page[Order]
    cache: CacheStatus


@define
class RepairQueue:
    """Orders whose mirror copy should be refreshed: bounded, each order at most once."""

    capacity: int = 1000
    _pending: OrderedDict[tuple[RestaurantId, OrderId], None] = field(factory=OrderedDict)
    _lock: threading.Lock = field(factory=threading.Lock)
    dropped: int = 0

    def add(self, restaurant_id: RestaurantId, order_id: OrderId) -> bool:
        """Queue a repair; False when the queue is full (the relay and ``cache verify`` still heal it)."""
        with self._lock:
            key = (restaurant_id, order_id)
            if key in self._pending:
                return True
            if len(self._pending) >= self.capacity:
                self.dropped += 1
                return False
            self._pending[key] = None
            return True

    def take(self, limit: int) -> list[tuple[RestaurantId, OrderId]]:
        """Remove and return up to ``limit`` queued repairs, oldest first."""
        with self._lock:
            taken = list(self._pending)[:limit]
            for key in taken:
                del self._pending[key]
            return taken

    def __len__(self) -> int:
        with self._lock:
            return len(self._pending)


@define
class CachedReads:
    """Order reads that may be served by the mirror."""

    _orders: OrderService
    _cache: OrderCache
    _repairs: RepairQueue = field(factory=RepairQueue)
    #: CACHE_READS: when False, reads bypass the mirror (it still feeds screens).
    reads_enabled: bool = True

    @property
    def repairs(self) -> RepairQueue:
        """The queue of pending repairs."""
        return self._repairs

    @property
    def uses_cache(self) -> bool:
        """Whether reads ask the mirror first."""
        return self.reads_enabled and self._cache.enabled

    def get(self, principal: Principal, order_id: OrderId, *, min_version: int | None = None,
            include_deleted: bool = False) -> Read:
        """One order, from the mirror when it holds a fresh enough live copy. Raises NotFound."""
        if not self.uses_cache:
            return Read(self._orders.get(principal, order_id, include_deleted=include_deleted),
                        CacheStatus.BYPASS)
        try:
            cached = self._cache.get(principal.restaurant_id, order_id)
        except CacheUnavailable:
            cached = None
        if (cached is not None and cached.restaurant_id == principal.restaurant_id
                and not cached.is_deleted and (min_version is None or cached.version >= min_version)):
            authorize(principal, Action.READ_ORDERS, cached)
            return Read(cached, CacheStatus.HIT)
        order = self._orders.get(principal, order_id, include_deleted=include_deleted)
        if cached is None or cached.version < order.version:
            self._repairs.add(principal.restaurant_id, order_id)
        return Read(order, CacheStatus.MISS)

    def list(self, principal: Principal, listing: ListOrders) -> ListRead:
        """A page of orders; a cursor walk stays on the source that served its first page, unless
        the mirror fails mid-walk (the keyset is the same on both). Raises BadRequest."""
        query, source = self._orders.query_for(principal, listing)
        if not self.uses_cache:
            return ListRead(self._orders.page(principal, query), CacheStatus.BYPASS)
        if listing.cursor is None or source is Source.CACHE:
            try:
                rows = self._cache.page(principal.restaurant_id, query)
            except CacheUnavailable:
                pass
            else:
                visible = [o for o in rows if can_see(principal, o)]
                return ListRead(page_of(visible, query, Source.CACHE), CacheStatus.HIT)
        return ListRead(self._orders.page(principal, query), CacheStatus.MISS)

    def run_repairs(self, limit: int = 100) -> int:
        """Push the source's snapshot of queued orders to the mirror; returns how many were sent.
        A failing mirror puts them back for later."""
        batch = self._repairs.take(limit)
        snapshots = []
        for restaurant_id, order_id in batch:
            order = self._orders.snapshot_for_repair(_reader(restaurant_id), order_id)
            if order is not None:
                snapshots.append(order)
        if not snapshots:
            return 0
        try:
            self._cache.apply(snapshots)
        except CacheUnavailable:
            for restaurant_id, order_id in batch:
                self._repairs.add(restaurant_id, order_id)
            return 0
        return len(snapshots)


def _reader(restaurant_id: RestaurantId) -> Principal:
    return Principal(OPERATOR_ID, restaurant_id, Role.ADMIN)
