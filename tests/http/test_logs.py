"""Logging: console or JSON lines on stderr, app.log and error.log under LOG_DIR, the request id on
every line of a request."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import falcon.testing
import pytest

from orderzap_http import logs
from tests.http.support import Tenant, http_settings, log_lines, place


def test_every_line_of_a_request_carries_its_request_id_and_the_caller(
        client: falcon.testing.TestClient, tenant: Tenant, log_dir: Path) -> None:
    client.simulate_get("/v1/me", headers={**tenant.headers("staff"), "X-Request-Id": "who-am-i"})
    [line] = [line for line in log_lines(log_dir / "app.log") if line.get("request_id") == "who-am-i"]
    assert line["event"] == "request"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/v1/me", 200)
    assert line["level"] == "info"
    assert line["user_id"] == str(tenant.staff.user.id)
    assert line["restaurant_id"] == str(tenant.restaurant.id)
    assert line["timestamp"].endswith("Z")
    assert "duration_ms" in line


def test_the_request_context_ends_with_the_request(
        client: falcon.testing.TestClient, tenant: Tenant, log_dir: Path) -> None:
    client.simulate_get("/v1/me", headers={**tenant.headers("staff"), "X-Request-Id": "first"})
    logs.get_logger("test").info("between requests")
    [line] = [line for line in log_lines(log_dir / "app.log") if line["event"] == "between requests"]
    assert "request_id" not in line and "user_id" not in line


def test_error_log_holds_errors_only(
        client: falcon.testing.TestClient, tenant: Tenant, log_dir: Path) -> None:
    place(client, tenant)
    logs.get_logger("test").error("something broke", detail=1)
    assert [line["event"] for line in log_lines(log_dir / "error.log")] == ["something broke"]
    assert len(log_lines(log_dir / "app.log")) >= 2


def test_library_log_lines_come_out_in_the_same_format(log_dir: Path) -> None:
    logging.getLogger("gunicorn.error").warning("worker %s booted", 7)
    [line] = [line for line in log_lines(log_dir / "app.log") if line["logger"] == "gunicorn.error"]
    assert (line["event"], line["level"]) == ("worker 7 booted", "warning")


def test_configuring_again_replaces_the_handlers(log_dir: Path) -> None:
    logs.configure(http_settings(log_format="json", log_dir=log_dir))
    logs.get_logger("test").warning("once")
    assert [line["event"] for line in log_lines(log_dir / "app.log")].count("once") == 1


def test_the_log_level_filters_lines(
        client: falcon.testing.TestClient, tenant: Tenant, log_dir: Path) -> None:
    logs.configure(http_settings(log_format="json", log_dir=log_dir, log_level="warning"))
    client.simulate_get("/v1/me", headers={**tenant.headers("staff"), "X-Request-Id": "quiet"})
    logs.get_logger("test").warning("loud")
    events = [line["event"] for line in log_lines(log_dir / "app.log")]
    assert "loud" in events
    assert not [line for line in log_lines(log_dir / "app.log") if line.get("request_id") == "quiet"]


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_lines_go_to_stderr_in_the_chosen_format(
        capsys: pytest.CaptureFixture[str], log_dir: Path, log_format: str) -> None:
    logs.configure(http_settings(log_format=log_format))
    logs.get_logger("test").warning("hello", table=5)
    err = capsys.readouterr().err.strip().splitlines()[-1]
    if log_format == "json":
        assert json.loads(err)["event"] == "hello"
    else:
        assert "hello" in err and "table=5" in err and not err.startswith("{")
