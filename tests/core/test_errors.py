"""The core's errors: one class per error code of api.md, and the messages clients read."""

from __future__ import annotations

import pytest

from orderzap_core import errors
from orderzap_core.errors import (
    BadRequest,
    Forbidden,
    IdempotencyConflict,
    InvalidCredentials,
    InvalidTransition,
    NotFound,
    OrderZapError,
    PreconditionFailed,
    Problem,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)

#: api.md's error table, for the codes the core decides (the shell decides 405, 413, 415, 429, 500).
API_CODES = {
    BadRequest: "BAD_REQUEST",
    Unauthenticated: "UNAUTHENTICATED",
    InvalidCredentials: "INVALID_CREDENTIALS",
    Forbidden: "FORBIDDEN",
    NotFound: "NOT_FOUND",
    InvalidTransition: "INVALID_TRANSITION",
    IdempotencyConflict: "IDEMPOTENCY_CONFLICT",
    PreconditionFailed: "PRECONDITION_FAILED",
    ValidationFailed: "VALIDATION_ERROR",
    Unavailable: "SERVICE_UNAVAILABLE",
}


def core_errors() -> set[type[OrderZapError]]:
    return {value for value in vars(errors).values()
            if isinstance(value, type) and issubclass(value, OrderZapError) and value is not OrderZapError}


def test_every_core_error_has_the_code_of_the_api_contract() -> None:
    assert core_errors() == set(API_CODES)
    assert {kind: kind.code for kind in API_CODES} == API_CODES


def test_no_two_errors_share_a_code() -> None:
    codes = [kind.code for kind in core_errors()]
    assert len(codes) == len(set(codes))


def test_anything_unplanned_is_an_internal_error() -> None:
    assert OrderZapError("boom").code == "INTERNAL_ERROR"


@pytest.mark.parametrize(("error", "message"), [
    (Unauthenticated(), "authentication required"),
    (InvalidCredentials(), "invalid restaurant, email or password"),
    (Forbidden(), "your role may not do this"),
    (NotFound("order"), "order not found"),
    (NotFound(), "resource not found"),
    (PreconditionFailed(3, 4), "expected version 3, but the current version is 4"),
    (Unavailable(), "service temporarily unavailable"),
    (ValidationFailed([Problem("name", "must not be empty")]), "request validation failed"),
])
def test_each_error_carries_a_message_for_the_client(error: OrderZapError, message: str) -> None:
    assert error.message == message == str(error)


def test_unavailable_says_when_to_retry() -> None:
    assert Unavailable().retry_after == 5
    assert Unavailable("database down", retry_after=30).retry_after == 30
