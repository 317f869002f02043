"""How the adapter reads Convex's answers, over httpx.MockTransport: the body's ``status`` decides,
then the HTTP code; nothing of httpx leaks out, and the ports see only their own errors."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any
from uuid import uuid4

import httpx
import pytest

from orderzap_adapters.convex import (
    BreakerState,
    CircuitBreaker,
    CircuitOpen,
    ConvexClient,
    ConvexMirror,
    FunctionError,
    Misconfigured,
    Timeouts,
    Transient,
)
from orderzap_adapters.convex.snapshots import to_document
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.errors import CacheUnavailable, SinkRejected, SinkUnavailable
from orderzap_core.ids import OrderId
from orderzap_core.ports.cache import Delivery, Outcome
from tests.adapters.contract.mirrors import START, a_restaurant_id, an_order_of

Handler = Callable[[httpx.Request], httpx.Response]
CONVEX_500 = {"code": "InternalServerError",
              "message": "Your request couldn't be completed. Try again later."}


def client_on(handler: Handler, *, breaker: CircuitBreaker | None = None,
              timeouts: Timeouts | None = None) -> ConvexClient:
    """A client whose every request is answered by ``handler``."""
    return ConvexClient.connect("http://convex.test", "test-key", timeouts=timeouts,
                                breaker=breaker or CircuitBreaker(failure_threshold=1000),
                                transport=httpx.MockTransport(handler))


def answering(status: int, body: Any = None, *, content: bytes | None = None) -> Handler:
    """A handler that always gives this answer."""
    def handle(request: httpx.Request) -> httpx.Response:
        if content is not None:
            return httpx.Response(status, content=content)
        return httpx.Response(status, json=body)
    return handle


def raising(error: type[httpx.HTTPError]) -> Handler:
    """A handler that fails the way the network does."""
    def handle(request: httpx.Request) -> httpx.Response:
        raise error("simulated", request=request)  # type: ignore[call-arg]
    return handle


# --- requests -------------------------------------------------------------------------------------

def test_a_query_and_a_mutation_are_posted_as_the_http_api_documents() -> None:
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"status": "success", "value": [1, 2], "logLines": []})

    client = client_on(handle)
    assert client.query("orders:get", {"a": 1}) == [1, 2]
    assert client.mutation("orders:applySnapshots", {"snapshots": []}) == [1, 2]
    assert [(r.method, r.url.path) for r in seen] == [("POST", "/api/query"), ("POST", "/api/mutation")]
    assert all(r.headers["Authorization"] == "Convex test-key" for r in seen)
    assert json.loads(seen[0].content) == {"path": "orders:get", "args": {"a": 1}, "format": "json"}


def test_reads_use_the_short_timeouts_and_batches_their_own_read_timeout() -> None:
    seen: list[dict[str, float]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        value: Any = None if "get" in json.loads(request.content)["path"] else []
        return httpx.Response(200, json={"status": "success", "value": value})

    with ConvexMirror("http://convex.test", "k", Timeouts(connect=0.25, read=0.75, write=0.5, pool=0.1),
                      batch_read_timeout=9.0, transport=httpx.MockTransport(handle)) as mirror:
        mirror.cache.get(a_restaurant_id(), OrderId(uuid4()))
        mirror.sink.deliver([])                       # nothing to send: no request
        order = an_order_of(a_restaurant_id(), START)
        with pytest.raises(SinkUnavailable):          # [] is not one result per snapshot
            mirror.sink.deliver([order])
    assert seen == [{"connect": 0.25, "read": 0.75, "write": 0.5, "pool": 0.1},
                    {"connect": 0.25, "read": 9.0, "write": 0.5, "pool": 0.1}]


# --- function outcomes ----------------------------------------------------------------------------

@pytest.mark.parametrize("status", [200, 560])
def test_a_success_body_is_the_value_under_200_and_560(status: int) -> None:
    client = client_on(answering(status, {"status": "success", "value": {"x": None}}))
    assert client.query("m:f", {}) == {"x": None}


@pytest.mark.parametrize("status", [200, 560])
def test_an_error_body_is_a_function_error_with_its_code_and_data(status: int) -> None:
    data = {"code": "BATCH_TOO_LARGE", "max": 1000}
    body = {"status": "error", "errorMessage": "Server Error", "errorData": data, "logLines": []}
    with pytest.raises(FunctionError) as raised:
        client_on(answering(status, body)).mutation("orders:applySnapshots", {"snapshots": []})
    assert (raised.value.code, raised.value.data) == ("BATCH_TOO_LARGE", data)


@pytest.mark.parametrize("error_data", [None, "text", {"no": "code"}, {"code": 7}])
def test_an_error_without_a_code_is_still_a_function_error(error_data: Any) -> None:
    body: dict[str, Any] = {"status": "error", "errorMessage": "Could not find public function for 'x'."}
    if error_data is not None:
        body["errorData"] = error_data
    with pytest.raises(FunctionError) as raised:
        client_on(answering(200, body)).query("x:y", {})
    assert raised.value.code is None


def test_refusals_of_our_functions_are_answers_and_never_open_the_breaker() -> None:
    breaker = CircuitBreaker(failure_threshold=2)
    refusal = {"status": "error", "errorMessage": "no", "errorData": {"code": "INVALID_ARGUMENT"}}
    client = client_on(answering(200, refusal), breaker=breaker)
    for _ in range(5):
        with pytest.raises(FunctionError):
            client.query("x:y", {})
    assert breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize("status", [200, 560])
def test_function_errors_without_a_code_are_convex_failing_and_open_the_breaker(status: int) -> None:
    breaker = CircuitBreaker(failure_threshold=2)
    client = client_on(answering(status, {"status": "error", "errorMessage": "Server Error"}),
                       breaker=breaker)
    for _ in range(2):
        with pytest.raises(FunctionError):
            client.query("x:y", {})
    assert breaker.state is BreakerState.OPEN


# --- refusals and transient failures --------------------------------------------------------------

@pytest.mark.parametrize(("status", "body"), [
    (400, {"code": "BadJsonBody", "message": "Failed to parse JSON body"}),
    (400, {"code": "InvalidAdminKey", "message": "The provided admin key was invalid"}),
    (401, {"code": "InvalidAuthHeader", "message": "Could not parse as a JWT"}),
    (403, {"code": "BadDeployKey", "message": "The provided deploy key was invalid."}),
    (404, {"code": "FunctionPathNotFound", "message": "no such function"}),
])
def test_4xx_refusals_are_misconfiguration(status: int, body: dict[str, str]) -> None:
    with pytest.raises(Misconfigured) as raised:
        client_on(answering(status, body)).query("orders:get", {})
    assert (raised.value.status, raised.value.code) == (status, body["code"])
    assert body["message"] in str(raised.value)


def test_a_refusal_without_a_convex_body_is_misconfiguration_too() -> None:
    with pytest.raises(Misconfigured) as raised:
        client_on(answering(403, content=b"<html>Forbidden</html>")).query("orders:get", {})
    assert raised.value.code is None and "Forbidden" in str(raised.value)


TRANSIENT_ANSWERS = {
    "500 internal": (500, CONVEX_500, None),
    "503 overloaded": (503, {"code": "Overloaded", "message": "try later"}, None),
    "502 from a proxy": (502, None, b"<html>Bad Gateway</html>"),
    "429 rate limited": (429, {"code": "RateLimited", "message": "slow down"}, None),
    "408 request timeout": (408, None, b""),
    "560 without an outcome": (560, {"code": "x", "message": "y"}, None),
    "200 not JSON": (200, None, b"<<garbage>>\x00\xff"),
    "200 empty": (200, None, b""),
    "200 JSON without status": (200, {"code": "x", "message": "y"}, None),
    "200 a list": (200, [1, 2, 3], None),
    "200 an unknown status": (200, {"status": "pending"}, None),
    "200 success without a value": (200, {"status": "success"}, None),
    "200 truncated JSON": (200, None, b'{"status": "succ'),
    "200 nested too deep": (200, None, b"[" * 100_000 + b"]" * 100_000),
}


@pytest.mark.parametrize("case", list(TRANSIENT_ANSWERS), ids=list(TRANSIENT_ANSWERS))
def test_overload_server_errors_and_bodies_that_are_not_convexs_are_transient(case: str) -> None:
    status, body, content = TRANSIENT_ANSWERS[case]
    with pytest.raises(Transient):
        client_on(answering(status, body, content=content)).query("orders:get", {})


NETWORK_ERRORS: list[type[httpx.HTTPError]] = [
    httpx.ConnectError, httpx.ConnectTimeout, httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout,
    httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError, httpx.LocalProtocolError,
    httpx.ProxyError, httpx.UnsupportedProtocol, httpx.DecodingError,
]


@pytest.mark.parametrize("error", NETWORK_ERRORS, ids=[e.__name__ for e in NETWORK_ERRORS])
def test_network_failures_are_transient_and_never_leak_httpx(error: type[httpx.HTTPError]) -> None:
    with pytest.raises(Transient) as raised:
        client_on(raising(error)).mutation("orders:applySnapshots", {})
    assert not isinstance(raised.value, httpx.HTTPError)
    assert raised.value.__cause__ is None and raised.value.__suppress_context__


# --- the loud line --------------------------------------------------------------------------------

def test_a_refusal_is_logged_once_per_change_not_per_call(caplog: pytest.LogCaptureFixture) -> None:
    answers = iter([(403, {"code": "BadDeployKey", "message": "bad key"})] * 3
                   + [(200, {"status": "success", "value": 1})]
                   + [(403, {"code": "BadDeployKey", "message": "bad key"}),
                      (401, {"code": "InvalidAuthHeader", "message": "no"})])

    def handle(request: httpx.Request) -> httpx.Response:
        status, body = next(answers)
        return httpx.Response(status, json=body)

    client = client_on(handle, breaker=CircuitBreaker(failure_threshold=1000, pause=1e-9))
    caplog.set_level(logging.INFO, logger="orderzap.convex")
    for _ in range(6):
        try:
            client.query("orders:get", {})
        except (Misconfigured, CircuitOpen):
            pass
    refusals = [r.getMessage().split(":")[0] for r in caplog.records if r.levelno == logging.ERROR]
    assert refusals == ["Convex refuses our calls (HTTP 403 BadDeployKey)"] * 2 + [
        "Convex refuses our calls (HTTP 401 InvalidAuthHeader)"]
    assert any("accepts our calls again" in r.getMessage() for r in caplog.records)


def test_a_refusal_opens_the_breaker_at_once_and_it_then_fails_fast() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(403, json={"code": "BadDeployKey", "message": "bad key"})

    breaker = CircuitBreaker(failure_threshold=5, pause=60)
    client = client_on(handle, breaker=breaker)
    with pytest.raises(Misconfigured):
        client.query("orders:get", {})
    assert breaker.state is BreakerState.OPEN
    with pytest.raises(CircuitOpen):
        client.query("orders:get", {})
    assert calls == 1


def test_transient_failures_open_the_breaker_after_the_threshold() -> None:
    breaker = CircuitBreaker(failure_threshold=3, pause=60)
    client = client_on(answering(503, CONVEX_500), breaker=breaker)
    for _ in range(3):
        with pytest.raises(Transient):
            client.query("orders:get", {})
    assert breaker.state is BreakerState.OPEN
    last_error = breaker.status().last_error
    assert last_error is not None and "HTTP 503" in last_error


# --- through the ports ----------------------------------------------------------------------------

def mirror_on(handler: Handler, **options: Any) -> ConvexMirror:
    """A mirror whose every request is answered by ``handler``."""
    return ConvexMirror("http://convex.test", "k", transport=httpx.MockTransport(handler),
                        breaker=CircuitBreaker(failure_threshold=1000), **options)


def success(value: Any) -> Handler:
    """A handler answering every call with ``value``."""
    return answering(200, {"status": "success", "value": value})


def test_an_error_body_under_http_200_is_still_an_error() -> None:
    mirror = mirror_on(answering(200, {"status": "error", "errorMessage": "Server Error"}))
    with pytest.raises(CacheUnavailable):
        mirror.cache.get(a_restaurant_id(), OrderId(uuid4()))


@pytest.mark.parametrize("handler", [answering(403, {"code": "BadDeployKey", "message": "m"}),
                                     answering(503, CONVEX_500), raising(httpx.ReadTimeout),
                                     answering(200, {"status": "error", "errorMessage": "e"})],
                         ids=["refused", "503", "timeout", "function error"])
def test_the_cache_raises_only_cache_unavailable(handler: Handler) -> None:
    mirror = mirror_on(handler)
    order = an_order_of(a_restaurant_id(), START)
    for call in (lambda: mirror.cache.get(order.restaurant_id, order.id),
                 lambda: mirror.cache.page(order.restaurant_id, OrderQuery()),
                 lambda: mirror.cache.apply([order]), lambda: mirror.cache.scan(None, None, 10),
                 lambda: mirror.cache.repair(order, None), lambda: mirror.cache.remove(order.id, 1)):
        with pytest.raises(CacheUnavailable):
            call()


def test_health_is_whether_convex_answers() -> None:
    assert mirror_on(success(None)).cache.is_healthy()
    assert mirror_on(answering(200, {"status": "error", "errorMessage": "e"})).cache.is_healthy()
    assert not mirror_on(answering(503, CONVEX_500)).cache.is_healthy()
    assert not mirror_on(answering(403, {"code": "BadDeployKey", "message": "m"})).cache.is_healthy()
    assert not mirror_on(raising(httpx.ConnectError)).cache.is_healthy()


def test_an_open_breaker_reports_unhealthy_without_a_call() -> None:
    calls = 0

    def handle(request: httpx.Request) -> httpx.Response:
        nonlocal calls
        calls += 1
        return httpx.Response(200, json={"status": "success", "value": None})

    breaker = CircuitBreaker(pause=60)
    breaker.trip("test")
    mirror = ConvexMirror("http://convex.test", "k", breaker=breaker, transport=httpx.MockTransport(handle))
    assert not mirror.cache.is_healthy()
    with pytest.raises(SinkUnavailable):
        mirror.sink.deliver([an_order_of(a_restaurant_id(), START)])
    assert calls == 0


@pytest.mark.parametrize("value", [
    "not an order", {"id": "x"}, [], {**to_document(an_order_of(a_restaurant_id(), START)), "version": "2"}])
def test_a_get_answer_that_is_not_an_order_is_unavailable(value: Any) -> None:
    with pytest.raises(CacheUnavailable):
        mirror_on(success(value)).cache.get(a_restaurant_id(), OrderId(uuid4()))


def test_an_answer_for_another_order_or_restaurant_is_never_handed_on() -> None:
    order = an_order_of(a_restaurant_id(), START)
    mirror = mirror_on(success(to_document(order)))
    with pytest.raises(CacheUnavailable):
        mirror.cache.get(a_restaurant_id(), order.id)
    with pytest.raises(CacheUnavailable):
        mirror.cache.get(order.restaurant_id, OrderId(uuid4()))
    assert mirror.cache.get(order.restaurant_id, order.id) == order
    listing = mirror_on(success([to_document(order)]))
    with pytest.raises(CacheUnavailable):
        listing.cache.page(a_restaurant_id(), OrderQuery())
    assert listing.cache.page(order.restaurant_id, OrderQuery()) == [order]


def test_whole_floats_read_as_integers_as_a_real_backend_may_write_them() -> None:
    order = an_order_of(a_restaurant_id(), START, lines=2)
    document = to_document(order)
    floated = {**document, "version": 1.0, "orderNumber": 1.0, "totalCents": float(order.total_cents),
               "items": [{**i, "quantity": float(i["quantity"])} for i in document["items"]]}
    assert mirror_on(success(floated)).cache.get(order.restaurant_id, order.id) == order
    with pytest.raises(CacheUnavailable):
        mirror_on(success({**document, "version": 1.5})).cache.get(order.restaurant_id, order.id)


def test_a_page_longer_than_asked_for_is_unavailable() -> None:
    restaurant_id = a_restaurant_id()
    rows = [to_document(an_order_of(restaurant_id, START)) for _ in range(3)]
    with pytest.raises(CacheUnavailable):
        mirror_on(success(rows)).cache.page(restaurant_id, OrderQuery(limit=1))


# --- the sink -------------------------------------------------------------------------------------

def test_the_sink_maps_each_result_to_a_delivery() -> None:
    orders = [an_order_of(a_restaurant_id(), START) for _ in range(3)]
    value = [{"orderId": str(orders[0].id), "outcome": "applied"},
             {"orderId": str(orders[1].id), "outcome": "stale"},
             {"orderId": None, "outcome": "rejected", "code": "INVALID_SNAPSHOT"}]
    assert mirror_on(success(value)).sink.deliver(orders) == [
        Delivery(Outcome.APPLIED), Delivery(Outcome.STALE), Delivery(Outcome.REJECTED, "INVALID_SNAPSHOT")]


@pytest.mark.parametrize("value", [
    None, "applied", [{"outcome": "applied"}],
    [{"orderId": "someone else", "outcome": "applied"}, {"orderId": None, "outcome": "rejected"}],
    [{"orderId": None, "outcome": "applied"}, {"orderId": None, "outcome": "rejected"}],
    [{"orderId": None, "outcome": "lost"}, {"orderId": None, "outcome": "rejected"}],
    [{"orderId": None, "outcome": "rejected", "code": 3}, {"orderId": None, "outcome": "rejected"}],
])
def test_results_that_do_not_answer_the_batch_are_unavailable(value: Any) -> None:
    orders = [an_order_of(a_restaurant_id(), START) for _ in range(2)]
    with pytest.raises(SinkUnavailable):
        mirror_on(success(value)).sink.deliver(orders)


def test_a_rejection_without_a_code_still_names_one() -> None:
    order = an_order_of(a_restaurant_id(), START)
    value = [{"orderId": str(order.id), "outcome": "rejected"}]
    assert mirror_on(success(value)).sink.deliver([order]) == [Delivery(Outcome.REJECTED, "REJECTED")]


def test_a_refusal_of_the_whole_batch_is_sink_rejected_with_its_code() -> None:
    body = {"status": "error", "errorMessage": "too big",
            "errorData": {"code": "BATCH_TOO_LARGE", "max": 1000}}
    with pytest.raises(SinkRejected) as raised:
        mirror_on(answering(200, body)).sink.deliver([an_order_of(a_restaurant_id(), START)])
    assert str(raised.value) == "BATCH_TOO_LARGE"


@pytest.mark.parametrize("status", [200, 560])
def test_a_function_error_without_a_code_is_transient_so_no_good_row_is_parked(status: int) -> None:
    body = {"status": "error", "errorMessage": "Server Error"}
    with pytest.raises(SinkUnavailable):
        mirror_on(answering(status, body)).sink.deliver([an_order_of(a_restaurant_id(), START)])


@pytest.mark.parametrize("handler", [answering(403, {"code": "BadDeployKey", "message": "m"}),
                                     answering(429, {"code": "RateLimited", "message": "m"}),
                                     raising(httpx.ConnectError), answering(200, content=b"garbage")],
                         ids=["refused", "429", "connection", "garbage"])
def test_transient_and_refused_batches_are_sink_unavailable(handler: Handler) -> None:
    with pytest.raises(SinkUnavailable):
        mirror_on(handler).sink.deliver([an_order_of(a_restaurant_id(), START)])
