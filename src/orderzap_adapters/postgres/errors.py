"""psycopg's errors become the core's errors here, at the port, and nowhere else.

    psycopg error                               raised as
    UniqueViolation on a known unique key       ValidationFailed on that field (slug, email, name)
    UniqueViolation on an idempotency key       IdempotencyConflict
    UniqueViolation, ForeignKeyViolation else   KeyError (a duplicate id, a missing row: a bug)
    NoDataFound (orderzap_expect_one)           KeyError (an UPDATE of a row that is not there)
    InsufficientPrivilege (row-level security)  PermissionError (another restaurant's row)
    SerializationFailure, DeadlockDetected      Conflict (an Unavailable that services() retries)
    any other OperationalError, PoolTimeout     Unavailable
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import errors as pg

from orderzap_core.errors import IdempotencyConflict, Problem, Unavailable, ValidationFailed

logger = logging.getLogger("orderzap.postgres")

#: Unique keys whose violation is a client's mistake, with the field and message the memory
#: fakes use.
UNIQUE_PROBLEMS: dict[str, Problem] = {
    "restaurants_slug_key": Problem("slug", "is already taken"),
    "users_email_key": Problem("email", "is already a user of this restaurant"),
    "menu_items_name_key": Problem("name", "is already the name of another item on this menu"),
}

#: Seconds a client is asked to wait when the database cannot be reached.
RETRY_AFTER_SECONDS = 5


class Conflict(Unavailable):
    """The database aborted the transaction to resolve a conflict (serialization failure or
    deadlock); running the whole use case again is safe. ``services()`` does so a few times."""

    def __init__(self) -> None:
        super().__init__("the database asked to retry the transaction", retry_after=1)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Run a block, raising the core's errors for psycopg's (see the module's table)."""
    try:
        yield
    except pg.UniqueViolation as error:
        constraint = error.diag.constraint_name or ""
        if constraint in UNIQUE_PROBLEMS:
            raise ValidationFailed([UNIQUE_PROBLEMS[constraint]]) from None
        if constraint == "idempotency_keys_pkey":
            raise IdempotencyConflict("this Idempotency-Key is already in use") from None
        raise KeyError(f"duplicate key ({constraint})") from error
    except pg.ForeignKeyViolation as error:
        raise KeyError(f"missing referenced row ({error.diag.constraint_name})") from error
    except pg.NoDataFound as error:
        raise KeyError(error.diag.message_primary or "row not found") from error
    except pg.InsufficientPrivilege as error:
        raise PermissionError(f"row-level security: {error.diag.message_primary}") from error
    except (pg.SerializationFailure, pg.DeadlockDetected) as error:
        logger.info("transaction conflict, to be retried: %s", error.diag.message_primary)
        raise Conflict() from error
    except psycopg.OperationalError as error:
        # NOTE: PoolTimeout and PoolClosed are OperationalErrors too.
        logger.warning("database unavailable: %s", error)
        raise Unavailable("the database cannot be reached", retry_after=RETRY_AFTER_SECONDS) from error
