"""``/v1/orders/{order_id}/restore``."""

from __future__ import annotations

from uuid import UUID

import falcon

from orderzap_core.ids import OrderId
from orderzap_core.services.orders import OrderService
from orderzap_http import envelope
from orderzap_http.resources import parsing, views


class OrderRestoreResource:
    """POST /v1/orders/{order_id}/restore"""

    def __init__(self, orders: OrderService, order_json: views.OrderJson) -> None:
        self._orders, self._json = orders, order_json

    def on_post(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """Undo a soft delete (admins); takes no body; honours If-Match."""
        order = self._orders.restore(req.context.principal, OrderId(order_id),
                                     expected_version=parsing.expected_version(req))
        envelope.single(resp, self._json(order), version=order.version)
