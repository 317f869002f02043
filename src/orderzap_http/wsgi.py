"""The WSGI entry point for production servers:
``gunicorn -k orderzap_http.worker.OrderZapWorker --threads 8 orderzap_http.wsgi:app``
(gunicorn's gthread worker, answering the requests gunicorn itself refuses with the JSON envelope).

Importing this module opens nothing: ``app`` builds the application on its first request, in the
worker that serves it (so pools are never shared across a fork, even with ``--preload``). It reads
the environment like ``orderzap serve`` and starts the same background loops (the outbox relay
unless ``ORDERZAP_RELAY=off``), but runs no migrations against DATABASE_URL: run
``orderzap db migrate`` first. On the embedded default (no DATABASE_URL) it migrates, as the CLI does.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Iterable
from typing import Any

from orderzap_http import logs
from orderzap_http.settings import Settings
from orderzap_http.worker import close_after_refused_body

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


class LazyApp:
    """A WSGI callable that builds the real app on first use, once per process."""

    def __init__(self, build: Callable[[], WsgiApp] | None = None) -> None:
        self._build = build or build_app
        self._app: WsgiApp | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Serve ``environ``, building the app first if this process has not yet."""
        app = self._app
        if app is None:
            with self._lock:
                if self._app is None:
                    self._app = self._build()
                app = self._app
        return app(environ, start_response)


def build_app() -> WsgiApp:
    """The Falcon app on this process's own runtime, with its background loops running."""
    from orderzap_http.app import create_app
    from orderzap_http.bootstrap import open_runtime
    from orderzap_http.server import WorkerState, background_loops

    settings = Settings.from_env()
    logs.configure(settings)
    runtime = open_runtime(settings, migrate=settings.embedded, check_schema=True,
                           max_size=settings.pool_max_size)
    state = WorkerState(runtime, background_loops(runtime, relay=settings.relay))
    for loop in state.loops:
        loop.start()
    atexit.register(state.stop, settings.graceful_timeout_seconds)
    return close_after_refused_body(create_app(runtime.services, settings, realtime=runtime.realtime))


app = LazyApp()
