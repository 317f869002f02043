"""The errors of the core, one class per error code of the HTTP contract.

    OrderZapError                      code            HTTP
    ├── BadRequest                     BAD_REQUEST     400  (a query value the core parses: cursor)
    ├── Unauthenticated                UNAUTHENTICATED 401
    ├── InvalidCredentials             INVALID_CREDENTIALS 401
    ├── Forbidden                      FORBIDDEN       403
    ├── NotFound                       NOT_FOUND       404
    ├── InvalidTransition              INVALID_TRANSITION 409
    ├── IdempotencyConflict            IDEMPOTENCY_CONFLICT 409
    ├── PreconditionFailed             PRECONDITION_FAILED 412
    ├── ValidationFailed               VALIDATION_ERROR 422 (every problem, with its field path)
    └── Unavailable                    SERVICE_UNAVAILABLE 503 (retry_after seconds)

    CacheUnavailable and SinkUnavailable are not client-facing: the read path falls back to the
    source of truth, and the relay retries later.
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen


class OrderZapError(Exception):
    """Base of every error the core raises on purpose."""

    code = "INTERNAL_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadRequest(OrderZapError):
    """A query value is malformed (for example a cursor this server did not issue)."""

    code = "BAD_REQUEST"


class Unauthenticated(OrderZapError):
    """No valid identity was presented."""

    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "authentication required") -> None:
        super().__init__(message)


class InvalidCredentials(OrderZapError):
    """Login failed; one message for a wrong restaurant, email or password."""

    code = "INVALID_CREDENTIALS"

    def __init__(self) -> None:
        super().__init__("invalid restaurant, email or password")


class Forbidden(OrderZapError):
    """The principal's role may not perform this action."""

    code = "FORBIDDEN"

    def __init__(self, message: str = "your role may not do this") -> None:
        super().__init__(message)


class NotFound(OrderZapError):
    """No such resource in the caller's restaurant (another restaurant's is also NotFound)."""

    code = "NOT_FOUND"

    def __init__(self, what: str = "resource") -> None:
        super().__init__(f"{what} not found")


class InvalidTransition(OrderZapError):
    """The change is not allowed from the current state."""

    code = "INVALID_TRANSITION"


class IdempotencyConflict(OrderZapError):
    """An idempotency key was reused with another request, or its first request is in flight."""

    code = "IDEMPOTENCY_CONFLICT"


class PreconditionFailed(OrderZapError):
    """The expected version does not match the current one."""

    code = "PRECONDITION_FAILED"

    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(f"expected version {expected}, but the current version is {actual}")
        self.expected = expected
        self.actual = actual


@frozen
class Problem:
    """One offending field: a path such as ``items[2].quantity`` (Python names) and a message.
    ``literal`` paths are already spelled as the client sent them (an unknown key), so the shell
    must not rename them."""

    field: str
    message: str
    literal: bool = False


class ValidationFailed(OrderZapError):
    """Well-formed input that breaks one or more rules; carries every problem, not just the first."""

    code = "VALIDATION_ERROR"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        if not self.problems:
            raise ValueError("ValidationFailed needs at least one problem")
        super().__init__("request validation failed")

    @classmethod
    def one(cls, field: str, message: str) -> ValidationFailed:
        """A ValidationFailed with a single problem."""
        return cls([Problem(field, message)])


class Unavailable(OrderZapError):
    """A dependency the request needs (the database) cannot be reached now."""

    code = "SERVICE_UNAVAILABLE"

    def __init__(self, message: str = "service temporarily unavailable", retry_after: int = 5) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CacheUnavailable(Exception):
    """The realtime cache failed or timed out; reads fall back to the source of truth."""


class SinkUnavailable(Exception):
    """A snapshot sink failed transiently (timeout, 5xx, 429); the relay retries with backoff."""


class SinkRejected(Exception):
    """A snapshot sink failed deterministically for a whole batch (a function error)."""
