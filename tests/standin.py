"""The local Convex stand-in as a real child process, for the adapter's and the end-to-end tests.

``StandIn`` runs ``node --import tsx standin/main.ts --port N --admin-key K`` from the repository
root, reads the one JSON line it prints (``{"url", "adminKey"}``), and drives its control
endpoints (``/_standin/reset``, ``/_standin/fault``, ``/_standin/documents``). ``stop()`` and
``start()`` again keep the port, so a client configured once sees an outage and a recovery.

Fixtures (``tests/conftest.py`` imports them, so every suite has them):
- ``standin_server``: one stand-in per session, started on first use;
- ``standin``: that stand-in, running (started again if a test stopped it), with its fault
  cleared and its tables emptied before the test.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Bounds on waiting for the process; not assertions on speed (node + tsx + convex-test load in ~1-2 s).
START_WAIT = 60.0
STOP_WAIT = 10.0
ADMIN_KEY = "standin-test-admin-key"


class StandInUnavailable(RuntimeError):
    """The stand-in cannot be started here (no node, no node_modules, no standin/)."""


def preflight(root: Path = ROOT) -> None:
    """Raise StandInUnavailable, saying what to do, when the stand-in cannot start from ``root``."""
    if shutil.which("node") is None:
        raise StandInUnavailable("node is not on PATH: the Convex stand-in needs Node.js >= 20")
    if not (root / "node_modules" / "tsx").is_dir() or not (root / "node_modules" / "convex-test").is_dir():
        raise StandInUnavailable(f"node_modules is missing or incomplete in {root}: run `npm ci` there "
                                 "(scripts/bootstrap does) before the Convex tests")
    if not (root / "standin" / "main.ts").is_file():
        raise StandInUnavailable(f"{root / 'standin' / 'main.ts'} does not exist")


class StandIn:
    """One stand-in process (or none, between ``stop()`` and ``start()``)."""

    def __init__(self, *, admin_key: str = ADMIN_KEY, port: int = 0, status_560: bool = False,
                 env: dict[str, str] | None = None) -> None:
        self.admin_key = admin_key
        self.port = port
        self.status_560 = status_560
        self._env = env or {}
        self._process: subprocess.Popen[bytes] | None = None
        self._log = tempfile.NamedTemporaryFile(prefix="standin-", suffix=".log", delete=False)
        self._control = httpx.Client(timeout=10.0)
        self.url = ""

    # --- the process -----------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self) -> StandIn:
        """Start the process (on the port it had before, if any) and wait for its line."""
        preflight()
        if self.is_running:
            return self
        command = ["node", "--import", "tsx", "standin/main.ts", "--port", str(self.port),
                   "--admin-key", self.admin_key]
        if self.status_560:
            command.append("--status-560")
        self._process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **self._env}, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=self._log, start_new_session=True)
        announced = self._announcement()
        self.url = announced["url"].rstrip("/")
        assert announced["adminKey"] == self.admin_key, announced
        self.port = httpx.URL(self.url).port or self.port
        return self

    def _announcement(self) -> dict[str, Any]:
        process = self._process
        assert process is not None and process.stdout is not None
        lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=_pump, args=(process.stdout, lines), daemon=True).start()
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=0.2)
            except queue.Empty:
                if process.poll() is not None:
                    raise StandInUnavailable(
                        f"the stand-in exited with {process.returncode}:\n{self.log()}") from None
                continue
            if not line:
                raise StandInUnavailable(f"the stand-in closed its stdout:\n{self.log()}")
            try:
                found = json.loads(line)
            except ValueError:
                raise StandInUnavailable(f"the stand-in printed {line!r}, not its JSON line") from None
            if not isinstance(found, dict) or not isinstance(found.get("url"), str):
                raise StandInUnavailable(f"the stand-in printed {line!r}, not {{url, adminKey}}")
            return found
        self.stop()
        raise StandInUnavailable(f"no line from the stand-in within {START_WAIT}s:\n{self.log()}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it lingers; the port is free again afterwards."""
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(STOP_WAIT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(STOP_WAIT)

    def restart(self) -> StandIn:
        """Stop and start on the same port: an outage, then an empty mirror."""
        self.stop()
        return self.start()

    def close(self) -> None:
        """Stop the process and drop its log."""
        self.stop()
        self._control.close()
        self._log.close()
        Path(self._log.name).unlink(missing_ok=True)

    def log(self) -> str:
        """The end of what the process wrote to stderr."""
        self._log.flush()
        return Path(self._log.name).read_text(errors="replace")[-4000:]

    # --- control ---------------------------------------------------------------------------------

    def reset(self) -> None:
        """Empty every table."""
        self._post("/_standin/reset", {})

    def fault(self, mode: str, **options: Any) -> None:
        """Fail every /api call: ``down``, ``slow`` (``delayMs``), ``status`` (``status``, ``body``),
        ``garbage``; ``paths`` limits it. ``none`` heals."""
        self._post("/_standin/fault", {"mode": mode, **options})

    def heal(self) -> None:
        """Answer normally again."""
        self.fault("none")

    def documents(self) -> list[dict[str, Any]]:
        """Every stored order document."""
        answer = self._control.get(f"{self.url}/_standin/documents")
        answer.raise_for_status()
        body = answer.json()
        # NOTE: the spec says "every stored order doc"; take a bare list or one wrapped in an object.
        found = body if isinstance(body, list) else body.get("documents", body.get("orders"))
        assert isinstance(found, list), body
        return found

    def _post(self, path: str, body: dict[str, Any]) -> None:
        answer = self._control.post(f"{self.url}{path}", json=body)
        assert answer.status_code < 300, f"{path}: {answer.status_code} {answer.text}"


def _pump(stream: Any, lines: queue.Queue[bytes]) -> None:
    """Hand on stdout lines (and keep the pipe drained so the process never blocks on it)."""
    for line in stream:
        lines.put(line)
    lines.put(b"")


@pytest.fixture(scope="session")
def standin_server() -> Iterator[StandIn]:
    """The session's stand-in process, started on first use. Fails (never skips) when it cannot start."""
    server = StandIn()
    problem = None
    try:
        server.start()
    except StandInUnavailable as error:
        problem = str(error)
    if problem is not None:
        server.close()
        pytest.fail(problem, pytrace=False)
    yield server
    server.close()


@pytest.fixture
def standin(standin_server: StandIn) -> StandIn:
    """The stand-in, running, healed and empty."""
    if not standin_server.is_running:
        standin_server.start()
    standin_server.heal()
    standin_server.reset()
    return standin_server
