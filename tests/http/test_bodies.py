"""Bad bodies and attacks through them: each is a 400, 413, 415 or 422 as api.md says, never a 500,
and changes nothing."""

from __future__ import annotations

import io
import json
from typing import Any

import falcon.testing
import pytest

from orderzap_adapters.memory import MemoryWorld
from orderzap_core.services import Services
from orderzap_http.app import create_app
from tests.http.support import (
    Tenant,
    assert_error,
    fields_of,
    http_settings,
    nothing_changes,
    order_body,
    place,
)

JSON = {"Content-Type": "application/json"}


def raw_post(client: falcon.testing.TestClient, tenant: Tenant, body: bytes,
             headers: dict[str, str] | None = None, path: str = "/v1/orders") -> falcon.testing.Result:
    return client.simulate_post(path, body=body, headers={**tenant.headers("admin"), **(headers or JSON)})


@pytest.mark.parametrize("body", [
    b"not json", b"{", b'{"customerName": "Ada",}', b"{'a': 1}", b"", b"   ", b'{"a": 1} {"b": 2}',
    b'{"a": NaN}', b'{"a": Infinity}', b'{"a": -Infinity}', b'{"a": 1}\x00', b'\x00{"a": 1}',
    b'{"a": "x\x00y"}', b"\xef\xbb\xbf{}", b'{"a": "\xff"}', b'{"a": "\xc3\x28"}', b'{"a": "\\ud800"}',
    b'{"a": 1, "a": 2}', b'{"a": 01}', b'{"a": .5}', b'{"a": 0x10}', b"[" * 10_000 + b"]" * 10_000,
    b'{"a": ' * 10_000, b"[" * 33 + b"]" * 33,
])
def test_a_body_that_is_not_strict_json_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, body: bytes) -> None:
    with nothing_changes(world):
        assert_error(raw_post(client, tenant, body), 400, "BAD_REQUEST")


@pytest.mark.parametrize("body", [b"[]", b'[{"customerName": "Ada"}]', b'"order"', b"42", b"null", b"true"])
def test_a_json_body_that_is_not_an_object_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, body: bytes) -> None:
    with nothing_changes(world):
        for path in ("/v1/orders", "/v1/menu-items", "/v1/auth/login"):
            assert_error(raw_post(client, tenant, body, path=path), 400, "BAD_REQUEST")


