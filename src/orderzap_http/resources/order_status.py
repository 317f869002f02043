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

    def __init__(self, orders: OrderService, wire: Wire) -> None:
        self._orders, self._wire = orders, wire

    def on_patch(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """Move the order along the kitchen flow, or cancel it; honours If-Match."""
        expected = parsing.expected_version(req)
        change = self._wire.parse(parsing.json_object(req), StatusChange)
        order = self._orders.change_status(req.context.principal, OrderId(order_id), change,
                                           expected_version=expected)
        envelope.single(resp, views.order(self._wire, order), version=order.version)
