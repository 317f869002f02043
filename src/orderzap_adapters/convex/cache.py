"""ConvexOrderCache: the read side of the mirror over Convex's internal functions ``orders:*``.

Every failure — a timeout, an open breaker, a refused key, a function error, a body that is not an
order — is CacheUnavailable, so a read falls back to PostgreSQL. Round trips: one per call (``apply``
one per 1000 snapshots).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any, TypeVar
from uuid import UUID

from orderzap_adapters.convex.breaker import BreakerState
from orderzap_adapters.convex.client import ConvexClient, ConvexFailure, FunctionError
from orderzap_adapters.convex.snapshots import (
    BadDocument,
    deliveries_from,
    from_document,
    list_args,
    orders_from,
    remove_from,
    repair_from,
    scan_from,
    to_document,
)
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.errors import CacheUnavailable
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.ports.cache import Delivery, RemoveOutcome, Repair, ScanPage

T = TypeVar("T")

#: ``orders:applySnapshots`` refuses larger batches (BATCH_TOO_LARGE).
MAX_BATCH = 1000
#: Writes are background work (repairs), so they may wait longer than a read.
WRITE_READ_TIMEOUT = 5.0
_NOBODY = str(UUID(int=0))


class ConvexOrderCache:
    """OrderCache (and MirrorAudit) on a Convex deployment."""

    def __init__(self, client: ConvexClient, *, write_read_timeout: float = WRITE_READ_TIMEOUT) -> None:
        self._client = client
        self._write_read_timeout = write_read_timeout

    @property
    def enabled(self) -> bool:
        """A real mirror."""
        return True

    def get(self, restaurant_id: RestaurantId, order_id: OrderId) -> Order | None:
        """The stored snapshot (tombstones included), or None. Raises CacheUnavailable."""
        value = self._query("orders:get", {"restaurantId": str(restaurant_id), "orderId": str(order_id)})
        if value is None:
            return None
        order = self._read(from_document, value)
        if order.id != order_id or order.restaurant_id != restaurant_id:
            # SECURITY: never hand on another order, least of all another restaurant's.
            raise CacheUnavailable("orders:get answered another order")
        return order

    def page(self, restaurant_id: RestaurantId, query: OrderQuery) -> list[Order]:
        """PostgreSQL's keyset page over the mirror: up to ``query.limit`` + 1 orders. Raises
        CacheUnavailable."""
        value = self._query("orders:list", list_args(restaurant_id, query))
        orders = self._read(partial(orders_from, restaurant_id=restaurant_id), value)
        if len(orders) > query.limit + 1:
            raise CacheUnavailable("orders:list answered more rows than asked for")
        return orders

    def apply(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """Write each snapshot only if newer; one Delivery per snapshot. Raises CacheUnavailable
        (earlier batches of a long sequence may have been written: a resend is harmless)."""
        results: list[Delivery] = []
        for start in range(0, len(snapshots), MAX_BATCH):
            batch = snapshots[start:start + MAX_BATCH]
            value = self._mutation("orders:applySnapshots", {"snapshots": [to_document(o) for o in batch]})
            results += self._read(partial(deliveries_from, sent=batch), value)
        return results

    def is_healthy(self) -> bool:
        """Whether Convex answers a query now (False at once while the breaker is open)."""
        if self._client.breaker.state is BreakerState.OPEN:
            return False
        try:
            self._client.query("orders:get", {"restaurantId": _NOBODY, "orderId": _NOBODY})
        except FunctionError:
            return True                    # it answered
        except ConvexFailure:
            return False
        return True

    def scan(self, restaurant_id: RestaurantId | None, cursor: str | None, limit: int) -> ScanPage:
        """Up to ``limit`` (1–1000) stored snapshots of a restaurant (None: every restaurant), in
        Convex's order, from ``cursor``. Raises CacheUnavailable."""
        args: dict[str, Any] = {"cursor": cursor, "limit": limit}
        if restaurant_id is not None:
            args["restaurantId"] = str(restaurant_id)
        page = self._read(scan_from, self._query("orders:page", args))
        if restaurant_id is not None and any(o.restaurant_id != restaurant_id for o in page.orders):
            raise CacheUnavailable("orders:page answered another restaurant's order")
        return page

    def repair(self, order: Order, expected_version: int | None) -> Repair:
        """Store ``order`` if the stored version is still ``expected_version`` (None: none stored).
        Raises CacheUnavailable."""
        value = self._mutation("orders:repair",
                               {"snapshot": to_document(order), "expectedVersion": expected_version})
        return self._read(repair_from, value)

    def remove(self, order_id: OrderId, expected_version: int) -> RemoveOutcome:
        """Delete the stored snapshot if its version is still ``expected_version``. Raises
        CacheUnavailable."""
        value = self._mutation("orders:remove",
                               {"orderId": str(order_id), "expectedVersion": expected_version})
        return self._read(remove_from, value)

    def _query(self, path: str, args: dict[str, Any]) -> Any:
        try:
            return self._client.query(path, args)
        except ConvexFailure as failure:
            raise CacheUnavailable(str(failure)) from None

    def _mutation(self, path: str, args: dict[str, Any]) -> Any:
        try:
            return self._client.mutation(path, args, read_timeout=self._write_read_timeout)
        except ConvexFailure as failure:
            raise CacheUnavailable(str(failure)) from None

    @staticmethod
    def _read(convert: Callable[[Any], T], value: Any) -> T:
        try:
            return convert(value)
        except BadDocument as error:
            raise CacheUnavailable(f"Convex answered {error}") from None
