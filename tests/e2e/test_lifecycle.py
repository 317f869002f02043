"""Starting, stopping and restarting the real ``orderzap serve`` on one data directory: SIGTERM
lets a request in flight finish, stops the relay and the embedded PostgreSQL; a restart keeps the
demo restaurant, its login and the signing secret (so earlier tokens still work)."""

from __future__ import annotations

import json
import signal
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from attrs import frozen

from tests.e2e.serving import STOP_WAIT, Api, Server, postgres_processes

pytestmark = pytest.mark.e2e


@frozen
class Run:
    """What one server start printed and how it ended."""

    startup: dict[str, Any]
    exit_code: int
    log: str
    postgres_left: list[int]
    in_flight_answer: str = ""


def read_until_closed(conn: socket.socket) -> bytes:
    data = b""
    while chunk := conn.recv(65536):
        data += chunk
    return data


def read_one_response(conn: socket.socket) -> bytes:
    """One whole response with a Content-Length body (the connection stays open)."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += conn.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        body += conn.recv(65536)
    return head + b"\r\n\r\n" + body


def wait_for_log(server: Server, text: str) -> None:
    deadline = time.monotonic() + STOP_WAIT     # bounds a wait; not an assertion on speed
    while text not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)


def postgres_gone(data_dir: Path) -> list[int]:
    deadline = time.monotonic() + STOP_WAIT
    left = postgres_processes(data_dir)
    while left and time.monotonic() < deadline:
        time.sleep(0.2)
        left = postgres_processes(data_dir)
    return left


def terminate_with_a_request_in_flight(server: Server) -> str:
    """Send half a POST, SIGTERM the server, send the rest; the raw answer."""
    demo = server.startup["demo"]
    body = json.dumps({"customerName": "Late Guest", "customerPhone": "+14155550123",
                       "paymentMethod": "cash",
                       "items": [{"menuItemId": demo["menuItemId"], "quantity": 1}]}).encode()
    with socket.create_connection(("127.0.0.1", server.port), timeout=STOP_WAIT) as conn:
        # a first, complete request makes a worker own this connection before the signal
        conn.sendall(b"GET /health HTTP/1.1\r\nHost: e2e\r\n\r\n")
        assert read_one_response(conn).startswith(b"HTTP/1.1 200")
        head = (f"POST /v1/orders HTTP/1.1\r\nHost: e2e\r\nAuthorization: Bearer {demo['token']}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n").encode()
        conn.sendall(head + body[:10])
        server.process.send_signal(15)
        wait_for_log(server, "Handling signal: term")
        time.sleep(0.5)                           # lets the master pass the signal on (pacing only)
        conn.sendall(body[10:])
        return read_until_closed(conn).decode(errors="replace")


@pytest.fixture(scope="module")
def first(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    server = Server(data_dir, tmp_path_factory.mktemp("logs") / "first.log")
    try:
        answer = terminate_with_a_request_in_flight(server)
        code = server.terminate()
        yield Run(server.startup, code, server.log(), postgres_gone(data_dir), answer)
    finally:
        server.kill_leftovers()


@pytest.fixture(scope="module")
def second(first: Run, data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    server = Server(data_dir, tmp_path_factory.mktemp("logs") / "second.log")
    try:
        earlier_token = Api(server.url, first.startup["demo"]["token"]).request("GET", "/v1/me")
        code = server.terminate()
        yield Run(server.startup, code, server.log(), postgres_gone(data_dir),
                  in_flight_answer=f"{earlier_token.status_code} {earlier_token.text}")
    finally:
        server.kill_leftovers()


def test_a_request_in_flight_at_sigterm_still_gets_its_answer(first: Run) -> None:
    status_line = first.in_flight_answer.split("\r\n", 1)[0]
    assert status_line == "HTTP/1.1 201 Created", first.in_flight_answer + first.log
    body = json.loads(first.in_flight_answer.split("\r\n\r\n", 1)[1])
    assert body["data"]["customerName"] == "Late Guest"


def test_sigterm_exits_cleanly_stopping_the_relay_and_the_embedded_postgres(first: Run) -> None:
    assert first.exit_code == 0, first.log
    assert first.postgres_left == []
    assert "Traceback" not in first.log
    assert "did not stop in time" not in first.log


def test_the_first_start_creates_the_demo(first: Run) -> None:
    assert first.startup["embedded"] is True
    assert first.startup["demo"]["created"] is True
    assert first.startup["demo"]["password"]


def test_a_restart_keeps_the_demo_and_prints_the_same_login(first: Run, second: Run) -> None:
    assert second.startup["demo"]["created"] is False
    assert second.startup["demo"]["restaurantId"] == first.startup["demo"]["restaurantId"]
    assert (second.startup["demo"]["email"], second.startup["demo"]["password"]) == (
        first.startup["demo"]["email"], first.startup["demo"]["password"])


def test_tokens_from_before_a_restart_still_work(second: Run) -> None:
    assert second.in_flight_answer.startswith("200 "), second.in_flight_answer
    assert second.exit_code == 0, second.log
    assert second.postgres_left == []


def test_workers_replaced_on_sighup_serve_and_the_database_and_metrics_stay(
        data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    # NOTE: gunicorn's SIGHUP lets each worker leave gracefully and starts new ones. A worker
    # leaving must not take the master's database or the workers' shared metrics with it.
    server = Server(data_dir, tmp_path_factory.mktemp("logs") / "hup.log")
    try:
        api = Api(server.url, server.startup["demo"]["token"])
        assert api.request("GET", "/v1/me").status_code == 200
        booted = server.log().count("Booting worker")
        server.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + STOP_WAIT     # bounds a wait; not an assertion on speed
        while server.log().count("Booting worker") < 2 * booted and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.log().count("Booting worker") == 2 * booted, server.log()
        for _ in range(8):                          # fresh connections, taken by the new workers
            fresh = Api(server.url, server.startup["demo"]["token"])
            assert fresh.request("GET", "/v1/me").status_code == 200, server.log()
            assert fresh.request("GET", "/metrics").status_code == 200, server.log()
            fresh.client.close()
        assert postgres_processes(data_dir)
        assert "Traceback" not in server.log()
        assert server.terminate() == 0, server.log()
    finally:
        server.kill_leftovers()
