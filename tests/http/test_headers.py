"""X-Request-Id on every answer, and CORS for the allowed origins only."""

from __future__ import annotations

import re

import falcon.testing
import pytest

from orderzap_http.middleware.cors import EXPOSED_HEADERS
from tests.http.support import ORIGIN, Tenant, assert_error, order_body

HEX_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("incoming", ["abc", "A-Z.a_z-0.9", "x" * 128, "0"])
def test_a_well_formed_request_id_is_kept(
        client: falcon.testing.TestClient, tenant: Tenant, incoming: str) -> None:
    result = client.simulate_get("/v1/me", headers={**tenant.headers("staff"), "X-Request-Id": incoming})
    assert result.headers["X-Request-Id"] == incoming


@pytest.mark.parametrize("incoming", ["", "x" * 129, "has space", "semi;colon", "uni\u00e9", "a/b",
                                      "<script>"])
def test_a_malformed_request_id_is_replaced_by_a_new_one(
        client: falcon.testing.TestClient, tenant: Tenant, incoming: str) -> None:
    headers = {**tenant.headers("staff"), "X-Request-Id": incoming.encode().decode("latin-1")}
    result = client.simulate_get("/v1/orders/not-a-uuid", headers=headers)
    assert HEX_ID.fullmatch(result.headers["X-Request-Id"])
    assert_error(result, 404, "NOT_FOUND")


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/health"), ("GET", "/ready"), ("GET", "/metrics"), ("GET", "/openapi.json"), ("GET", "/nope"),
    ("GET", "/v1/orders"), ("OPTIONS", "/v1/orders"), ("DELETE", "/health"),
])
def test_every_answer_carries_a_request_id(client: falcon.testing.TestClient, method: str, path: str) -> None:
    assert HEX_ID.fullmatch(client.simulate_request(method, path).headers["X-Request-Id"])


def test_request_ids_differ_between_requests(client: falcon.testing.TestClient) -> None:
    ids = {client.simulate_get("/health").headers["X-Request-Id"] for _ in range(5)}
    assert len(ids) == 5


def test_an_allowed_origin_gets_the_cors_headers_and_the_exposed_list(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    result = client.simulate_post("/v1/orders", json=order_body(tenant),
                                  headers={**tenant.headers("staff"), "Origin": ORIGIN})
    assert result.status_code == 201
    assert result.headers["Access-Control-Allow-Origin"] == ORIGIN
    exposed = {h.strip() for h in result.headers["Access-Control-Expose-Headers"].split(",")}
    assert exposed == set(EXPOSED_HEADERS)
    assert {"ETag", "Location", "X-Request-Id", "X-Cache", "Idempotent-Replayed", "Retry-After",
            "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"} <= exposed
    assert "Origin" in result.headers["Vary"]


def test_a_preflight_needs_no_token(client: falcon.testing.TestClient) -> None:
    result = client.simulate_options("/v1/orders/8f14e45f-ceea-467f-a0e6-1b5a6f8a3f11/status", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, content-type, if-match"})
    assert result.status_code == 200
    assert result.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "PATCH" in result.headers["Access-Control-Allow-Methods"]
    assert result.headers["Access-Control-Allow-Headers"] == "authorization, content-type, if-match"
    assert "Access-Control-Max-Age" in result.headers


@pytest.mark.parametrize("origin", ["https://evil.example", "https://kitchen.example.evil.com", "null",
                                    "http://kitchen.example"])
def test_any_other_origin_gets_no_cors_header_at_all(
        client: falcon.testing.TestClient, tenant: Tenant, origin: str) -> None:
    for result in (client.simulate_get("/v1/orders", headers={**tenant.headers("staff"), "Origin": origin}),
                   client.simulate_options("/v1/orders", headers={"Origin": origin,
                                                                  "Access-Control-Request-Method": "POST"})):
        assert not [h for h in result.headers if h.lower().startswith("access-control-")]


def test_a_request_without_an_origin_gets_no_cors_header(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    result = client.simulate_get("/v1/orders", headers=tenant.headers("staff"))
    assert not [h for h in result.headers if h.lower().startswith("access-control-")]
