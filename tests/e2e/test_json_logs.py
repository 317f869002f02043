"""``LOG_FORMAT=json`` is JSON lines from start to stop: the app's events, gunicorn's own lines
(start, worker boots, signals) and the start-up banner, which becomes one event without secrets."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from tests.e2e.serving import START_WAIT, STOP_WAIT, environment, free_port, orderzap_command


def _serve(data_dir: Path, *flags: str) -> tuple[list[str], list[str]]:
    """Run ``orderzap serve`` with JSON logs until healthy, make one request, stop it with SIGTERM;
    its stdout and stderr lines."""
    port = free_port()
    env = {**environment(data_dir), "LOG_FORMAT": "json"}
    process = subprocess.Popen([*orderzap_command(), "serve", "--port", str(port), "--workers", "2", *flags],
                               env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + START_WAIT
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health", timeout=2.0).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        httpx.get(f"http://127.0.0.1:{port}/v1/orders", timeout=5.0)   # a 401, logged
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=STOP_WAIT)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    return out.splitlines(), err.splitlines()


def _objects(lines: list[str]) -> list[dict[str, Any]]:
    objects = []
    for line in lines:
        try:
            value = json.loads(line)
        except ValueError:
            raise AssertionError(f"not a JSON line: {line!r}") from None
        assert isinstance(value, dict), line
        objects.append(value)
    return objects


def test_every_line_is_one_json_object_gunicorn_and_the_banner_included(tmp_path: Path) -> None:
    out, err = _serve(tmp_path / "data")
    assert out == []
    events = _objects(err)
    said = [str(event.get("event")) for event in events]
    assert any(e.startswith("Starting gunicorn") for e in said)
    assert any(e.startswith("Booting worker") for e in said)
    assert any(e.startswith("Handling signal") for e in said)
    assert any(e == "request" for e in said)
    [banner] = [event for event in events if event.get("event") == "serving"]
    assert banner["url"].startswith("http://127.0.0.1:")
    assert banner["demo"]["restaurantSlug"] == "demo"
    assert "orderzap token issue" in banner["demo"]["tokenCommand"]
    login = json.loads((tmp_path / "data" / "demo-login.json").read_text())
    assert not any(login["password"] in line for line in err), "the demo password reached the logs"
    assert not any("eyJ" in line for line in err), "a token reached the logs"


def test_with_json_the_startup_document_is_one_line_on_stdout(tmp_path: Path) -> None:
    out, err = _serve(tmp_path / "data", "--json")
    [document] = _objects(out)
    assert document["demo"]["token"].startswith("eyJ")
    _objects(err)