def test_nesting_of_exactly_32_levels_is_parsed_and_then_judged_as_fields(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    body = order_body(tenant, notes=json.loads("[" * 31 + "]" * 31))
    with nothing_changes(world):
        result = raw_post(client, tenant, json.dumps(body).encode())
    assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == ["notes"]


@pytest.mark.parametrize(("item", "field"), [
    ({"quantity": "2"}, "items[0].quantity"),
    ({"quantity": 2.0}, "items[0].quantity"),
    ({"quantity": 2.5}, "items[0].quantity"),
    ({"quantity": 1e2}, "items[0].quantity"),
    ({"quantity": True}, "items[0].quantity"),
    ({"quantity": None}, "items[0].quantity"),
    ({"quantity": 10**30}, "items[0].quantity"),
    ({"quantity": -1}, "items[0].quantity"),
    ({"specialInstructions": 5}, "items[0].specialInstructions"),
    ({"specialInstructions": "a\u0000b"}, "items[0].specialInstructions"),
    ({"specialInstructions": "bell\u0007"}, "items[0].specialInstructions"),
    ({"menuItemId": "not-a-uuid"}, "items[0].menuItemId"),
    ({"menuItemId": 7}, "items[0].menuItemId"),
])
def test_a_value_of_the_wrong_kind_is_a_validation_error_naming_its_field(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld,
        item: dict[str, Any], field: str) -> None:
    body = order_body(tenant)
    body["items"][0].update(item)
    with nothing_changes(world):
        result = raw_post(client, tenant, json.dumps(body).encode())
    assert field in fields_of(assert_error(result, 422, "VALIDATION_ERROR"))


@pytest.mark.parametrize("quantity", [b"1e309", b"-1e309", b"1E400", b"2.50", b"1e2", b"1" + b"0" * 5000])
def test_a_number_no_float_can_hold_is_a_validation_error_not_infinity(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, quantity: bytes) -> None:
    body = json.dumps(order_body(tenant)).encode().replace(b'"quantity": 2', b'"quantity": ' + quantity, 1)
    with nothing_changes(world):
        result = raw_post(client, tenant, body)
    assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == ["items[0].quantity"]


@pytest.mark.parametrize("field", ["customerName", "notes"])
def test_text_with_nul_or_control_characters_is_a_validation_error(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, field: str) -> None:
    with nothing_changes(world):
        body = json.dumps(order_body(tenant, **{field: "Ada\u0000\u001b"})).encode()
        result = raw_post(client, tenant, body)
    assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == [field]


def test_newlines_and_tabs_are_allowed_in_text(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    assert place(client, tenant, notes="line one\n\tline two")["notes"] == "line one\n\tline two"


def test_non_ascii_text_round_trips_as_utf8(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    order = place(client, tenant, customerName="Zoë 🍕", notes="très bien")
    assert (order["customerName"], order["notes"]) == ("Zoë 🍕", "très bien")


@pytest.mark.parametrize("content_type", [
    "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml",
    "application/json; charset=latin-1", "application/json-patch+json", "application/merge-patch+json",
    "application/jsonx", "",
])
def test_a_body_that_is_not_declared_json_is_an_unsupported_media_type(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, content_type: str) -> None:
    body = json.dumps(order_body(tenant)).encode()
    with nothing_changes(world):
        headers = {"Content-Type": content_type} if content_type else {"X-No-Content-Type": "1"}
        result = raw_post(client, tenant, body, headers)
    assert_error(result, 415, "UNSUPPORTED_MEDIA_TYPE")


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "Application/JSON; Charset=UTF-8",
    'application/json;charset="utf-8"'])
def test_json_with_or_without_a_utf8_charset_is_accepted(
        client: falcon.testing.TestClient, tenant: Tenant, content_type: str) -> None:
    result = raw_post(client, tenant, json.dumps(order_body(tenant)).encode(), {"Content-Type": content_type})
    assert result.status_code == 201


def test_a_form_body_on_a_patch_is_an_unsupported_media_type(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    order = place(client, tenant)
    with nothing_changes(world):
        result = client.simulate_patch(f"/v1/orders/{order['id']}/status", body=b"status=completed",
                                       headers={**tenant.headers("staff"),
                                                "Content-Type": "application/x-www-form-urlencoded"})
    assert_error(result, 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_body_of_one_mebibyte_is_too_large(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    body = json.dumps(order_body(tenant, notes="x" * (1 << 20))).encode()
    with nothing_changes(world):
        assert_error(raw_post(client, tenant, body), 413, "PAYLOAD_TOO_LARGE")
        assert_error(raw_post(client, tenant, body, {"Content-Type": "text/plain"}), 413, "PAYLOAD_TOO_LARGE")


def test_a_body_over_the_limit_is_refused_before_authentication_and_routing(
        client: falcon.testing.TestClient, world: MemoryWorld) -> None:
    with nothing_changes(world):
        assert_error(client.simulate_post("/v1/orders", body=b"x" * 70_000), 413, "PAYLOAD_TOO_LARGE")
        assert_error(client.simulate_post("/no/such/route", body=b"x" * 70_000), 413, "PAYLOAD_TOO_LARGE")


def test_the_body_limit_comes_from_the_settings(oz: Services, tenant: Tenant) -> None:
    client = falcon.testing.TestClient(create_app(oz, http_settings(max_body_bytes=100)))
    body = json.dumps(order_body(tenant)).encode()
    assert len(body) > 100
    assert_error(raw_post(client, tenant, body), 413, "PAYLOAD_TOO_LARGE")
    assert client.simulate_get("/v1/orders", headers=tenant.headers("admin")).status_code == 200


def test_a_malformed_content_length_is_a_bad_request(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    env = falcon.testing.create_environ("/v1/orders", method="POST", body=b"{}",
                                        headers={**tenant.headers("admin"), **JSON})
    env["CONTENT_LENGTH"] = "ten"
    with nothing_changes(world):
        result = call(client, env)
    assert_error(result, 400, "BAD_REQUEST")


def chunked(client: falcon.testing.TestClient, tenant: Tenant, body: bytes) -> falcon.testing.Result:
    """A request whose body has no Content-Length, as a WSGI server hands over a chunked upload."""
    env = falcon.testing.create_environ(
        "/v1/orders", method="POST",
        headers={**tenant.headers("admin"), **JSON, "Transfer-Encoding": "chunked"})
    env.pop("CONTENT_LENGTH", None)
    env["wsgi.input"] = io.BytesIO(body)
    return call(client, env)


def call(client: falcon.testing.TestClient, env: dict[str, Any]) -> falcon.testing.Result:
    """Run the app on a raw WSGI environment (the test client would refuse a malformed one)."""
    status: list[str] = []
    headers: list[list[tuple[str, str]]] = []
    chunks = client.app(env, lambda s, h, *_: (status.append(s), headers.append(h)))
    return falcon.testing.Result(chunks, status[0], headers[0])


def test_a_chunked_body_over_the_limit_is_too_large_after_reading_one_byte_past_it(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    stream_body = json.dumps(order_body(tenant, notes="x" * (1 << 20))).encode()
    with nothing_changes(world):
        assert_error(chunked(client, tenant, stream_body), 413, "PAYLOAD_TOO_LARGE")


def test_a_chunked_body_within_the_limit_is_read(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    result = chunked(client, tenant, json.dumps(order_body(tenant)).encode())
    assert result.status_code == 201


BODY_ROUTES = [("POST", "/v1/orders"), ("PATCH", "/v1/orders/{order}"),
               ("PATCH", "/v1/orders/{order}/status"), ("POST", "/v1/menu-items"),
               ("PATCH", "/v1/menu-items/{item}"), ("POST", "/v1/auth/login")]


@pytest.mark.parametrize(("method", "path"), BODY_ROUTES)
@pytest.mark.parametrize(("body", "headers", "status", "code"), [
    (b"{nope", JSON, 400, "BAD_REQUEST"),
    (b"[]", JSON, 400, "BAD_REQUEST"),
    (b'"status"', JSON, 400, "BAD_REQUEST"),
    (b"", JSON, 400, "BAD_REQUEST"),
    (b'{"a": NaN}', JSON, 400, "BAD_REQUEST"),
    (b"[" * 10_000, JSON, 400, "BAD_REQUEST"),
    (b"status=ready", {"Content-Type": "application/x-www-form-urlencoded"}, 415, "UNSUPPORTED_MEDIA_TYPE"),
    (b"{}", {"Content-Type": "text/plain"}, 415, "UNSUPPORTED_MEDIA_TYPE"),
    (b"{" + b" " * 70_000 + b"}", JSON, 413, "PAYLOAD_TOO_LARGE"),
])
def test_every_route_with_a_body_refuses_bad_bodies_alike(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, method: str, path: str,
        body: bytes, headers: dict[str, str], status: int, code: str) -> None:
    order = place(client, tenant)
    url = path.format(order=order["id"], item=tenant.pizza.id)
    with nothing_changes(world):
        result = client.simulate_request(method, url, body=body,
                                         headers={**tenant.headers("admin"), **headers})
    assert_error(result, status, code)


def test_a_mistyped_field_and_broken_rules_are_named_in_one_answer(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld) -> None:
    body = order_body(tenant, customerName=" ", customerPhone="not a number",
                      items=[{"menuItemId": str(tenant.pizza.id), "quantity": "2"},
                             {"menuItemId": str(tenant.pizza.id), "quantity": 100}])
    with nothing_changes(world):
        result = client.simulate_post("/v1/orders", json=body, headers=tenant.headers("staff"))
    assert_error(result, 422, "VALIDATION_ERROR")
    assert sorted(fields_of(result.json["error"])) == [
        "customerName", "customerPhone", "items[0].quantity", "items[1].quantity"]
