"""``/v1/orders/{order_id}/events``."""

from __future__ import annotations

from uuid import UUID

import falcon

from orderzap_core.ids import OrderId
from orderzap_core.services.orders import OrderService
from orderzap_http import envelope
from orderzap_http.resources import parsing, views


class OrderEventsResource:
    """GET /v1/orders/{order_id}/events"""

    def __init__(self, orders: OrderService) -> None:
        self._orders = orders

    def on_get(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """A page of the order's history, oldest first (``limit``, ``cursor`` as for orders)."""
        page = self._orders.history(req.context.principal, OrderId(order_id),
                                    limit=parsing.limit(req), cursor=parsing.cursor(req))
        envelope.listing(resp, [views.event(e) for e in page.items], next_cursor=page.next_cursor,
                         limit=page.limit)
