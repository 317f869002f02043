"""415 for a request body that is not JSON: a POST, PUT or PATCH that carries a body must say
``Content-Type: application/json`` (optionally ``; charset=utf-8``). A body-less request (such as
``POST /v1/orders/{id}/restore``) needs no content type."""

from __future__ import annotations

from typing import Any

import falcon

from orderzap_http.errors import UnsupportedMediaType

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def is_json(content_type: str | None) -> bool:
    """Whether ``content_type`` is ``application/json`` with at most a UTF-8 charset."""
    if content_type is None:
        return False
    media_type, *params = (part.strip() for part in content_type.split(";"))
    if media_type.lower() != "application/json":
        return False
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() != "charset" or value.strip().strip('"').lower() not in ("utf-8", "utf8"):
            return False
    return True


class JsonBodies:
    """Checks the content type of request bodies once a route matched."""

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         params: dict[str, Any]) -> None:
        """Raise UnsupportedMediaType for a non-JSON body."""
        if req.method not in _WITH_BODY or not req.content_length:
            return
        if not is_json(req.content_type):
            raise UnsupportedMediaType()
