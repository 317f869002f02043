"""The adapter against the stand-in's faults: down, slow, 5xx, 560, 403, garbage, a wrong key, a
restart; the breaker opening and closing again; and the real functions' own refusals."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any
from uuid import uuid4

import pytest

from orderzap_adapters.convex import (
    BreakerState,
    CircuitBreaker,
    CircuitOpen,
    ConvexMirror,
    FunctionError,
    Misconfigured,
    Timeouts,
    Transient,
)
from orderzap_adapters.convex.snapshots import to_document
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.errors import CacheUnavailable, SinkRejected, SinkUnavailable
from orderzap_core.ids import OrderId
from orderzap_core.ports.cache import Delivery, Outcome
from orderzap_core.wire import Wire
from orderzap_http.resources.views import order as order_view
from tests.adapters.contract.mirrors import START, a_restaurant_id, an_order_of
from tests.standin import StandIn

READ_TIMEOUT = 0.3
#: What a call may take beyond its timeout (thread wake-ups on a busy machine), and no more.
SLACK = 0.7


@pytest.fixture
def fast(standin: StandIn) -> Iterator[ConvexMirror]:
    """The adapter as the API configures it (short timeouts), with a breaker that opens after
    three failures and probes again after 0.3 s."""
    with ConvexMirror(standin.url, standin.admin_key,
                      Timeouts(connect=0.3, read=READ_TIMEOUT, write=0.3, pool=0.3),
                      breaker=CircuitBreaker(failure_threshold=3, pause=0.3),
                      write_read_timeout=READ_TIMEOUT, batch_read_timeout=READ_TIMEOUT) as mirror:
        yield mirror


def key_of(order: Order) -> dict[str, str]:
    """The ``orders:get`` arguments of ``order``."""
    return {"restaurantId": str(order.restaurant_id), "orderId": str(order.id)}


def timed(call: Any) -> tuple[float, BaseException | None]:
    """How long ``call()`` took, and what it raised."""
    began = time.monotonic()
    try:
        call()
    except Exception as error:  # noqa: BLE001 — handed back for the test to judge
        return time.monotonic() - began, error
    return time.monotonic() - began, None


def test_a_document_on_the_stand_in_is_exactly_the_apis_order_object(standin: StandIn,
                                                                     fast: ConvexMirror) -> None:
    order = an_order_of(a_restaurant_id(), START, lines=2)
    assert fast.sink.deliver([order]) == [Delivery(Outcome.APPLIED)]
    assert standin.documents() == [order_view(Wire(), order)]
    assert fast.client.query("orders:get", {"restaurantId": str(order.restaurant_id),
                                            "orderId": str(order.id)}) == to_document(order)


@pytest.mark.parametrize("mode", [{"mode": "down"}, {"mode": "garbage"},
                                  {"mode": "status", "status": 500},
                                  {"mode": "status", "status": 503,
                                   "body": {"code": "Overloaded", "message": "busy"}},
                                  {"mode": "status", "status": 560, "body": "not an outcome"},
                                  {"mode": "status", "status": 429,
                                   "body": {"code": "RateLimited", "message": "slow down"}}],
                         ids=["down", "garbage", "500", "503", "560", "429"])
def test_a_failing_stand_in_is_unavailable_at_once_and_heals(standin: StandIn, fast: ConvexMirror,
                                                            mode: dict[str, Any]) -> None:
    order = an_order_of(a_restaurant_id(), START)
    standin.fault(**mode)
    took, error = timed(lambda: fast.cache.get(order.restaurant_id, order.id))
    assert isinstance(error, CacheUnavailable) and took < READ_TIMEOUT + SLACK
    with pytest.raises(SinkUnavailable):
        fast.sink.deliver([order])
    with pytest.raises(CacheUnavailable):
        fast.cache.page(order.restaurant_id, OrderQuery())
    assert fast.breaker.status().state is BreakerState.OPEN
    standin.heal()
    time.sleep(fast.breaker.pause)
    assert fast.sink.deliver([order]) == [Delivery(Outcome.APPLIED)]
    assert fast.breaker.status().state is BreakerState.CLOSED


def test_a_stand_in_slower_than_the_read_timeout_is_unavailable_within_the_timeout(
        standin: StandIn, fast: ConvexMirror) -> None:
    standin.fault("slow", delayMs=3000)
    took, error = timed(lambda: fast.cache.get(a_restaurant_id(), OrderId(uuid4())))
    assert isinstance(error, CacheUnavailable), error
    assert READ_TIMEOUT * 0.9 <= took < READ_TIMEOUT + SLACK
    standin.fault("slow", delayMs=50)              # slow, but within the timeout: answers
    time.sleep(fast.breaker.pause)
    assert fast.cache.get(a_restaurant_id(), OrderId(uuid4())) is None


def test_a_403_opens_the_breaker_at_once_and_is_logged_once(standin: StandIn, fast: ConvexMirror,
                                                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="orderzap.convex")
    standin.fault("status", status=403,
                  body={"code": "BadDeployKey", "message": "The provided deploy key was invalid."})
    with pytest.raises(Misconfigured):
        fast.client.query("orders:get", {"restaurantId": str(uuid4()), "orderId": str(uuid4())})
    assert fast.breaker.status().state is BreakerState.OPEN
    for _ in range(3):
        with pytest.raises(CacheUnavailable):
            fast.cache.get(a_restaurant_id(), OrderId(uuid4()))
        time.sleep(fast.breaker.pause)             # each probe meets the 403 again
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 1
    standin.heal()
    time.sleep(fast.breaker.pause)
    assert fast.cache.is_healthy()
    assert fast.breaker.status().state is BreakerState.CLOSED


def test_a_wrong_admin_key_is_a_refusal_not_a_function_error(standin: StandIn) -> None:
    with ConvexMirror(standin.url, "not-the-key", breaker=CircuitBreaker(pause=60)) as wrong:
        with pytest.raises(Misconfigured) as raised:
            wrong.client.query("orders:get", {"restaurantId": str(uuid4()), "orderId": str(uuid4())})
        assert raised.value.status in (401, 403)
        assert wrong.breaker.status().state is BreakerState.OPEN
        assert not wrong.cache.is_healthy()
        with pytest.raises(SinkUnavailable):
            wrong.sink.deliver([an_order_of(a_restaurant_id(), START)])
    assert standin.documents() == []


def test_transient_failures_open_the_breaker_which_then_calls_nothing_until_a_probe_succeeds(
        standin: StandIn, fast: ConvexMirror) -> None:
    order = an_order_of(a_restaurant_id(), START)
    fast.sink.deliver([order])
    standin.fault("status", status=503)
    for _ in range(3):
        with pytest.raises(Transient):
            fast.client.query("orders:get", key_of(order))
    assert fast.breaker.status().state is BreakerState.OPEN
    standin.heal()
    with pytest.raises(CircuitOpen):               # healed, but the breaker has not probed yet
        fast.client.query("orders:get", key_of(order))
    time.sleep(fast.breaker.pause)
    assert fast.breaker.status().state is BreakerState.HALF_OPEN
    assert fast.cache.get(order.restaurant_id, order.id) == order
    assert fast.breaker.status().state is BreakerState.CLOSED


def test_a_stopped_stand_in_is_unavailable_and_a_restarted_one_is_empty_and_answers(
        standin: StandIn, fast: ConvexMirror) -> None:
    order = an_order_of(a_restaurant_id(), START)
    fast.sink.deliver([order])
    standin.stop()
    took, error = timed(lambda: fast.cache.get(order.restaurant_id, order.id))
    assert isinstance(error, CacheUnavailable) and took < READ_TIMEOUT + SLACK
    with pytest.raises(SinkUnavailable):
        fast.sink.deliver([order])
    assert not fast.cache.is_healthy()
    standin.start()
    time.sleep(fast.breaker.pause)
    assert fast.cache.get(order.restaurant_id, order.id) is None, "a restart empties the mirror"
    assert fast.sink.deliver([order]) == [Delivery(Outcome.APPLIED)]
    assert fast.cache.get(order.restaurant_id, order.id) == order


def test_the_functions_own_refusals_are_function_errors_with_their_codes(fast: ConvexMirror) -> None:
    with pytest.raises(FunctionError) as raised:
        fast.client.query("orders:list", {"restaurantId": str(uuid4()), "includeDeleted": False,
                                          "sort": "createdAt", "limit": 0})
    assert raised.value.code == "INVALID_ARGUMENT"
    restaurant_id = a_restaurant_id()
    batch = [an_order_of(restaurant_id, START, number=n) for n in range(1, 1002)]
    with pytest.raises(SinkRejected, match="BATCH_TOO_LARGE"):
        fast.sink.deliver(batch)
    with pytest.raises(FunctionError):              # a validator's refusal carries no code
        fast.client.query("orders:get", {"restaurantId": 5})
    assert fast.breaker.status().state is BreakerState.CLOSED, "a function error is an answer"


@pytest.fixture(scope="module")
def standin_560() -> Iterator[StandIn]:
    """A stand-in answering function errors with 560, as Convex Cloud's proxy may."""
    server = StandIn(status_560=True).start()
    yield server
    server.close()


def test_under_560_a_function_error_is_still_a_function_error_and_success_a_value(
        standin_560: StandIn) -> None:
    standin_560.reset()
    with ConvexMirror(standin_560.url, standin_560.admin_key) as mirror:
        with pytest.raises(FunctionError) as raised:
            mirror.client.query("orders:page", {"limit": 5000})
        assert raised.value.code == "INVALID_ARGUMENT"
        order = an_order_of(a_restaurant_id(), START)
        assert mirror.sink.deliver([order]) == [Delivery(Outcome.APPLIED)]
        assert mirror.cache.get(order.restaurant_id, order.id) == order
        assert mirror.breaker.status().state is BreakerState.CLOSED
