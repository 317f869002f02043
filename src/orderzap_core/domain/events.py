"""The history of an order: one event per version."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from attrs import frozen

from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import OrderId, RestaurantId, UserId


class EventType(StrEnum):
    """What happened to an order."""

    CREATED = "created"
    UPDATED = "updated"
    STATUS_CHANGED = "status_changed"
    DELETED = "deleted"
    RESTORED = "restored"


@frozen
class OrderEvent:
    """A change to an order: which version it produced, who made it and when."""

    order_id: OrderId
    restaurant_id: RestaurantId
    version: int
    type: EventType
    from_status: OrderStatus | None
    to_status: OrderStatus | None
    actor_id: UserId
    at: datetime
    reason: str | None = None
