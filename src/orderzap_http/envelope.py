"""The response envelopes of api.md: success, list (with ``page``) and error, and the headers that
go with one order (``ETag``, ``Location``)."""

from __future__ import annotations

from typing import Any

import falcon

from orderzap_http.media import JSON_UTF8, dumps


def write(resp: falcon.Response, body: Any, status: str | int = falcon.HTTP_200) -> None:
    """Set ``resp`` to ``body`` as UTF-8 JSON with ``status``."""
    resp.status = status
    resp.content_type = JSON_UTF8
    resp.data = dumps(body)


def etag(version: int) -> str:
    """The entity tag of an order version: the version, quoted."""
    return f'"{version}"'


def single(resp: falcon.Response, data: Any, *, status: str | int = falcon.HTTP_200,
           version: int | None = None, location: str | None = None) -> None:
    """``{"success": true, "data": ...}``, with the ETag of ``version`` and a Location when given."""
    if version is not None:
        resp.set_header("ETag", etag(version))
    if location is not None:
        resp.set_header("Location", location)
    write(resp, {"success": True, "data": data}, status)


def listing(resp: falcon.Response, items: list[Any], *, next_cursor: str | None, limit: int,
            status: str | int = falcon.HTTP_200) -> None:
    """``{"success": true, "data": [...], "page": {"nextCursor": ..., "limit": N}}``."""
    write(resp, {"success": True, "data": items, "page": {"nextCursor": next_cursor, "limit": limit}},
          status)


def error_body(code: str, message: str, request_id: str,
               details: list[dict[str, str]] | None = None) -> dict[str, Any]:
    """The error envelope; ``details`` only for validation errors."""
    error: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        error["details"] = details
    error["requestId"] = request_id
    return {"success": False, "error": error}
