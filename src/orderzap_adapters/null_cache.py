"""The cache and sink used when no realtime mirror is configured."""

from __future__ import annotations

from collections.abc import Sequence

from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.errors import CacheUnavailable
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.ports.cache import Delivery, Outcome


class NullOrderCache:
    """No mirror: every read bypasses the cache."""

    @property
    def enabled(self) -> bool:
        """Always False."""
        return False

    def get(self, restaurant_id: RestaurantId, order_id: OrderId) -> Order | None:
        """Never holds anything."""
        return None

    def page(self, restaurant_id: RestaurantId, query: OrderQuery) -> list[Order]:
        """Not a source of pages."""
        raise CacheUnavailable("no cache is configured")

    def apply(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """Accepts and forgets."""
        return [Delivery(Outcome.APPLIED) for _ in snapshots]

    def is_healthy(self) -> bool:
        """There is nothing to be unhealthy."""
        return True


class NullSink:
    """With no mirror the relay still drains the outbox: each snapshot counts as delivered."""

    def deliver(self, snapshots: Sequence[Order]) -> list[Delivery]:
        """Every snapshot applied, to nowhere."""
        return [Delivery(Outcome.APPLIED) for _ in snapshots]
