"""The circuit breaker: its states by example, its state machine against a model, its threads."""

from __future__ import annotations

import threading

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from orderzap_adapters.convex import BreakerState, CircuitBreaker


class FakeClock:
    """Seconds that move only when told."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_it_opens_after_the_threshold_fails_fast_and_closes_after_a_good_probe() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=3, pause=5.0, clock=clock)
    for _ in range(2):
        assert breaker.allow()
        breaker.record_failure("503")
    assert breaker.status().state is BreakerState.CLOSED
    breaker.record_failure("503")
    assert breaker.status().state is BreakerState.OPEN and not breaker.allow()
    clock.now += 4.9
    assert not breaker.allow()
    clock.now += 0.1
    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow(), "one probe"
    assert not breaker.allow(), "only one probe"
    breaker.record_success()
    assert breaker.status().state is BreakerState.CLOSED and breaker.allow()
    assert breaker.status().times_opened == 1


def test_a_failed_probe_opens_it_for_another_pause() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, pause=2.0, clock=clock)
    breaker.record_failure("timeout")
    clock.now += 2.0
    assert breaker.allow()
    breaker.record_failure("timeout")
    assert breaker.state is BreakerState.OPEN
    clock.now += 1.9
    assert not breaker.allow()
    clock.now += 0.1
    assert breaker.allow()


def test_a_success_between_failures_starts_the_count_again() -> None:
    breaker = CircuitBreaker(failure_threshold=2, clock=FakeClock())
    breaker.record_failure("a")
    breaker.record_success()
    breaker.record_failure("b")
    assert breaker.state is BreakerState.CLOSED
    assert breaker.status().consecutive_failures == 1 and breaker.status().last_error == "b"


def test_a_trip_opens_it_at_once() -> None:
    breaker = CircuitBreaker(failure_threshold=100, clock=FakeClock())
    breaker.trip("403 BadDeployKey")
    assert breaker.state is BreakerState.OPEN and not breaker.allow()


def test_a_probe_that_never_reports_back_is_replaced_after_a_pause() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=1, pause=1.0, clock=clock)
    breaker.trip("x")
    clock.now += 1.0
    assert breaker.allow()
    clock.now += 0.5
    assert not breaker.allow()
    clock.now += 0.5
    assert breaker.allow()


@pytest.mark.parametrize(("threshold", "pause"), [(0, 1.0), (1, 0.0), (1, -1.0)])
def test_nonsense_settings_are_refused(threshold: int, pause: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=threshold, pause=pause)


def test_threads_opening_it_together_let_exactly_one_probe_through() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=50, pause=1.0, clock=clock)
    start = threading.Barrier(8)

    def fail() -> None:
        start.wait()
        for _ in range(100):
            breaker.record_failure("x")

    threads = [threading.Thread(target=fail) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert breaker.status().consecutive_failures == 800
    assert breaker.status().times_opened == 1
    clock.now += 1.0
    granted: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def probe() -> None:
        start.wait()
        allowed = breaker.allow()
        with lock:
            granted.append(allowed)

    threads = [threading.Thread(target=probe) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(granted) == [False] * 7 + [True]


THRESHOLD, PAUSE = 3, 10.0


class BreakerMachine(RuleBasedStateMachine):
    """Random calls, outcomes and waits, checked against a plain model of the diagram."""

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.breaker = CircuitBreaker(failure_threshold=THRESHOLD, pause=PAUSE, clock=self.clock)
        self.state = "closed"          # closed | open | probing
        self.failures = 0
        self.since = 0.0
        self.opened = 0
        self.in_flight = 0             # calls allowed and not yet reported

    def _open(self) -> None:
        self.opened += self.state != "open"
        self.state, self.since = "open", self.clock.now

    @rule(seconds=st.floats(min_value=0.0, max_value=2 * PAUSE))
    def wait(self, seconds: float) -> None:
        self.clock.now += seconds

    @rule()
    def ask(self) -> None:
        if self.state == "closed":
            expected = True
        elif self.clock.now - self.since >= PAUSE:
            expected, self.state, self.since = True, "probing", self.clock.now
        else:
            expected = False
        assert self.breaker.allow() is expected
        self.in_flight += expected

    @precondition(lambda self: self.in_flight > 0)
    @rule()
    def succeed(self) -> None:
        self.in_flight -= 1
        self.breaker.record_success()
        self.state, self.failures = "closed", 0

    @precondition(lambda self: self.in_flight > 0)
    @rule()
    def fail(self) -> None:
        self.in_flight -= 1
        self.breaker.record_failure("transient")
        self.failures += 1
        if self.state == "probing" or (self.state == "closed" and self.failures >= THRESHOLD):
            self._open()

    @precondition(lambda self: self.in_flight > 0)
    @rule()
    def refuse(self) -> None:
        self.in_flight -= 1
        self.breaker.trip("403")
        self.failures += 1
        self._open()

    @invariant()
    def matches_the_model(self) -> None:
        status = self.breaker.status()
        if self.state == "closed":
            expected = BreakerState.CLOSED
        elif self.state == "probing" or self.clock.now - self.since >= PAUSE:
            expected = BreakerState.HALF_OPEN
        else:
            expected = BreakerState.OPEN
        assert status.state is expected
        assert (status.consecutive_failures, status.times_opened) == (self.failures, self.opened)


TestBreakerMachine = BreakerMachine.TestCase
