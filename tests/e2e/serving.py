"""Helpers for the end-to-end suite: the real ``orderzap serve`` on the embedded PostgreSQL, and
the CLI beside it.

:class:`Server` starts ``orderzap serve --json`` in a subprocess on a temporary ORDERZAP_DATA_DIR
and a free port, reads the one JSON document it prints (URL, demo login, token), and waits for
``/health``. :class:`Api` drives it with httpx; :func:`orderzap` runs CLI commands against the same
data directory (they join the same embedded PostgreSQL). Server starts are costly (a few seconds
each), so each test module shares one.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx

#: Generous bounds for waiting on a process; they bound waits, they are not assertions on speed.
START_WAIT = 120.0
STOP_WAIT = 90.0
#: Variables of the developer's shell that would point the server elsewhere.
SCRUBBED = ("DATABASE_URL", "DATABASE_APP_URL", "JWT_SECRET", "JWT_EXPIRES_IN", "JWT_ISSUER",
            "JWT_AUDIENCE", "HOST", "PORT", "CONVEX_URL", "CONVEX_DEPLOYMENT", "CONVEX_ADMIN_KEY",
            "CONVEX_DEPLOY_KEY", "CACHE_READS", "LOG_DIR", "RATE_LIMIT_PER_MINUTE", "ALLOWED_ORIGINS",
            "WEB_CONCURRENCY", "ORDERZAP_THREADS", "ORDERZAP_RELAY", "PROMETHEUS_MULTIPROC_DIR",
            "ORDERZAP_REALTIME_KEY")


def orderzap_command() -> list[str]:
    """The installed ``orderzap`` script next to this Python, else ``python -m``."""
    script = Path(sys.executable).with_name("orderzap")
    return [str(script)] if script.exists() else [sys.executable, "-m", "orderzap_http.cli"]


def environment(data_dir: Path) -> dict[str, str]:
    """The process environment: this one without OrderZap settings, on ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if k not in SCRUBBED}
    env.update(ORDERZAP_DATA_DIR=str(data_dir), LOG_LEVEL="INFO", PYTHONUNBUFFERED="1")
    return env


def free_port() -> int:
    """A port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def orderzap(data_dir: Path, *args: str, stdin: str | None = None, check: bool = True,
             env: dict[str, str] | None = None) -> Any:
    """Run ``orderzap ARGS --json`` on ``data_dir``; the JSON document it printed (or the
    CompletedProcess when ``check`` is False)."""
    done = subprocess.run([*orderzap_command(), *args, "--json"],
                          env={**environment(data_dir), **(env or {})},
                          input=stdin, capture_output=True, text=True, timeout=START_WAIT,
                          stdin=None if stdin is not None else subprocess.DEVNULL)
    if not check:
        return done
    assert done.returncode == 0, f"orderzap {' '.join(args)} failed: {done.stderr}"
    return json.loads(done.stdout)


class Server:
    """One ``orderzap serve`` process."""

    def __init__(self, data_dir: Path, log_path: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.port = free_port()
        self.log_path = log_path
        self._log = log_path.open("ab")
        self.process = subprocess.Popen(
            [*orderzap_command(), "serve", "--port", str(self.port), "--workers", "2", "--json", *args],
            env={**environment(data_dir), **(env or {})}, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._log, start_new_session=True)
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        self.startup = self._startup_document()
        self.url: str = self.startup["url"]
        self._wait_until_healthy()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            self._lines.put(raw.decode())
        self._lines.put(None)

    def _startup_document(self) -> Any:
        text = ""
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline:
            try:
                line = self._lines.get(timeout=1.0)
            except queue.Empty:
                continue
            if line is None:
                raise AssertionError(f"orderzap serve exited early:\n{self.log()}")
            text += line
            try:
                return json.loads(text)
            except ValueError:
                continue
        raise AssertionError(f"no startup document from orderzap serve:\n{self.log()}")

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"orderzap serve exited with {self.process.returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=2.0).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"orderzap serve never became healthy:\n{self.log()}")

    def log(self) -> str:
        """What the server wrote to stderr so far."""
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(errors="replace")[-6000:]

    def terminate(self) -> int:
        """SIGTERM, then wait for the exit; the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(STOP_WAIT)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(STOP_WAIT)
            raise AssertionError(f"orderzap serve ignored SIGTERM:\n{self.log()}") from None
        finally:
            self._log.close()
        return code

    def kill_leftovers(self) -> None:
        """Last resort after a failed test: nothing of this server may outlive the session."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(STOP_WAIT)
        stop_embedded_postgres(self.data_dir)


def postgres_processes(data_dir: Path) -> list[int]:
    """Pids of PostgreSQL servers whose command line names a path inside ``data_dir``."""
    import psutil

    found = []
    for proc in psutil.process_iter(attrs=["name", "cmdline"]):
        cmdline = " ".join(proc.info.get("cmdline") or [])
        if proc.info.get("name") == "postgres" and str(data_dir) in cmdline:
            found.append(proc.pid)
    return found


def stop_embedded_postgres(data_dir: Path) -> None:
    """Stop a PostgreSQL left running in ``data_dir`` (only after a test already failed)."""
    import psutil

    for pid in postgres_processes(data_dir):
        try:
            psutil.Process(pid).terminate()
        except psutil.NoSuchProcess:
            pass


class Api:
    """httpx on the server, as one user when a token is given."""

    def __init__(self, url: str, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = httpx.Client(base_url=url, headers=headers, timeout=30.0)

    def login(self, slug: str, email: str, password: str) -> Api:
        """An Api acting as that user."""
        answer = self.client.post("/v1/auth/login", json={"restaurantSlug": slug, "email": email,
                                                         "password": password})
        assert answer.status_code == 200, answer.text
        return Api(str(self.client.base_url), answer.json()["data"]["token"])

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """The raw response."""
        return self.client.request(method, path, **kwargs)

    def ok(self, method: str, path: str, status: int = 200, **kwargs: Any) -> Any:
        """The ``data`` of a response that must have ``status``."""
        answer = self.client.request(method, path, **kwargs)
        assert answer.status_code == status, f"{method} {path}: {answer.status_code} {answer.text}"
        body = answer.json()
        assert body["success"] is True
        return body["data"]
