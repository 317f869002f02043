"""``/v1/orders/{order_id}/events``."""

from __future__ import annotations

from uuid import UUID

import falcon

from orderzap_core.ids import OrderId
from orderzap_core.services.orders import OrderService
from orderzap_http import envelope
from orderzap_http.resources import views


class OrderEventsResource:
    """GET /v1/orders/{order_id}/events"""

    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    def on_get(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """The order's history, oldest first, in one page (``nextCursor`` is always null)."""
        events = self._orders.events(req.context.principal, OrderId(order_id))
        envelope.listing(resp, [views.event(e) for e in events], next_cursor=None, limit=len(events))
