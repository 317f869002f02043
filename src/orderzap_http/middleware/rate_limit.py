"""Per-restaurant request budget (RATE_LIMIT_PER_MINUTE): 429 RATE_LIMITED with Retry-After.

A fixed one-minute window per restaurant, counted in this process (each gunicorn worker keeps its
own count, so the budget of a deployment is the setting times the number of workers; a shared
budget belongs in the load balancer or a later shared store). Every authenticated answer carries
``RateLimit-Limit``, ``RateLimit-Remaining`` and ``RateLimit-Reset`` (seconds until the window
ends); unauthenticated routes (login, health) are not counted.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Any

import falcon

from orderzap_core.ids import RestaurantId
from orderzap_http.errors import RateLimited

WINDOW_SECONDS = 60.0


class RateLimit:
    """Counts each restaurant's requests per window; refuses those over ``per_minute``."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self._limit = per_minute
        self._clock = clock
        self._windows: dict[RestaurantId, tuple[float, int]] = {}
        self._lock = threading.Lock()

    def take(self, restaurant_id: RestaurantId) -> tuple[int, float]:
        """Count one request; the number left (negative: over budget) and seconds to reset."""
        now = self._clock()
        with self._lock:
            start, used = self._windows.get(restaurant_id, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, used = now, 0
            used += 1
            self._windows[restaurant_id] = (start, used)
            if len(self._windows) > 10_000:        # NOTE: forget windows that ended, bounded memory
                self._windows = {r: w for r, w in self._windows.items() if now - w[0] < WINDOW_SECONDS}
        return self._limit - used, max(0.0, start + WINDOW_SECONDS - now)

    def process_resource(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         params: dict[str, Any]) -> None:
        """Spend one request of the caller's restaurant. Raises RateLimited."""
        principal = getattr(req.context, "principal", None)
        if principal is None:
            return
        left, reset = self.take(principal.restaurant_id)
        headers = {
            "RateLimit-Limit": str(self._limit),
            "RateLimit-Remaining": str(max(0, left)),
            "RateLimit-Reset": str(math.ceil(reset)),
        }
        req.context.rate_limit_headers = headers
        if left < 0:
            raise RateLimited(max(1, math.ceil(reset)), headers)

    def process_response(self, req: falcon.Request, resp: falcon.Response, resource: Any,
                         req_succeeded: bool) -> None:
        """Tell the client its budget."""
        for name, value in (getattr(req.context, "rate_limit_headers", None) or {}).items():
            resp.set_header(name, value)
