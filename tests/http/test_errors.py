"""The one error door: unknown routes, wrong methods, unexpected exceptions and a database outage
all leave through the error envelope with the request id, and nothing internal shows."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import falcon.testing
import pytest
from attrs import evolve

from orderzap_core.errors import Unavailable
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.settings import Settings
from tests.http.support import Tenant, assert_error, log_lines, order_body

SECRET_SQL = "SELECT password_hash FROM users WHERE restaurant_id = 'x'"


class Failing:
    """A stand-in for a service whose every method raises ``error``."""

    def __init__(self, error: Exception) -> None:
        self._error = error

    def __getattr__(self, name: str) -> Callable[..., Any]:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise self._error

        return fail


def failing_client(oz: Services, settings: Settings, error: Exception) -> falcon.testing.TestClient:
    broken = evolve(oz, orders=Failing(error), reads=Failing(error), menu=Failing(error))
    return falcon.testing.TestClient(create_app(broken, settings))


@pytest.mark.parametrize("path", ["/nope", "/v1", "/v1/", "/v1/orders/", "/v2/orders", "/v1/order",
                                  "/v1/menu-items/not-a-uuid", "/v1/orders/123/status"])
def test_an_unknown_route_is_not_found_even_without_a_token(
        client: falcon.testing.TestClient, path: str) -> None:
    error = assert_error(client.simulate_get(path), 404, "NOT_FOUND")
    assert "details" not in error


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("PUT", "/v1/orders", "GET, POST"), ("DELETE", "/v1/orders", "GET, POST"),
    ("POST", "/v1/me", "GET"), ("GET", "/v1/auth/login", "POST"), ("POST", "/health", "GET"),
    ("PATCH", "/v1/menu-items", "GET, POST"), ("HEAD", "/v1/orders", "GET, POST"),
])
def test_a_wrong_method_is_not_allowed_with_an_allow_header(
        client: falcon.testing.TestClient, method: str, path: str, allow: str) -> None:
    result = client.simulate_request(method, path)
    assert result.status_code == 405
    assert set(result.headers["Allow"].split(", ")) >= set(allow.split(", "))
    if method != "HEAD":
        assert_error(result, 405, "METHOD_NOT_ALLOWED")


def test_a_wrong_method_on_an_order_route_is_not_allowed_whoever_asks(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    path = "/v1/orders/8f14e45f-ceea-467f-a0e6-1b5a6f8a3f11/status"
    for headers in ({}, tenant.headers("customer")):
        assert_error(client.simulate_get(path, headers=headers), 405, "METHOD_NOT_ALLOWED")


@pytest.mark.filterwarnings("ignore::wsgiref.validate.WSGIWarning")
def test_an_unknown_http_method_is_a_bad_request(client: falcon.testing.TestClient) -> None:
    assert_error(client.simulate_request("BREW", "/v1/orders"), 400, "BAD_REQUEST")


def test_an_unexpected_exception_is_an_internal_error_without_a_trace(
        oz: Services, settings: Settings, tenant: Tenant) -> None:
    client = failing_client(oz, settings, RuntimeError(SECRET_SQL))
    for method, path, body in [("GET", "/v1/orders", None), ("POST", "/v1/orders", order_body(tenant)),
                               ("GET", "/v1/menu-items", None)]:
        result = client.simulate_request(method, path, headers=tenant.headers("staff"), json=body)
        error = assert_error(result, 500, "INTERNAL_ERROR")
        assert "RuntimeError" not in result.text
        assert "password_hash" not in result.text
        assert "details" not in error


def test_an_unexpected_error_is_logged_once_with_its_trace_and_request_id(
        oz: Services, settings: Settings, tenant: Tenant, log_dir: Path) -> None:
    client = failing_client(oz, settings, RuntimeError(SECRET_SQL))
    headers = {**tenant.headers("staff"), "X-Request-Id": "trace-me-1"}
    result = client.simulate_get("/v1/orders", headers=headers)
    assert_error(result, 500, "INTERNAL_ERROR")
    assert result.json["error"]["requestId"] == "trace-me-1"
    errors = [line for line in log_lines(log_dir / "error.log") if line.get("request_id") == "trace-me-1"]
    assert len(errors) == 1
    assert "Traceback" in errors[0]["exception"] and "RuntimeError" in errors[0]["exception"]
    access = [line for line in log_lines(log_dir / "app.log")
              if line.get("request_id") == "trace-me-1" and line["event"] == "request"]
    assert len(access) == 1
    assert (access[0]["status"], access[0]["code"]) == (500, "INTERNAL_ERROR")


def test_a_client_error_is_logged_once_and_never_as_an_error(
        client: falcon.testing.TestClient, tenant: Tenant, log_dir: Path) -> None:
    headers = {**tenant.headers("staff"), "X-Request-Id": "bad-query-1"}
    result = client.simulate_get("/v1/orders", headers=headers, params={"limit": "0"})
    assert_error(result, 400, "BAD_REQUEST")
    mine = [line for line in log_lines(log_dir / "app.log") if line.get("request_id") == "bad-query-1"]
    assert [(line["event"], line["status"], line["code"]) for line in mine] == [
        ("request", 400, "BAD_REQUEST")]
    assert mine[0]["restaurant_id"] == str(tenant.restaurant.id)
    assert not [line for line in log_lines(log_dir / "error.log") if line.get("request_id") == "bad-query-1"]


def test_a_database_outage_is_service_unavailable_with_retry_after(
        oz: Services, settings: Settings, tenant: Tenant) -> None:
    client = failing_client(oz, settings, Unavailable("the database cannot be reached", retry_after=7))
    for method, path in [("GET", "/v1/orders"), ("POST", "/v1/orders"), ("GET", "/v1/menu-items")]:
        result = client.simulate_request(method, path, headers=tenant.headers("staff"),
                                         json=order_body(tenant))
        assert_error(result, 503, "SERVICE_UNAVAILABLE")
        assert result.headers["Retry-After"] == "7"


def test_an_outage_during_login_is_service_unavailable(
        oz: Services, settings: Settings, tenant: Tenant) -> None:
    broken = evolve(oz, accounts=Failing(Unavailable()))
    client = falcon.testing.TestClient(create_app(broken, settings))
    result = client.simulate_post("/v1/auth/login", json={"restaurantSlug": tenant.restaurant.slug,
                                                          "email": "a@example.com", "password": "x"})
    assert_error(result, 503, "SERVICE_UNAVAILABLE")
    assert result.headers["Retry-After"] == "5"


def test_error_answers_carry_cors_headers_for_an_allowed_origin(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/v1/orders", headers={"Origin": "https://kitchen.example"})
    assert_error(result, 401, "UNAUTHENTICATED")
    assert result.headers["Access-Control-Allow-Origin"] == "https://kitchen.example"
