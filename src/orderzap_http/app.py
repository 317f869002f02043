"""The composition of the HTTP API: ``create_app(services, settings, realtime=...)`` builds the
Falcon WSGI app (``realtime``: the realtime token minter, when a Convex mirror is configured).

Middleware, in order (request hooks run top-down, response hooks bottom-up, so the request id
and the access log see every answer, errors included):

1. RequestId   X-Request-Id in and out, bound to every log line
2. AccessLog   one line and one metrics observation per request
3. Cors        ALLOWED_ORIGINS only, preflight included
4. BodyLimit   413 before reading an over-long body (chunked bodies read to the limit + 1)
5. Authentication   bearer JWT → Principal, once a route matched (unknown routes are 404 first)
6. RateLimit   per restaurant, when RATE_LIMIT_PER_MINUTE is set
7. JsonBodies  415 for a body that is not application/json

Bodies go through the strict JSON handler (``media``); every error leaves through
``errors.render``, the one error door.
"""

from __future__ import annotations

from typing import Any

import falcon
from falcon.media import Handlers

from orderzap_core.services import Services
from orderzap_core.wire import Wire
from orderzap_http import errors, media
from orderzap_http.metrics import Metrics
from orderzap_http.middleware.access_log import AccessLog
from orderzap_http.middleware.auth import Authentication
from orderzap_http.middleware.body_limit import BodyLimit
from orderzap_http.middleware.content_type import JsonBodies
from orderzap_http.middleware.cors import Cors
from orderzap_http.middleware.rate_limit import RateLimit
from orderzap_http.middleware.request_id import RequestId
from orderzap_http.realtime import RealtimeTokens
from orderzap_http.resources.health import HealthResource, MetricsResource, ReadyResource
from orderzap_http.resources.login import LoginResource
from orderzap_http.resources.me import MeResource
from orderzap_http.resources.menu_items import MenuItemResource, MenuItemsResource
from orderzap_http.resources.order_events import OrderEventsResource
from orderzap_http.resources.order_restore import OrderRestoreResource
from orderzap_http.resources.order_status import OrderStatusResource
from orderzap_http.resources.orders import OrderResource, OrdersResource
from orderzap_http.resources.realtime import RealtimeTokenResource
from orderzap_http.resources.views import OrderJson
from orderzap_http.settings import Settings
from orderzap_http.tokens import TokenService


def create_app(services: Services, settings: Settings, *, realtime: RealtimeTokens | None = None
               ) -> falcon.App[falcon.Request, falcon.Response]:
    """The WSGI app serving ``services`` as configured; ``POST /v1/realtime/token`` mints with
    ``realtime`` (None: no mirror, 404). Raises SettingsError for a JWT secret or algorithm list
    the token service refuses."""
    # NOTE: imported here, so the OpenAPI module may import from this one without a cycle.
    from orderzap_http.openapi import OpenApiResource

    tokens = TokenService(settings)
    metrics = Metrics(services)
    wire = Wire()
    order_json = OrderJson(wire)
    middleware: list[Any] = [
        RequestId(),
        AccessLog(metrics),
        Cors(settings.allowed_origins),
        BodyLimit(settings.max_body_bytes),
        Authentication(tokens),
    ]
    if settings.rate_limit_per_minute:
        middleware.append(RateLimit(settings.rate_limit_per_minute))
    middleware.append(JsonBodies())
    app: falcon.App[falcon.Request, falcon.Response] = falcon.App(middleware=middleware)

    handlers = Handlers(media.strict_json())
    app.req_options.media_handlers = handlers
    app.resp_options.media_handlers = handlers
    app.req_options.default_media_type = falcon.MEDIA_JSON
    app.resp_options.default_media_type = media.JSON_UTF8
    # NOTE: "/v1/orders/" is not "/v1/orders": no trailing-slash guessing, one URL per resource.
    app.req_options.strip_url_path_trailing_slash = False
    # NOTE: both: a handler for Exception alone would leave Falcon's own 404/405 bodies alone.
    app.add_error_handler(Exception, errors.render)
    app.add_error_handler(falcon.HTTPError, errors.render)

    app.add_route("/v1/orders", OrdersResource(services.orders, services.reads, wire, order_json))
    app.add_route("/v1/orders/{order_id:uuid}",
                  OrderResource(services.orders, services.reads, wire, order_json))
    app.add_route("/v1/orders/{order_id:uuid}/status", OrderStatusResource(services.orders, wire, order_json))
    app.add_route("/v1/orders/{order_id:uuid}/events", OrderEventsResource(services.orders))
    app.add_route("/v1/orders/{order_id:uuid}/restore", OrderRestoreResource(services.orders, order_json))
    app.add_route("/v1/menu-items", MenuItemsResource(services.menu, wire))
    app.add_route("/v1/menu-items/{item_id:uuid}", MenuItemResource(services.menu, wire))
    app.add_route("/v1/auth/login", LoginResource(services.accounts, tokens, wire))
    app.add_route("/v1/me", MeResource(services.accounts))
    app.add_route("/v1/realtime/token", RealtimeTokenResource(realtime))
    app.add_route("/health", HealthResource())
    app.add_route("/ready", ReadyResource(services))
    app.add_route("/metrics", MetricsResource(metrics))
    app.add_route("/openapi.json", OpenApiResource())
    return app
