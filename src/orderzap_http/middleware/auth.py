"""Authentication: ``Authorization: Bearer <JWT>`` → ``req.context.principal``.

Runs once a route matched (``process_resource``), so an unknown route is a 404 whoever asks. It
skips a CORS preflight (``OPTIONS`` carries no token), resources marked ``auth = False`` (login,
health, readiness, metrics, the OpenAPI document) and a method the resource does not serve (that
is a 405, whoever asks: the route list is public in /openapi.json anyway).
"""

from __future__ import annotations

from typing import Any

import falcon

from orderzap_core.errors import Unauthenticated
from orderzap_http import logs
from orderzap_http.tokens import TokenService


def bearer_token(header: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header. Raises Unauthenticated."""
    if header is None:
        raise Unauthenticated("authentication required: send Authorization: Bearer <token>")
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or " " in token:
        raise Unauthenticated("the Authorization header must be: Bearer <token>")
    return token


def needs_auth(req: falcon.Request, resource: Any) -> bool:
    """Whether this request to ``resource`` must present a token."""
    if req.method == "OPTIONS" or not getattr(resource, "auth", True):
        return False
    return callable(getattr(resource, f"on_{req.method.lower()}", None))


class Authentication:
    """Turns the bearer token into the request's Principal."""

    def __init__(self, tokens: TokenService) -> None:
        self._tokens = tokens

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         params: dict[str, Any]) -> None:
        """Verify the token. Raises Unauthenticated."""
        req.context.principal = None
        if not needs_auth(req, resource):
            return
        principal = self._tokens.verify(bearer_token(req.get_header("Authorization")))
        req.context.principal = principal
        logs.bind(restaurant_id=str(principal.restaurant_id), user_id=str(principal.user_id))
