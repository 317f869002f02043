"""The history of orders: one event per version.

Round trips: ``for_order`` one (queued writes ride along); ``append`` none of its own.
"""

from __future__ import annotations

from orderzap_adapters.postgres.rows import from_row
from orderzap_adapters.postgres.session import Session
from orderzap_core.domain.events import OrderEvent
from orderzap_core.ids import OrderId, RestaurantId

INSERT_EVENT = """
INSERT INTO order_events (restaurant_id, order_id, version, type, from_status, to_status, actor_id, at,
                          reason)
VALUES (%(restaurant_id)s, %(order_id)s, %(version)s, %(type)s, %(from_status)s, %(to_status)s,
        %(actor_id)s, %(at)s, %(reason)s)
"""

SELECT_EVENTS = """
SELECT restaurant_id, order_id, version, type, from_status, to_status, actor_id, at, reason
FROM order_events
WHERE restaurant_id = %(restaurant_id)s AND order_id = %(order_id)s
ORDER BY version
"""


class PgOrderEvents:
    """The history of the unit of work's orders."""

    def __init__(self, session: Session, restaurant_id: RestaurantId) -> None:
        self._s, self._rid = session, restaurant_id

    def append(self, event: OrderEvent) -> None:
        """Record an event (at the next exchange)."""
        self._s.defer(INSERT_EVENT, {
            "restaurant_id": event.restaurant_id, "order_id": event.order_id, "version": event.version,
            "type": event.type.value,
            "from_status": event.from_status.value if event.from_status is not None else None,
            "to_status": event.to_status.value if event.to_status is not None else None,
            "actor_id": event.actor_id, "at": event.at, "reason": event.reason})

    def for_order(self, order_id: OrderId) -> list[OrderEvent]:
        """The order's events, oldest first."""
        rows = self._s.fetch(SELECT_EVENTS, {"restaurant_id": self._rid, "order_id": order_id})
        return [from_row(row, OrderEvent) for row in rows]
