"""``orderzap serve``: gunicorn with threaded workers, the in-process relay, and a graceful stop.

The master process starts (or joins) the database, migrates it as the owner, runs the caller's
``prepare`` step (the embedded demo's first-start seed), and then runs gunicorn. Each worker opens
its own pools after the fork (gunicorn loads the app in the worker: no ``preload_app``), serves
with ``gthread`` threads, and runs two background threads: the outbox relay (unless ``--no-relay``;
several relays are safe, they claim rows with ``SKIP LOCKED``) and the cache-repair loop, which must
live in the worker whose reads queued the repairs.

SIGTERM (or SIGINT) stops gracefully: gunicorn stops accepting, lets in-flight requests finish
within ``ORDERZAP_GRACEFUL_TIMEOUT``, each worker then stops its threads and closes its pools, and
the master finally leaves the embedded PostgreSQL, which stops when no other process (a CLI
command in the same data directory) still uses it.
"""

from __future__ import annotations

import logging
import math
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from types import FrameType
from typing import Any

from attrs import define, field
from gunicorn.app.base import BaseApplication

from orderzap_core.errors import OrderZapError
from orderzap_core.ports.idempotency import IDEMPOTENCY_TTL
from orderzap_http import logs
from orderzap_http.bootstrap import Endpoints, Runtime, StartupError, open_runtime, start_database
from orderzap_http.settings import Settings
from orderzap_http.worker import close_after_refused_body

#: Seconds a background loop waits after an unexpected error before trying again.
ERROR_PAUSE = 5.0
#: gunicorn's exit code for a worker that could not boot (the master then stops).
WORKER_BOOT_ERROR = 3
#: After a commit wakes the relay, it waits this long for more commits to join its batch: under
#: load one step then carries many rows instead of one (a step costs two round trips).
RELAY_GATHER = 0.01
#: How often stale idempotency keys are purged.
PURGE_EVERY = timedelta(hours=1)


@define
class Loop:
    """A daemon thread repeating ``step`` (which returns the seconds to wait) until stopped;
    :meth:`wake` cuts a wait short."""

    name: str
    step: Callable[[], float]
    #: Seconds to let more work gather after a wake before stepping (0: step at once).
    gather: float = 0.0
    _signal: threading.Event = field(factory=threading.Event)
    _stopping: bool = False
    _thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the thread."""
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Run the next step now instead of at the end of the current wait."""
        self._signal.set()

    def stop(self, timeout: float) -> bool:
        """Ask the loop to stop and wait up to ``timeout`` seconds; False if it is still busy."""
        self._stopping = True
        self._signal.set()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _run(self) -> None:
        log = logs.get_logger("orderzap.server")
        while not self._stopping:
            try:
                wait = self.step()
            except OrderZapError as error:       # the database is down: try again later
                log.warning("background step failed", loop=self.name, error=error.message)
                wait = ERROR_PAUSE
            except Exception:  # noqa: BLE001 — a loop must outlive one bad step; logged with its trace
                log.exception("background step crashed", loop=self.name)
                wait = ERROR_PAUSE
            if not self._stopping:
                woken = self._signal.wait(max(wait, 0.0))
                self._signal.clear()
                if woken and self.gather and not self._stopping:
                    time.sleep(self.gather)
                    if not self._stopping:
                        self._signal.clear()    # those wakes' work is what the next step takes


def relay_loop(runtime: Runtime) -> Loop:
    """The outbox relay as a loop, woken by every commit of this process that queued a snapshot;
    its idle wait is the sweep that picks up other processes' commits."""
    relay = runtime.services.relay
    loop = Loop("orderzap-relay", lambda: relay.step().wait_seconds, gather=RELAY_GATHER)
    runtime.database.on_outbox = loop.wake
    return loop


def background_loops(runtime: Runtime, *, relay: bool) -> list[Loop]:
    """The loops a worker runs: the outbox relay (optional), cache repairs and housekeeping."""
    services = runtime.services
    loops = [
        Loop("orderzap-repairs", lambda: 0.0 if services.reads.run_repairs() else 1.0),
        Loop("orderzap-housekeeping", lambda: _purge(runtime)),
    ]
    if relay:
        loops.insert(0, relay_loop(runtime))
    return loops


def _purge(runtime: Runtime) -> float:
    runtime.services.directory.purge_idempotency(runtime.services.clock.now() - IDEMPOTENCY_TTL)
    return PURGE_EVERY.total_seconds()


class WorkerState:
    """One worker's runtime and loops (a module global per process: each worker has its own)."""

    def __init__(self, runtime: Runtime, loops: list[Loop]) -> None:
        self.runtime = runtime
        self.loops = loops

    def stop(self, timeout: float) -> None:
        """Stop the loops, then close the pools."""
        log = logs.get_logger("orderzap.server")
        for loop in self.loops:
            if not loop.stop(timeout):
                log.warning("background loop did not stop in time", loop=loop.name)
        self.runtime.close()


