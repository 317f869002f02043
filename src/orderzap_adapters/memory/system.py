"""Deterministic stand-ins for the clock, ids, randomness and password hashing."""

from __future__ import annotations

import hashlib
import hmac
import threading
from datetime import UTC, datetime, timedelta
from uuid import UUID


class TickingClock:
    """A clock that starts at a fixed time and moves ``step`` forward on every reading, so
    creation times are distinct and ordered, as they are in practice."""

    def __init__(self, start: datetime | None = None, step: timedelta = timedelta(milliseconds=1)) -> None:
        self._now = start or datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
        self._step = step
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """The current reading; the next one is later."""
        with self._lock:
            current = self._now
            self._now += self._step
            return current

    def advance(self, by: timedelta) -> None:
        """Jump forward."""
        with self._lock:
            self._now += by


class SequentialIds:
    """UUIDs 1, 2, 3 … (as integers), easy to read in failures."""

    def __init__(self, start: int = 1) -> None:
        self._next = start
        self._lock = threading.Lock()

    def new(self) -> UUID:
        """The next id."""
        with self._lock:
            value = self._next
            self._next += 1
        return UUID(int=value)


class FixedRandom:
    """Always the same jitter."""

    def __init__(self, value: float = 0.5) -> None:
        self._value = value

    def random(self) -> float:
        """The fixed value."""
        return self._value


class PlainHasher:
    """A fast keyed digest for tests; never for real passwords."""

    def hash(self, password: str) -> str:
        """``plain$<sha256>``."""
        return "plain$" + hashlib.sha256(password.encode()).hexdigest()

    def verify(self, hashed: str, password: str) -> bool:
        """Whether ``password`` matches (never for one that is not valid UTF-8, like Argon2Hasher)."""
        try:
            return hmac.compare_digest(hashed, self.hash(password))
        except UnicodeEncodeError:
            return False
