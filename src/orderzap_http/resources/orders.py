"""Orders: ``/v1/orders`` and ``/v1/orders/{order_id}``."""

from __future__ import annotations

from uuid import UUID

import falcon

from orderzap_core.commands import EditOrder, PlaceOrder
from orderzap_core.ids import OrderId
from orderzap_core.services.orders import OrderService
from orderzap_core.services.reads import CachedReads
from orderzap_core.wire import Wire
from orderzap_http import envelope
from orderzap_http.resources import parsing, views


def order_location(order_id: UUID) -> str:
    """The URL of an order."""
    return f"/v1/orders/{order_id}"


class OrdersResource:
    """POST /v1/orders, GET /v1/orders"""

    def __init__(self, orders: OrderService, reads: CachedReads, wire: Wire,
                 order_json: views.OrderJson) -> None:
        self._orders, self._reads, self._wire, self._json = orders, reads, wire, order_json

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Place an order; an Idempotency-Key replays the first answer."""
        key = parsing.idempotency_key(req)
        command = self._wire.parse(parsing.json_object(req), PlaceOrder)
        placement = self._orders.place(req.context.principal, command, idempotency_key=key)
        order = placement.order
        if placement.replayed:
            resp.set_header("Idempotent-Replayed", "true")
        envelope.single(resp, self._json(order), status=falcon.HTTP_201,
                        version=order.version, location=order_location(order.id))

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """A page of orders (a customer's own only)."""
        read = self._reads.list(req.context.principal, parsing.list_orders(req))
        resp.set_header("X-Cache", read.cache.value)
        envelope.listing(resp, [self._json(o) for o in read.page.items],
                         next_cursor=read.page.next_cursor, limit=read.page.limit)


class OrderResource:
    """GET, PATCH and DELETE /v1/orders/{order_id}"""

    def __init__(self, orders: OrderService, reads: CachedReads, wire: Wire,
                 order_json: views.OrderJson) -> None:
        self._orders, self._reads, self._wire, self._json = orders, reads, wire, order_json

    def on_get(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """One order; ``minVersion`` for read-your-writes, ``includeDeleted`` for admins."""
        min_version = parsing.positive(req, "minVersion")
        include_deleted = bool(parsing.boolean(req, "includeDeleted"))
        read = self._reads.get(req.context.principal, OrderId(order_id), min_version=min_version,
                               include_deleted=include_deleted)
        resp.set_header("X-Cache", read.cache.value)
        envelope.single(resp, self._json(read.order), version=read.order.version)

    def on_patch(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """Edit customer fields; honours If-Match."""
        expected = parsing.expected_version(req)
        edit = self._wire.parse(parsing.json_object(req), EditOrder)
        order = self._orders.edit(req.context.principal, OrderId(order_id), edit,
                                  expected_version=expected)
        envelope.single(resp, self._json(order), version=order.version)

    def on_delete(self, req: falcon.Request, resp: falcon.Response, order_id: UUID) -> None:
        """Soft-delete (admins); honours If-Match."""
        order = self._orders.delete(req.context.principal, OrderId(order_id),
                                    expected_version=parsing.expected_version(req))
        envelope.single(resp, self._json(order), version=order.version)
