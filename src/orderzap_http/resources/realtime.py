"""``/v1/realtime/token``: short-lived ES256 tokens for screens that subscribe to the Convex
mirror. No mirror can be configured yet, so the route answers 404 to every authenticated caller."""

from __future__ import annotations

import falcon

from orderzap_core.errors import NotFound


class RealtimeTokenResource:
    """POST /v1/realtime/token"""

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """404 NOT_FOUND while no realtime mirror is configured."""
        # TODO(#6): mint the ES256 token once the Convex mirror is configured.
        raise NotFound("realtime mirror")
