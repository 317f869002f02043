"""CircuitBreaker: stop calling a Convex that keeps failing, and probe it again after a pause.

    closed ──N consecutive failures, or one trip()──▶ open ──pause elapsed, allow()──▶ half-open
      ▲                                                ▲                                  │
      └────────────── the probe succeeds ──────────────┼──────── the probe fails ─────────┘

Open fails fast: ``allow()`` is False and no call is made. Half-open lets exactly one probe
through; a probe that never reports back (a crashed caller) is replaced after another pause.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from enum import StrEnum

from attrs import frozen

log = logging.getLogger("orderzap.convex")


class BreakerState(StrEnum):
    """Where the breaker stands (``/ready`` and ``/metrics`` show it)."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


@frozen
class BreakerStatus:
    """A reading of the breaker: state, failures in a row, how often it opened, the last error."""

    state: BreakerState
    consecutive_failures: int
    times_opened: int
    last_error: str | None


class CircuitBreaker:
    """A thread-safe breaker; ``clock`` returns seconds (monotonic), injectable for tests."""

    def __init__(self, *, failure_threshold: int = 5, pause: float = 2.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if failure_threshold < 1 or pause <= 0:
            raise ValueError("failure_threshold must be >= 1 and pause > 0")
        self.failure_threshold = failure_threshold
        self.pause = pause
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._failures = 0
        self._since = 0.0            # when it opened, or when the probe was let through
        self._times_opened = 0
        self._last_error: str | None = None

    @property
    def state(self) -> BreakerState:
        """The current state (open reads as half-open once a probe would be let through)."""
        with self._lock:
            if self._state is BreakerState.OPEN and self._clock() - self._since >= self.pause:
                return BreakerState.HALF_OPEN
            return self._state

    def status(self) -> BreakerStatus:
        """The state with its counters."""
        state = self.state
        with self._lock:
            return BreakerStatus(state, self._failures, self._times_opened, self._last_error)

    def allow(self) -> bool:
        """Whether a call may be made now; when half-open, True for the one probe only."""
        with self._lock:
            if self._state is BreakerState.CLOSED:
                return True
            now = self._clock()
            if now - self._since < self.pause:
                return False
            self._state, self._since = BreakerState.HALF_OPEN, now
            return True

    def record_success(self) -> None:
        """A call got an answer: close."""
        with self._lock:
            was, self._state, self._failures = self._state, BreakerState.CLOSED, 0
        if was is not BreakerState.CLOSED:
            log.warning("Convex answers again: circuit breaker closed")

    def record_failure(self, error: str) -> None:
        """A call failed transiently: open after ``failure_threshold`` in a row, or when the probe failed."""
        with self._lock:
            self._failures += 1
            self._last_error = error
            opens = (self._state is BreakerState.HALF_OPEN
                     or (self._state is BreakerState.CLOSED and self._failures >= self.failure_threshold))
            if opens:
                self._open()
            failures = self._failures
        if opens:
            log.warning("Convex keeps failing (%s in a row): circuit breaker open for %ss; last error: %s",
                        failures, self.pause, error)

    def trip(self, error: str) -> None:
        """A failure that will not heal by itself (a refused key): open at once."""
        with self._lock:
            self._failures += 1
            self._last_error = error
            self._open()

    def _open(self) -> None:
        if self._state is not BreakerState.OPEN:
            self._times_opened += 1
        self._state, self._since = BreakerState.OPEN, self._clock()
