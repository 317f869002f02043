"""``/v1/realtime/token``: short-lived ES256 tokens for screens that subscribe to the Convex
mirror directly. Without a configured mirror the route answers 404 to every authenticated caller."""

from __future__ import annotations

import falcon

from orderzap_core.errors import NotFound
from orderzap_core.wire import rfc3339
from orderzap_http import envelope
from orderzap_http.realtime import RealtimeTokens
from orderzap_http.resources import parsing


class RealtimeTokenResource:
    """POST /v1/realtime/token"""

    def __init__(self, tokens: RealtimeTokens | None) -> None:
        self._tokens = tokens

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """A token Convex accepts for the caller's restaurant, and the deployment's URL (any role).
        404 NOT_FOUND while no mirror is configured. Takes no body, or ``{}``; a field is 422."""
        if self._tokens is None:
            raise NotFound("realtime mirror")
        parsing.no_fields(req)
        issued = self._tokens.issue(req.context.principal)
        # SECURITY: a bearer credential: no browser or proxy cache may keep it.
        resp.set_header("Cache-Control", "no-store")
        envelope.single(resp, {"token": issued.token, "expiresAt": rfc3339(issued.expires_at),
                               "convexUrl": self._tokens.convex_url})
