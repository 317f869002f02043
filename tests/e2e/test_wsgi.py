"""The production entry point: plain gunicorn on ``orderzap_http.wsgi:app`` (here on the embedded
PostgreSQL), built in each worker on first use, stopped by SIGTERM without leaving anything behind."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.serving import (
    START_WAIT,
    STOP_WAIT,
    Api,
    environment,
    free_port,
    orderzap,
    postgres_processes,
    stop_embedded_postgres,
)

pytestmark = pytest.mark.e2e


def test_gunicorn_serves_the_wsgi_entry_and_stops_cleanly(data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    process = subprocess.Popen(
        [str(gunicorn), "-k", "orderzap_http.worker.OrderZapWorker", "--threads", "4", "-w", "2",
         "-b", f"127.0.0.1:{port}",
         "--graceful-timeout", "10", "--no-control-socket", "orderzap_http.wsgi:app"],
        env=environment(data_dir), stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_WAIT
        ready = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                ready = httpx.get(f"{url}/ready", timeout=30.0)
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert ready is not None and ready.status_code == 200, (tmp_path / "gunicorn.log").read_text()
        made = orderzap(data_dir, "demo")
        admin = next(login for login in made["logins"] if login["role"] == "admin")
        api = Api(url).login(made["restaurant"]["slug"], admin["email"], admin["password"])
        item = next(i for i in made["menuItems"] if i["isAvailable"])
        order = api.ok("POST", "/v1/orders", 201, json={
            "customerName": "Ada", "customerPhone": "+14155550123", "paymentMethod": "card",
            "items": [{"menuItemId": item["id"], "quantity": 1}]})
        assert api.ok("GET", f"/v1/orders/{order['id']}")["version"] == 1
    finally:
        process.send_signal(signal.SIGTERM)
        code = process.wait(STOP_WAIT)
        log.close()
    assert code == 0
    deadline = time.monotonic() + STOP_WAIT
    while postgres_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    left = postgres_processes(data_dir)
    stop_embedded_postgres(data_dir)
    assert left == [], (tmp_path / "gunicorn.log").read_text()