class OrderZapApplication(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured from Settings; the WSGI app is built in each worker after the fork."""

    def __init__(self, settings: Settings, endpoints: Endpoints) -> None:
        self._settings = settings
        self._endpoints = endpoints
        self._worker: WorkerState | None = None
        super().__init__()

    def load_config(self) -> None:
        """gunicorn's settings from ours."""
        s = self._settings
        config: dict[str, Any] = {
            "bind": [bind_address(s.host, s.port)],
            "workers": s.workers,
            "worker_class": "orderzap_http.worker.OrderZapWorker",   # gthread, answering in JSON
            "threads": s.threads,
            "graceful_timeout": math.ceil(s.graceful_timeout_seconds),
            "timeout": 30,
            "keepalive": 5,
            # NOTE: gunicorn's defaults (8190-byte header fields, 4094-byte request lines) answer a
            # long token or URL with its own HTML 431/414 before the app sees it; with room to
            # spare, the app refuses them through the error envelope (401, 404 or 400) instead.
            "limit_request_field_size": 32768,
            "limit_request_line": 8190,
            "proc_name": "orderzap",
            "preload_app": False,
            "accesslog": None,         # the app logs one line per request itself
            "errorlog": "-",
            "logger_class": "orderzap_http.gunicorn_logs.RoutedLogger",   # LOG_FORMAT for its lines too
            "loglevel": s.log_level.lower(),
            "post_worker_init": self._post_worker_init,
            "worker_exit": self._worker_exit,
            "child_exit": _child_exit,
        }
        if "control_socket_disable" in self.cfg.settings:
            # NOTE: gunicorn >= 26 opens ~/.gunicorn/gunicorn.ctl by default, one path shared by every
            # server of the user: two servers (tests, two data directories) would fight over it.
            config["control_socket_disable"] = True
        for key, value in config.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        """The Falcon app on this worker's own pools (runs in the worker, after the fork)."""
        from orderzap_http.app import create_app

        logs.configure(self._settings)
        quiet_libraries(self._settings)
        try:
            runtime = open_runtime(self._settings, endpoints=self._endpoints,
                                   max_size=self._settings.threads + 2)
        except (OrderZapError, StartupError) as error:
            # NOTE: one line, then gunicorn's "worker failed to boot" stops the server (exit 3);
            # an exception would make gunicorn print a stack trace instead.
            logs.get_logger("orderzap.server").error("worker cannot open the database",
                                                     error=str(error))
            sys.exit(WORKER_BOOT_ERROR)
        self._worker = WorkerState(runtime, background_loops(runtime, relay=self._settings.relay))
        app = create_app(runtime.services, self._settings, realtime=runtime.realtime)
        return close_after_refused_body(app)

    def _post_worker_init(self, worker: Any) -> None:
        if self._worker is not None:
            for loop in self._worker.loops:
                loop.start()

    def _worker_exit(self, server: Any, worker: Any) -> None:
        state, self._worker = self._worker, None
        if state is not None:
            state.stop(self._settings.graceful_timeout_seconds)


def _child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def bind_address(host: str, port: int) -> str:
    """gunicorn's bind string (IPv6 hosts in brackets)."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def check_port(host: str, port: int) -> None:
    """Raise StartupError now, in one line, if ``host:port`` cannot be listened on."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise StartupError(f"cannot listen on {bind_address(host, port)}: "
                               f"{error.strerror or error}") from None


def _stop_during_startup(signum: int, frame: FrameType | None) -> None:
    # NOTE: until gunicorn installs its own handlers, SIGTERM must still unwind through the
    # finally blocks below, or the embedded PostgreSQL would outlive us.
    raise SystemExit(128 + signum)


def run(settings: Settings, prepare: Callable[[Runtime], None] | None = None) -> None:
    """Serve until stopped: start the database, migrate it as the owner, run ``prepare`` (in the
    master, before any worker exists), then gunicorn. Raises StartupError; exits via SystemExit."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _stop_during_startup)
    master = os.getpid()
    metrics_dir = _multiprocess_metrics_dir()
    logs.configure(settings)
    quiet_libraries(settings)
    database = None
    try:
        check_port(settings.host, settings.port)
        database = start_database(settings)
        owner = open_runtime(settings, endpoints=database.endpoints, migrate=True, max_size=2)
        try:
            if prepare is not None:
                prepare(owner)
        finally:
            owner.close()       # nothing open may cross the fork
        # gunicorn now installs its own signal handlers: SIGTERM is a graceful stop from here on.
        OrderZapApplication(settings, database.endpoints).run()
    finally:
        # NOTE: a worker is forked inside .run() and a worker that leaves (SIGHUP, a restart)
        # unwinds through here too: only the master may leave the database and remove the metrics
        # the other workers still write.
        if os.getpid() == master:
            if database is not None:
                database.stop()
            if metrics_dir is not None:
                shutil.rmtree(metrics_dir, ignore_errors=True)
        sys.stdout.flush()


def quiet_libraries(settings: Settings) -> None:
    """pgserver logs every initdb and pg_ctl run at INFO: keep that for LOG_LEVEL=DEBUG."""
    if settings.log_level != "DEBUG":
        logging.getLogger("pgserver").setLevel(logging.WARNING)


def _multiprocess_metrics_dir() -> str | None:
    """Point prometheus-client at a fresh directory shared by the workers, unless one is set.
    Must happen before prometheus_client is imported (it reads the variable on import)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    path = tempfile.mkdtemp(prefix="orderzap-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = path
    return path
