"""The one error door: every exception of a request becomes the error envelope of api.md.

``render`` is registered for ``Exception`` and ``falcon.HTTPError`` (a handler for ``Exception``
alone would miss Falcon's own 404/405 errors). A core error's status comes from :data:`STATUS`; a
Falcon ``HTTPError``'s code comes from its status (its headers, such as 405's ``Allow``, are kept,
its texts are not: no library's message reaches a client); anything else is a 500
``INTERNAL_ERROR``, the one place a stack trace is logged, once, with the request id.
"""

from __future__ import annotations

import uuid
from typing import Any

import falcon

from orderzap_core.errors import (
    BadRequest,
    Forbidden,
    IdempotencyConflict,
    InvalidCredentials,
    InvalidTransition,
    NotFound,
    OrderZapError,
    PreconditionFailed,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)
from orderzap_core.wire import to_camel
from orderzap_http import envelope
from orderzap_http.logs import get_logger

log = get_logger("orderzap.http")

#: HTTP status of each core error (api.md's error table).
STATUS: dict[type[OrderZapError], int] = {
    BadRequest: 400,
    Unauthenticated: 401,
    InvalidCredentials: 401,
    Forbidden: 403,
    NotFound: 404,
    InvalidTransition: 409,
    IdempotencyConflict: 409,
    PreconditionFailed: 412,
    ValidationFailed: 422,
    Unavailable: 503,
}

#: Code and message of each status Falcon itself may raise (unknown route, wrong method, a
#: malformed Content-Length ...). Any other 4xx is a BAD_REQUEST, any other 5xx an INTERNAL_ERROR.
FALCON_CODES: dict[int, tuple[str, str]] = {
    400: ("BAD_REQUEST", "the request is malformed"),
    401: ("UNAUTHENTICATED", "authentication required"),
    403: ("FORBIDDEN", "your role may not do this"),
    404: ("NOT_FOUND", "no such resource"),
    405: ("METHOD_NOT_ALLOWED", "this method is not allowed on this resource"),
    412: ("PRECONDITION_FAILED", "a precondition of the request failed"),
    413: ("PAYLOAD_TOO_LARGE", "the body is larger than this server accepts"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "the body must be application/json"),
    422: ("VALIDATION_ERROR", "request validation failed"),
    429: ("RATE_LIMITED", "too many requests; retry later"),
    503: ("SERVICE_UNAVAILABLE", "service temporarily unavailable"),
}

INTERNAL = ("INTERNAL_ERROR", "an unexpected error occurred; quote the request id when reporting it")


class ApiError(Exception):
    """An error of the HTTP layer itself (no core counterpart): a status, a code, our message and
    headers to send (``Retry-After``, ``RateLimit-*``)."""

    def __init__(self, status: int, code: str, message: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.headers = headers or {}


class PayloadTooLarge(ApiError):
    """413: the body is over the configured limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, "PAYLOAD_TOO_LARGE", f"the body is larger than {limit} bytes")


class UnsupportedMediaType(ApiError):
    """415: a body that is not application/json."""

    def __init__(self) -> None:
        super().__init__(415, "UNSUPPORTED_MEDIA_TYPE",
                         "the body must be application/json (UTF-8)")


class RateLimited(ApiError):
    """429: the restaurant's request budget is spent."""

    def __init__(self, retry_after: int, headers: dict[str, str]) -> None:
        super().__init__(429, "RATE_LIMITED", "the restaurant's request budget is spent; retry later",
                         {**headers, "Retry-After": str(retry_after)})


def request_id_of(req: falcon.Request) -> str:
    """The request's id (set by the RequestId middleware; made here if it never ran)."""
    request_id = getattr(req.context, "request_id", None)
    if not request_id:
        request_id = uuid.uuid4().hex
        req.context.request_id = request_id
    return str(request_id)


def _details(error: ValidationFailed) -> list[dict[str, str]]:
    return [{"field": p.field if p.literal else to_camel(p.field), "message": p.message}
            for p in error.problems]


def classify(ex: BaseException) -> tuple[int, str, str, dict[str, str], list[dict[str, str]] | None]:
    """Status, code, message, headers and details for ``ex``."""
    if isinstance(ex, OrderZapError):
        status = next((s for kind, s in STATUS.items() if isinstance(ex, kind)), 500)
        if status == 500:
            return 500, *INTERNAL, {}, None
        headers = {"Retry-After": str(ex.retry_after)} if isinstance(ex, Unavailable) else {}
        details = _details(ex) if isinstance(ex, ValidationFailed) else None
        return status, ex.code, ex.message, headers, details
    if isinstance(ex, ApiError):
        return ex.status, ex.code, ex.message, dict(ex.headers), None
    if isinstance(ex, falcon.HTTPError):
        status = ex.status_code
        code, message = FALCON_CODES.get(status) or (
            ("BAD_REQUEST", "the request is malformed") if status < 500 else INTERNAL)
        return status, code, message, dict(ex.headers or {}), None
    return 500, *INTERNAL, {}, None


def render(req: falcon.Request, resp: falcon.Response, ex: Exception, params: dict[str, Any]) -> None:
    """Falcon error handler: write the error envelope for ``ex``; log server errors once."""
    request_id = request_id_of(req)
    status, code, message, headers, details = classify(ex)
    req.context.error_code = code
    if code == "INTERNAL_ERROR":
        # NOTE: the one place a stack trace is logged; the client gets only the request id.
        log.error("unhandled error", request_id=request_id, path=req.path, method=req.method,
                  error_type=type(ex).__name__, exc_info=ex)
    elif status >= 500:
        log.error("dependency unavailable", request_id=request_id, path=req.path, method=req.method,
                  code=code, reason=str(ex))
    for name, value in headers.items():
        resp.set_header(name, value)
    envelope.write(resp, envelope.error_body(code, message, request_id, details), status)
