"""Session: one transaction on one pooled connection, in as few network round trips as it can.

Connections are in autocommit mode and the session sends ``BEGIN`` itself, as the first statement
of its first pipeline (psycopg's implicit ``BEGIN`` would cost a round trip of its own). Writes
do not go out when a repository is called: they queue up, and travel with the next read, or with
``COMMIT``, in one pipeline. So a read costs one round trip however many writes precede it, and
a commit costs one however many writes it carries. The tenant setting is the first queued
statement, so it costs nothing either.

A read-only unit of work sends neither ``BEGIN`` nor ``COMMIT``: in the extended protocol every
statement up to a pipeline's Sync runs in one implicit transaction, which the Sync ends. So each
read is the tenant setting and the query, in one round trip, and there is no ``ROLLBACK`` to send
at the end (two statements instead of four: the pipeline's cost is per statement). A query that
sets the tenant itself (:meth:`Session.fetch_tenanted`, a function that does so first) goes alone:
an exchange of one statement is sent without a pipeline at all.

Errors of a pipeline surface when it is synchronised; a failed statement aborts the rest of the
pipeline, ``COMMIT`` included, so a failed commit leaves nothing behind.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from time import monotonic
from typing import Any

import psycopg
from attrs import frozen
from psycopg import sql
from psycopg.pq import TransactionStatus
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool

from orderzap_adapters.postgres.errors import translated_errors

logger = logging.getLogger("orderzap.postgres")

Query = str | sql.Composable
Params = Mapping[str, Any] | Sequence[Any] | None

BEGIN = "BEGIN"
COMMIT = "COMMIT"
ROLLBACK = "ROLLBACK"


@frozen
class Statement:
    """A query and its parameters, waiting to be sent."""

    query: Query
    params: Params = None


class Session:
    """One transaction on a connection taken from ``pool`` (call ``open()`` first, ``close()``
    always). ``prelude`` statements open the transaction (the tenant setting) and travel with
    its first exchange. Raises Unavailable when no connection comes within ``timeout`` seconds."""

    def __init__(self, pool: ConnectionPool[Any], timeout: float, *, prelude: Sequence[Statement] = (),
                 attempts: int = 3) -> None:
        self._pool = pool
        self._timeout = timeout
        self._attempts = attempts
        self._conn: psycopg.Connection[Any] | None = None
        self._pending: list[Statement] = []
        self._prelude = list(prelude)
        self._began = False
        self._each_read_commits = False
        #: Network round trips this session has made (the docs count them per use case).
        self.round_trips = 0

    def open(self) -> None:
        """Take a connection from the pool. Raises Unavailable."""
        self._deadline = monotonic() + self._timeout
        with translated_errors():
            self._conn = self._pool.getconn(timeout=self._timeout)

    def defer(self, query: Query, params: Params = None) -> None:
        """Queue a statement whose result nobody reads; it goes out with the next exchange."""
        if self._each_read_commits:
            raise RuntimeError("a read-only session cannot queue a write")
        self._pending.append(Statement(query, params))

    def end_with_each_read(self) -> None:
        """From now on every exchange is a transaction of its own, ended by the pipeline's Sync
        (read-only work: the tenant setting goes with each), so closing has no ROLLBACK to send."""
        self._each_read_commits = True

    @property
    def read_only(self) -> bool:
        """Whether each exchange is a transaction of its own (so reads see only committed rows)."""
        return self._each_read_commits

    def fetch(self, query: Query, params: Params = None, *, commit: bool = False) -> list[DictRow]:
        """Send the queued statements and ``query`` in one round trip and return ``query``'s rows;
        with ``commit``, the same round trip also commits."""
        return self._exchange([Statement(query, params)], commit=commit)[0]

    def fetch_all(self, *statements: Statement) -> list[list[DictRow]]:
        """Send the queued statements and ``statements`` in one round trip; the rows of each.
        Each statement runs on a fresh snapshot, so one may see what an earlier one waited for."""
        return self._exchange(list(statements), commit=False)

    def fetch_tenanted(self, query: Query, params: Params = None) -> list[DictRow] | None:
        """For read-only work with nothing sent yet: ``query``, which sets the tenant itself (a
        function that does so first), sent alone, as one statement without a pipeline; its rows.
        None when the session is past that point: then use :meth:`fetch` instead."""
        if not self._each_read_commits or self._began or self._pending:
            return None
        return self._exchange([Statement(query, params)], commit=False, alone=True)[0]

    def fetch_one(self, query: Query, params: Params = None) -> DictRow | None:
        """The first row of ``query`` (or None), like ``fetch``."""
        rows = self.fetch(query, params)
        return rows[0] if rows else None

    def commit(self) -> None:
        """Send the queued statements and COMMIT, in one round trip."""
        if self._each_read_commits:
            raise RuntimeError("a read-only session has nothing to commit")
        if not self._began and not self._pending:
            return                          # nothing was read or written: nothing to commit
        self._exchange([], commit=True)

    def close(self) -> None:
        """Roll back unless committed (one round trip when a transaction is open) and give the
        connection back to the pool."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if not conn.closed and conn.info.transaction_status != TransactionStatus.IDLE:
                # NOTE: never prepared: preparing it would cost one more round trip, once.
                conn.execute(ROLLBACK, prepare=False)
                self.round_trips += 1
        except psycopg.Error as error:       # a dead connection has nothing to roll back
            logger.info("rollback failed: %s", error)
        finally:
            self._pool.putconn(conn)

    def _exchange(self, wanted: list[Statement], *, commit: bool, alone: bool = False
                  ) -> list[list[DictRow]]:
        # NOTE: a read-only exchange ends its transaction too, but writes nothing: sending it
        # again is safe.
        repeatable = not commit
        if alone:
            statements = list(wanted)                  # it sets the tenant itself
        elif self._each_read_commits and not self._began:
            # an implicit transaction (see above); writes queued before read_only() go with it
            statements = [*self._prelude, *self._pending, *wanted]
        else:
            statements = [] if self._began else [Statement(BEGIN), *self._prelude]
            statements += self._pending + wanted
            commit = commit or self._each_read_commits
            if commit:
                statements.append(Statement(COMMIT))
            self._began = True
        self._pending = []
        with translated_errors():
            for attempt in range(1, self._attempts + 1):
                try:
                    answers = self._send(statements, wanted)
                    break
                except psycopg.OperationalError:
                    if not self._may_reconnect(not repeatable, attempt):
                        raise
                    self._reconnect()
        if commit:
            self._began = False
        return answers

    def _send(self, statements: list[Statement], wanted: list[Statement]) -> list[list[DictRow]]:
        conn = self._conn
        if conn is None:
            raise psycopg.OperationalError("the session is not open")
        if len(statements) == 1 and len(wanted) == 1:
            # NOTE: one statement needs no pipeline: psycopg's pipeline costs more client CPU
            # than the statement itself (docs/performance.md).
            rows = conn.cursor(row_factory=dict_row).execute(
                statements[0].query, statements[0].params).fetchall()  # type: ignore[arg-type]
            self.round_trips += 1
            return [rows]
        answers: dict[int, psycopg.Cursor[DictRow]] = {}
        wanted_ids = {id(statement) for statement in wanted}
        try:
            with conn.pipeline():
                unread = conn.cursor()          # one cursor for every statement nobody reads
                for statement in statements:
                    if id(statement) in wanted_ids:
                        cursor = conn.cursor(row_factory=dict_row)
                        answers[id(statement)] = cursor
                    else:
                        cursor = unread
                    cursor.execute(statement.query, statement.params)  # type: ignore[arg-type]
        except psycopg.Error as error:
            if not isinstance(error, psycopg.OperationalError):
                # NOTE: after a statement fails half-way through a pipeline, psycopg (3.3.9) may
                # still count as prepared a statement the server skipped, and the connection's
                # next use of it fails ("prepared statement … does not exist"). The pool
                # replaces a closed connection; failed writes are rare enough to pay for that.
                conn.close()
            raise
        self.round_trips += 1
        return [answers[id(statement)].fetchall() for statement in wanted]

    def _may_reconnect(self, commit: bool, attempt: int) -> bool:
        # NOTE: only a first exchange that commits nothing is safe to send again: a pooled
        # connection that died with its server (a restart) fails on first use, and the
        # transaction had not started. A commit that may have happened is never repeated.
        conn = self._conn
        return (self.round_trips == 0 and not commit and attempt < self._attempts
                and conn is not None and conn.broken and monotonic() < self._deadline)

    def _reconnect(self) -> None:
        broken, self._conn = self._conn, None
        if broken is not None:
            self._pool.putconn(broken)       # the pool discards a closed connection
        logger.info("replacing a broken pooled connection")
        self._conn = self._pool.getconn(timeout=max(0.05, self._deadline - monotonic()))


def one_shot(pool: ConnectionPool[Any], timeout: float, query: Query, params: Params = None) -> list[DictRow]:
    """Run one statement in its own transaction (BEGIN, it and COMMIT: one round trip); its rows."""
    session = Session(pool, timeout)
    session.open()
    try:
        return session.fetch(query, params, commit=True)
    finally:
        session.close()
