"""The real clock, ids, randomness and password hashing."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import argon2


class SystemClock:
    """Wall-clock time in UTC, to the millisecond."""

    def now(self) -> datetime:
        """Now, timezone-aware UTC, cut to whole milliseconds.

        NOTE: the API shows times to the millisecond; a stored time finer than what clients see
        would make ``createdAfter=<a createdAt they saw>`` match that very order again."""
        now = datetime.now(UTC)
        return now.replace(microsecond=now.microsecond // 1000 * 1000)


class UuidIds:
    """Random version-4 UUIDs."""

    def new(self) -> uuid.UUID:
        """A fresh UUID."""
        return uuid.uuid4()


class SystemRandom:
    """Jitter from the process's random generator."""

    def random(self) -> float:
        """A float in [0, 1)."""
        return random.random()


class Argon2Hasher:
    """Argon2id password hashes (argon2-cffi's RFC 9106 low-memory profile)."""

    def __init__(self, hasher: argon2.PasswordHasher | None = None) -> None:
        self._hasher = hasher or argon2.PasswordHasher()

    def hash(self, password: str) -> str:
        """A salted Argon2id hash."""
        return self._hasher.hash(password)

    def verify(self, hashed: str, password: str) -> bool:
        """Whether ``password`` matches; False for a mismatch or a malformed hash."""
        try:
            return self._hasher.verify(hashed, password)
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError,
                UnicodeEncodeError):     # a lone surrogate cannot be any stored password
            return False
