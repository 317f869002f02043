"""Strict parsing of what a request carries besides its body's fields: query parameters, the
If-Match and Idempotency-Key headers, and the body's outer shape. Anything malformed is a 400
BAD_REQUEST naming the parameter or header; nothing is guessed or coerced."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import falcon

from orderzap_core.commands import ListOrders
from orderzap_core.domain.pagination import DEFAULT_LIMIT, MAX_LIMIT, MIN_LIMIT, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import BadRequest, Problem, ValidationFailed
from orderzap_core.services.orders import check_idempotency_key
from orderzap_http import media

_VERSION = r"[1-9][0-9]{0,17}"
# "3", W/"3" (a weak tag compares equal here: versions are the only tags we issue) or a bare 3.
_IF_MATCH = re.compile(rf'(?:W/)?"({_VERSION})"|({_VERSION})')
_POSITIVE = re.compile(_VERSION)
_RFC3339 = re.compile(
    r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})")


def json_object(req: falcon.Request) -> dict[str, Any]:
    """The body, which must be a JSON object. Raises BadRequest (not JSON, not an object)."""
    # NOTE: parsed here rather than by req.get_media(): Falcon picks a media handler by a
    # case-sensitive match of the Content-Type, and JsonBodies already checked it (any case).
    return _object(req.bounded_stream.read())


def no_fields(req: falcon.Request) -> None:
    """Check the body of a request that takes no fields: none, or ``{}``. Raises BadRequest (not
    JSON, not an object) and ValidationFailed naming every field given."""
    raw = req.bounded_stream.read()
    if not raw:
        return
    given = _object(raw)
    if given:
        raise ValidationFailed([Problem(key, "is not a field of this request", literal=True)
                                for key in given])


def _object(raw: bytes) -> dict[str, Any]:
    body = media.loads(raw)
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


def expected_version(req: falcon.Request) -> int | None:
    """The version named by ``If-Match`` (``"3"``, ``W/"3"`` or ``3``); None when absent or ``*``.
    Raises BadRequest for anything else (lists included)."""
    header = req.get_header("If-Match")
    if header is None:
        return None
    value = header.strip()
    if value == "*":
        return None
    match = _IF_MATCH.fullmatch(value)
    if match is None:
        raise BadRequest('If-Match must be the ETag of one order version, such as "3"')
    return int(match.group(1) or match.group(2))


def idempotency_key(req: falcon.Request) -> str | None:
    """The ``Idempotency-Key`` header. Raises BadRequest unless 1-255 printable ASCII characters."""
    key = req.get_header("Idempotency-Key")
    if key is not None:
        check_idempotency_key(key)
    return key


def single(req: falcon.Request, name: str) -> str | None:
    """A query parameter given at most once. Raises BadRequest when repeated."""
    value = req.params.get(name)
    if isinstance(value, list):
        raise BadRequest(f"query parameter {name} may be given only once")
    return value


def boolean(req: falcon.Request, name: str) -> bool | None:
    """``true`` or ``false``; None when absent. Raises BadRequest for anything else."""
    value = single(req, name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise BadRequest(f"query parameter {name} must be true or false")
    return value == "true"


def positive(req: falcon.Request, name: str) -> int | None:
    """A positive integer written in plain digits; None when absent. Raises BadRequest."""
    value = single(req, name)
    if value is None:
        return None
    if not _POSITIVE.fullmatch(value):
        raise BadRequest(f"query parameter {name} must be a positive integer")
    return int(value)


def limit(req: falcon.Request) -> int:
    """``limit``: 1-200, default 50. Raises BadRequest."""
    value = single(req, "limit")
    if value is None:
        return DEFAULT_LIMIT
    if not re.fullmatch(r"[0-9]{1,4}", value) or not MIN_LIMIT <= int(value) <= MAX_LIMIT:
        raise BadRequest(f"query parameter limit must be an integer between {MIN_LIMIT} and {MAX_LIMIT}")
    return int(value)


def timestamp(req: falcon.Request, name: str) -> datetime | None:
    """An RFC 3339 timestamp with a zone (``2026-11-24T12:00:00Z``); None when absent. Raises
    BadRequest. (A ``+`` offset must be sent as ``%2B`` in a query string.)"""
    value = single(req, name)
    if value is None:
        return None
    match = _RFC3339.fullmatch(value)
    if match is None:
        raise BadRequest(f"query parameter {name} must be an RFC 3339 timestamp, such as "
                         "2026-11-24T12:00:00Z")
    day, time, fraction, zone = match.groups()
    zone = "+00:00" if zone in ("Z", "z") else zone
    micro = f".{(fraction or '0')[:6]:0<6}"
    try:
        return datetime.fromisoformat(f"{day}T{time}{micro}{zone}").astimezone(UTC)
    except ValueError:
        raise BadRequest(f"query parameter {name} is not a valid date and time") from None


def statuses(req: falcon.Request) -> tuple[OrderStatus, ...]:
    """``status``: one status, a comma-separated list (``status=received,preparing``, the OpenAPI
    form), the parameter repeated (``status=received&status=preparing``, what many generated
    clients send), or both at once; duplicates collapse. Raises BadRequest for an unknown one."""
    value = req.params.get("status")
    if value is None:
        return ()
    known = {s.value: s for s in OrderStatus}
    names = [name for part in (value if isinstance(value, list) else [value]) for name in part.split(",")]
    if not all(name in known for name in names):
        raise BadRequest("query parameter status must be one or more of "
                         + ", ".join(known) + ", separated by commas or repeated")
    return tuple(dict.fromkeys(known[name] for name in names))


def sort(req: falcon.Request) -> Sort:
    """``sort``: ``createdAt`` or ``-createdAt`` (the default). Raises BadRequest."""
    value = single(req, "sort")
    if value is None:
        return Sort.NEWEST_FIRST
    for member in Sort:
        if member.value == value:
            return member
    raise BadRequest("query parameter sort must be createdAt or -createdAt")


def cursor(req: falcon.Request) -> str | None:
    """``cursor``: opaque; the use case refuses one this server did not issue."""
    return single(req, "cursor")


def list_orders(req: falcon.Request) -> ListOrders:
    """The query of ``GET /v1/orders``. Raises BadRequest naming the first bad parameter."""
    return ListOrders(
        statuses=statuses(req), created_after=timestamp(req, "createdAfter"),
        created_before=timestamp(req, "createdBefore"), limit=limit(req), sort=sort(req),
        cursor=cursor(req), include_deleted=bool(boolean(req, "includeDeleted")))
