"""Schema migrations: versioned plain-SQL files shipped inside the package
(``migrations/NNNN_name.sql``), applied in order by the owner, each in its own transaction and
recorded in ``schema_migrations`` with a checksum. A session-level advisory lock makes a second
process wait until the first is done (it then finds nothing left to do), so migrating is safe to
run again and from several processes at once. A migration changed after it was applied is an
error, never silently skipped.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import psycopg
from attrs import frozen

from orderzap_adapters.postgres.errors import translated_errors
from orderzap_adapters.postgres.pool import connect_timeout

logger = logging.getLogger("orderzap.postgres")

#: The advisory lock every migrating process takes ("ozmg").
MIGRATION_LOCK = 0x6F7A6D67
MINIMUM_SERVER_VERSION = 140000
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

CREATE_MIGRATIONS_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name        text PRIMARY KEY,
    checksum    text NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
)
"""
SELECT_APPLIED = "SELECT name, checksum, applied_at FROM schema_migrations ORDER BY name"
INSERT_APPLIED = "INSERT INTO schema_migrations (name, checksum) VALUES (%s, %s)"
MIGRATIONS_TABLE_EXISTS = "SELECT to_regclass('public.schema_migrations') IS NOT NULL AS present"


class MigrationError(Exception):
    """Migrations cannot run: an unsupported server, a changed migration, or a failing one."""


@frozen
class Migration:
    """One migration file: its name (``0001_roles``), its SQL and the SQL's checksum."""

    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """sha256 of the SQL."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def shipped_migrations() -> list[Migration]:
    """Every migration in the package, in order."""
    folder = resources.files("orderzap_adapters.postgres").joinpath("migrations")
    found = [(entry.name, entry) for entry in folder.iterdir() if _NAME.match(entry.name)]
    return [Migration(name.removesuffix(".sql"), entry.read_text(encoding="utf-8"))
            for name, entry in sorted(found)]


def _connect(owner_url: str, timeout: float) -> psycopg.Connection[Any]:
    return psycopg.connect(owner_url, autocommit=True, connect_timeout=connect_timeout(timeout),
                           client_encoding="UTF8")


def migrate(owner_url: str, *, timeout: float = 2.0) -> list[str]:
    """Apply every pending migration as the owner; the names applied now. Raises MigrationError,
    Unavailable."""
    with translated_errors():
        conn = _connect(owner_url, timeout)
    with conn:
        _check_server(conn)
        conn.execute("SET search_path TO public")
        logger.info("waiting for the migration lock")
        conn.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
        try:
            return _apply_pending(conn)
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])


def status(owner_url: str, *, timeout: float = 2.0) -> list[tuple[str, datetime | None]]:
    """Every shipped migration with the time it was applied, or None while pending. Raises
    Unavailable."""
    with translated_errors():
        conn = _connect(owner_url, timeout)
    with conn:
        applied = _applied(conn)
    return [(m.name, applied[m.name][1].astimezone(UTC) if m.name in applied else None)
            for m in shipped_migrations()]


def _check_server(conn: psycopg.Connection[Any]) -> None:
    if conn.info.server_version < MINIMUM_SERVER_VERSION:
        raise MigrationError(f"OrderZap needs PostgreSQL 14 or later (this is {conn.info.server_version})")
    encoding = conn.execute("SHOW server_encoding").fetchone()
    if encoding is None or encoding[0].upper() not in ("UTF8", "UTF-8"):
        raise MigrationError("OrderZap needs a database with UTF8 encoding")


def _applied(conn: psycopg.Connection[Any]) -> dict[str, tuple[str, datetime]]:
    present = conn.execute(MIGRATIONS_TABLE_EXISTS).fetchone()
    if not present or not present[0]:
        return {}
    return {name: (checksum, at) for name, checksum, at in conn.execute(SELECT_APPLIED)}


def _apply_pending(conn: psycopg.Connection[Any]) -> list[str]:
    conn.execute(CREATE_MIGRATIONS_TABLE)
    applied = _applied(conn)
    done: list[str] = []
    for migration in shipped_migrations():
        if migration.name in applied:
            if applied[migration.name][0] != migration.checksum:
                raise MigrationError(f"migration {migration.name} was changed after it was applied")
            continue
        logger.info("applying migration %s", migration.name)
        try:
            with conn.transaction():
                conn.execute(migration.sql.encode())
                conn.execute(INSERT_APPLIED, [migration.name, migration.checksum])
        except psycopg.errors.Error as error:
            if isinstance(error, psycopg.OperationalError):
                raise
            raise MigrationError(f"migration {migration.name} failed: {error}") from error
        done.append(migration.name)
    unknown = sorted(set(applied) - {m.name for m in shipped_migrations()})
    if unknown:
        logger.warning("the database has migrations this version does not know: %s", ", ".join(unknown))
    return done
