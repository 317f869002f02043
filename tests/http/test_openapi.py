"""The OpenAPI document is valid OpenAPI 3.1, names exactly the routes the app serves, names every
error code of the contract, and takes its numbers from the core."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import falcon
import falcon.inspect
import falcon.testing
import pytest
from openapi_spec_validator import OpenAPIV31SpecValidator

from orderzap_core import rules
from orderzap_core.domain.orders import PaymentMethod
from orderzap_core.domain.pagination import MAX_LIMIT
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import OrderZapError
from orderzap_http import errors
from orderzap_http.openapi import ERROR_CODES, document
from tests.http.support import Tenant, place

#: api.md's error table, as written there.
CONTRACT_ERRORS = {
    "BAD_REQUEST": 400, "UNAUTHENTICATED": 401, "INVALID_CREDENTIALS": 401, "FORBIDDEN": 403,
    "NOT_FOUND": 404, "METHOD_NOT_ALLOWED": 405, "INVALID_TRANSITION": 409,
    "IDEMPOTENCY_CONFLICT": 409, "PRECONDITION_FAILED": 412, "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415, "VALIDATION_ERROR": 422, "RATE_LIMITED": 429,
    "SERVICE_UNAVAILABLE": 503, "INTERNAL_ERROR": 500,
}

HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}


@pytest.fixture
def app(client: falcon.testing.TestClient) -> falcon.App:
    return client.app  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def template(path: str) -> str:
    """``/v1/orders/{order_id}`` and ``/v1/orders/{orderId}`` both as ``/v1/orders/{}``."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def served_operations(app: falcon.App) -> set[tuple[str, str]]:
    """Every (path template, method) the app routes to a responder of its own."""
    served = set()
    for route in falcon.inspect.inspect_app(app).routes:
        for method in route.methods:
            if not method.internal:
                served.add((template(route.path), method.method))
    return served


def documented_operations(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(template(path), method.upper())
            for path, item in doc["paths"].items() for method in item if method.upper() in HTTP_METHODS}


def schema(doc: dict[str, Any], name: str) -> dict[str, Any]:
    return doc["components"]["schemas"][name]  # type: ignore[no-any-return]


def test_the_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.1.")
    OpenAPIV31SpecValidator(doc).validate()


def test_every_operation_the_app_serves_is_documented(app: falcon.App, doc: dict[str, Any]) -> None:
    assert served_operations(app) - documented_operations(doc) == set()


def test_every_documented_operation_is_served(app: falcon.App, doc: dict[str, Any]) -> None:
    assert documented_operations(doc) - served_operations(app) == set()


def test_the_app_serves_the_document_without_a_token(client: falcon.testing.TestClient,
                                                     doc: dict[str, Any]) -> None:
    result = client.simulate_get("/openapi.json")
    assert result.status_code == 200
    assert result.headers["content-type"].startswith("application/json")
    assert result.json == doc


def test_exactly_the_public_operations_need_no_token(client: falcon.testing.TestClient,
                                                     doc: dict[str, Any]) -> None:
    for path, item in doc["paths"].items():
        if "get" in item and "{" not in path:
            public = item["get"].get("security") == []
            status = client.simulate_get(path).status_code
            assert (status != 401) == public, (path, status)
    assert client.simulate_post("/v1/auth/login", json={}).status_code == 422


def test_every_error_code_of_the_contract_is_documented_with_its_status(doc: dict[str, Any]) -> None:
    assert {code: status for code, (status, _) in ERROR_CODES.items()} == CONTRACT_ERRORS
    assert set(schema(doc, "ErrorCode")["enum"]) == set(CONTRACT_ERRORS)


def test_every_error_the_app_can_answer_is_documented_with_the_same_status(doc: dict[str, Any]) -> None:
    documented = set(schema(doc, "ErrorCode")["enum"])
    for kind, status in errors.STATUS.items():
        assert issubclass(kind, OrderZapError)
        assert ERROR_CODES[kind.code][0] == status, kind
    for status, (code, _message) in errors.FALCON_CODES.items():
        assert ERROR_CODES[code][0] == status, code
    assert errors.INTERNAL[0] in documented


