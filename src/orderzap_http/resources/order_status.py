"""``/v1/orders/{order_id}/status``."""

from __future__ import annotations

from uuid import UUID

import falcon

from orderzap_core.commands import StatusChange
from orderzap_core.ids import OrderId
from orderzap_core.services.orders import OrderService
from orderzap_core.wire import Wire
from orderzap_http import envelope
from orderzap_http.resources import parsing, views


class OrderStatusResource:
    """PATCH /v1/orders/{order_id}/status"""

    def __init__(self, orders: OrderService, wire: Wire, order_json: views.OrderJson) -> None:
        self._orders, self._wire, self._json = orders, wire, order_json

    def on_patch(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """Move the order along the kitchen flow, or cancel it; honours If-Match."""
        expected = parsing.expected_version(req)
        change = self._wire.parse(parsing.json_object(req), StatusChange)
        order = self._orders.change_status(req.context.principal, OrderId(order_id), change,
                                           expected_version=expected)
        envelope.single(resp, self._json(order), version=order.version)
