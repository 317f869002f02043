"""Operations, outside ``/v1`` and without authentication: ``/health``, ``/ready``, ``/metrics``.

Their bodies are bare status documents (no success envelope), as api.md shows them; their errors
(405, say) still use the error envelope.
"""

from __future__ import annotations

from typing import Any

import falcon

from orderzap_core.errors import OrderZapError
from orderzap_core.services import Services
from orderzap_http import envelope
from orderzap_http.logs import get_logger
from orderzap_http.metrics import CONTENT_TYPE, Metrics

log = get_logger("orderzap.health")


class HealthResource:
    """GET /health"""

    auth = False

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """200 while the process serves."""
        envelope.write(resp, {"status": "ok"})


class ReadyResource:
    """GET /ready"""

    auth = False

    def __init__(self, services: Services) -> None:
        self._services = services

    def _cache(self) -> str:
        cache = self._services.cache
        if not cache.enabled:
            return "disabled"
        try:
            return "ok" if cache.is_healthy() else "down"
        except Exception:  # noqa: BLE001 — a probe reports, it never fails
            return "down"

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """200 when the database answers (the cache only degrades reads), else 503."""
        outbox: dict[str, Any] | None
        try:
            stats = self._services.outbox.stats(self._services.clock.now())
        except OrderZapError as error:
            log.warning("readiness: database down", code=error.code)
            database, outbox = "down", None
        except Exception:  # noqa: BLE001 — a probe reports, it never fails
            log.exception("readiness: the outbox could not be read")
            database, outbox = "down", None
        else:
            database = "ok"
            outbox = {"pending": stats.pending, "oldestAgeSeconds": round(stats.oldest_age_seconds, 3),
                      "parked": stats.parked, "lastError": stats.last_error}
        body = {"database": database, "cache": self._cache(), "outbox": outbox}
        status = falcon.HTTP_200 if database == "ok" else falcon.HTTP_503
        if database != "ok":
            resp.set_header("Retry-After", "5")
        envelope.write(resp, body, status)


class MetricsResource:
    """GET /metrics"""

    auth = False

    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The Prometheus text format."""
        resp.content_type = CONTENT_TYPE
        resp.data = self._metrics.render()
