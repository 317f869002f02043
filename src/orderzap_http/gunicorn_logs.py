"""gunicorn's own log lines ("Starting gunicorn", "Booting worker", "Handling signal") through the
root logger, so they leave in the one format ``LOG_FORMAT`` chose (JSON lines for a log shipper)
instead of gunicorn's ``[time] [pid] [LEVEL]`` text."""

from __future__ import annotations

from typing import Any

from gunicorn import glogging


class RoutedLogger(glogging.Logger):
    """gunicorn's logger with its handlers taken away: its records propagate to the root logger,
    whose handlers :func:`orderzap_http.logs.configure` installed in this process."""

    def setup(self, cfg: Any) -> None:
        """gunicorn's levels, none of its handlers (re-run on every configuration reload)."""
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True