def test_every_error_response_has_the_error_envelope_and_a_request_id(doc: dict[str, Any]) -> None:
    for name, answer in doc["components"]["responses"].items():
        content = answer["content"]["application/json"]
        assert content["schema"]["allOf"][0] == {"$ref": "#/components/schemas/Error"}, name
        assert answer["headers"]["X-Request-Id"]["required"] is True, name
    assert doc["components"]["responses"]["RateLimited"]["headers"]["Retry-After"]["required"] is True
    assert doc["components"]["responses"]["ServiceUnavailable"]["headers"]["Retry-After"]["required"] is True


def test_every_operation_documents_its_success_and_error_answers(doc: dict[str, Any]) -> None:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            statuses = set(op["responses"])
            assert any(s.startswith("2") for s in statuses), (path, method)
            assert "500" in statuses, (path, method)
            if op.get("security") != []:
                assert {"401", "429", "503"} <= statuses, (path, method)
            if "requestBody" in op:
                assert {"400", "413", "415", "422"} <= statuses, (path, method)


def test_the_request_rules_are_the_core_rules(doc: dict[str, Any]) -> None:
    place, line = schema(doc, "PlaceOrder"), schema(doc, "OrderLine")
    assert place["properties"]["customerName"]["maxLength"] == rules.NAME_MAX
    assert place["properties"]["notes"]["maxLength"] == rules.TEXT_MAX
    assert (place["properties"]["items"]["minItems"], place["properties"]["items"]["maxItems"]) == (
        rules.MIN_ITEMS, rules.MAX_ITEMS)
    assert (line["properties"]["quantity"]["minimum"], line["properties"]["quantity"]["maximum"]) == (
        rules.MIN_QUANTITY, rules.MAX_QUANTITY)
    price = schema(doc, "NewMenuItem")["properties"]["priceCents"]
    assert (price["minimum"], price["maximum"]) == (rules.MIN_PRICE_CENTS, rules.MAX_PRICE_CENTS)
    assert schema(doc, "OrderStatus")["enum"] == [s.value for s in OrderStatus]
    assert schema(doc, "PaymentMethod")["enum"] == [m.value for m in PaymentMethod]
    assert doc["components"]["parameters"]["Limit"]["schema"]["maximum"] == MAX_LIMIT


def test_the_patch_bodies_refuse_unknown_fields_in_the_document_and_in_the_app(
        client: falcon.testing.TestClient, tenant: Tenant, doc: dict[str, Any]) -> None:
    order = place(client, tenant)
    targets = {"EditOrder": f"/v1/orders/{order['id']}", "EditMenuItem": f"/v1/menu-items/{tenant.pizza.id}",
               "StatusChange": f"/v1/orders/{order['id']}/status"}
    for body, path in targets.items():
        assert schema(doc, body)["additionalProperties"] is False
        answer = client.simulate_patch(path, headers=tenant.headers("admin"), json={"restaurantId": "x"})
        assert answer.status_code == 422, (path, answer.text)
        assert {"field": "restaurantId", "message": "is not a field that can be changed"} in (
            answer.json["error"]["details"])


def test_every_order_answer_carries_its_etag(doc: dict[str, Any]) -> None:
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for status, answer in op.get("responses", {}).items() if method != "parameters" else ():
                content = answer.get("content", {}).get("application/json", {})
                if content.get("schema") == {"$ref": "#/components/schemas/OrderResponse"}:
                    assert answer["headers"]["ETag"]["required"] is True, (path, method, status)


def test_the_api_guide_shows_every_documented_operation_with_curl(doc: dict[str, Any]) -> None:
    guide = (Path(__file__).parents[2] / "docs" / "api-guide.md").read_text()
    sections = {match.group(1): body for match, body in zip(
        re.finditer(r"^### `([A-Z]+ \S+)`.*$", guide, re.MULTILINE),
        re.split(r"^### .*$", guide, flags=re.MULTILINE)[1:], strict=True)}
    for path, item in doc["paths"].items():
        for method in item:
            if method.upper() in HTTP_METHODS:
                body = sections.get(f"{method.upper()} {path}")
                assert body is not None, f"no section for {method.upper()} {path}"
                flag = "" if method == "get" else f"-X {method.upper()} "
                assert f"curl -s {flag}" in body or f"curl -s -i {flag}" in body, (method, path)
