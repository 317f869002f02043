"""The world outside time and chance: clock, ids, randomness and password hashing."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol
from uuid import UUID


class Clock(Protocol):
    """The current time."""

    def now(self) -> datetime:
        """Now, timezone-aware UTC."""
        ...


class IdGenerator(Protocol):
    """New unique ids."""

    def new(self) -> UUID:
        """A fresh UUID."""
        ...


class Random(Protocol):
    """Jitter for backoff."""

    def random(self) -> float:
        """A float in [0, 1)."""
        ...


class PasswordHasher(Protocol):
    """One-way password hashing (Argon2id in production)."""

    def hash(self, password: str) -> str:
        """A salted hash of ``password``."""
        ...

    def verify(self, hashed: str, password: str) -> bool:
        """Whether ``password`` matches ``hashed``; never raises for a mismatch."""
        ...
