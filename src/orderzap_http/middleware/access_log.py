"""One log line and one metrics observation per request, whatever its outcome."""

from __future__ import annotations

import time
from typing import Any

import falcon

from orderzap_http.logs import get_logger
from orderzap_http.metrics import Metrics

log = get_logger("orderzap.access")


class AccessLog:
    """Second in the stack, so its response hook sees the final status (errors included)."""

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        """Log the request and count it."""
        started = getattr(req.context, "started", None)
        seconds = time.perf_counter() - started if started is not None else 0.0
        status = falcon.http_status_to_code(resp.status)
        route = req.uri_template or "unmatched"
        self._metrics.observe(req.method, route, status, seconds)
        fields: dict[str, Any] = {"method": req.method, "path": req.path, "status": status,
                                  "duration_ms": round(seconds * 1000, 2)}
        code = getattr(req.context, "error_code", None)
        if code is not None:
            fields["code"] = code
        log.info("request", **fields)
