"""Orders this process has read, used again while the database still holds them unchanged.

Every change to an order raises its ``version`` by one and sets its ``updated_at``
(``orderzap_core.domain.orders``), so a committed row whose id, version and ``updated_at`` are
those of an order read before holds that same order. A page of orders therefore reads those
three columns first and builds orders only when one of them is new to the process; building
orders from rows is most of what a page costs (docs/performance.md). A change made by hand in
SQL must change ``version`` or ``updated_at`` too, as every change of OrderZap's does.

Per process and bounded (:data:`KNOWN_ORDERS`); keyed by restaurant and id, and only ever
consulted with ids that the tenant's own query (under row-level security) returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from orderzap_core.bounded import BoundedMap
from orderzap_core.domain.orders import Order
from orderzap_core.ids import RestaurantId

#: Orders remembered per process (the oldest read is forgotten first): the first pages of a few
#: hundred restaurants' kitchen screens.
KNOWN_ORDERS = 10_000


class KnownOrders:
    """Orders by (restaurant, id), trusted for a row with the same version and ``updated_at``."""

    def __init__(self, size: int = KNOWN_ORDERS) -> None:
        # NOTE: keyed by the ids' integers: a UUID hashes in Python (UUID.__hash__), an int in C,
        # and a page looks up 50 keys.
        self._orders: BoundedMap[tuple[int, int], Order] = BoundedMap(size)

    def find(self, restaurant_id: RestaurantId, rows: Sequence[dict[str, Any]]) -> list[Order] | None:
        """The known orders for ``rows`` (``id``, ``version``, ``updated_at``), in their order, or
        None when any row is of an order not known at that version."""
        found = []
        get, restaurant = self._orders.get, restaurant_id.int
        for row in rows:
            order = get((restaurant, row["id"].int))
            if order is None or not _same(order, row["version"], row["updated_at"]):
                return None
            found.append(order)
        return found

    def remember(self, restaurant_id: RestaurantId, orders: Iterable[Order]) -> None:
        """Keep ``orders``, read from the database just now."""
        for order in orders:
            self._orders.put((restaurant_id.int, order.id.int), order)


def _same(order: Order, version: int, updated_at: datetime) -> bool:
    return order.version == version and order.updated_at == updated_at
