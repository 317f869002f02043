"""CORS for the origins of ALLOWED_ORIGINS (Falcon's middleware), preflight included; any other
origin gets no CORS header at all."""

from __future__ import annotations

from collections.abc import Iterable

import falcon

#: Response headers a browser front end may read (api.md, "CORS").
EXPOSED_HEADERS = (
    "ETag", "Location", "X-Request-Id", "X-Cache", "Idempotent-Replayed", "Retry-After",
    "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset",
)


class Cors(falcon.CORSMiddleware):  # type: ignore[type-arg]
    """Falcon's CORS policy, plus ``Vary: Origin`` so caches keep per-origin answers apart."""

    def __init__(self, origins: Iterable[str]) -> None:
        allowed = tuple(origins)
        # NOTE: "*" alone means every origin; Falcon refuses it inside a list.
        super().__init__(allow_origins="*" if "*" in allowed else allowed, expose_headers=EXPOSED_HEADERS)

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: object,
                         req_succeeded: bool) -> None:
        """Apply the policy."""
        super().process_response(req, resp, resource, req_succeeded)
        if req.get_header("Origin") is not None:
            resp.append_header("Vary", "Origin")

