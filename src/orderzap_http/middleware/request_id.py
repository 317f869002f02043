"""X-Request-Id: the incoming one when well-formed, else a new one; on every response, and bound to
every log line of the request."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

import falcon

from orderzap_http import logs

_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{1,128}")


def request_id_for(incoming: str | None) -> str:
    """``incoming`` when it is 1-128 characters of ``A-Z a-z 0-9 . _ -``, else a new uuid4 hex."""
    if incoming is not None and _WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestId:
    """First in the stack: its response hook runs last, so even error responses carry the id."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Pick the request id, bind it to the log context and start the request's clock."""
        req.context.started = time.perf_counter()
        req.context.request_id = request_id_for(req.get_header("X-Request-Id"))
        logs.bind_request(req.context.request_id)

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        """Answer with the id, and end the log context."""
        resp.set_header("X-Request-Id", getattr(req.context, "request_id", None) or uuid.uuid4().hex)
        logs.unbind_request()
