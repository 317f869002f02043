"""The composition root: Settings → a Runtime holding Services and what must be closed.

This is the only code that picks real adapters. With ``DATABASE_URL`` unset it starts (or joins)
the embedded PostgreSQL in the data directory; otherwise it connects to ``DATABASE_URL`` (the
owner) and ``DATABASE_APP_URL`` (the server's own login as ``orderzap_app``). With ``CONVEX_URL``
the Convex mirror serves reads first and receives the relay's snapshots; without it, reads bypass
the null cache and the relay drains to the null sink.

Two steps, because gunicorn forks: :func:`start_database` runs once in the process that owns the
embedded server (the master), and :func:`open_runtime` opens pools in each process that uses them
(every worker, after the fork). A CLI command does both.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from attrs import define, frozen

from orderzap_adapters.system import Argon2Hasher, SystemClock, SystemRandom, UuidIds
from orderzap_core import Services
from orderzap_http.settings import Settings, SettingsError, ensure_private_dir

if TYPE_CHECKING:
    from orderzap_adapters.convex import ConvexMirror
    from orderzap_adapters.postgres import PgDatabase
    from orderzap_adapters.postgres.embedded import EmbeddedPostgres
    from orderzap_core.services.mirror_audit import MirrorVerifier
    from orderzap_http.realtime import RealtimeTokens

#: The one line for a command that needs the mirror when none is configured.
NO_MIRROR = ("no Convex mirror is configured: set CONVEX_URL (or CONVEX_DEPLOYMENT) and "
             "CONVEX_ADMIN_KEY")


class StartupError(Exception):
    """The database could not be started or is not ready; the message is the one line to print."""


@frozen
class Endpoints:
    """Where the database is: the owner's URL, and the app's and relay's logins when known."""

    owner_url: str
    app_url: str | None = None
    relay_url: str | None = None


@define
class Database:
    """A started database: its endpoints, and the embedded server this process joined, if any."""

    endpoints: Endpoints
    embedded: EmbeddedPostgres | None = None

    def stop(self) -> None:
        """Leave the embedded server; the last process to leave stops it (pgserver counts them)."""
        embedded, self.embedded = self.embedded, None
        if embedded is not None:
            embedded.stop()


def start_database(settings: Settings) -> Database:
    """Start or join the embedded PostgreSQL (no DATABASE_URL), else name DATABASE_URL's.
    Raises StartupError when the embedded server cannot start."""
    if not settings.embedded:
        assert settings.database_url is not None
        return Database(Endpoints(settings.database_url, settings.database_app_url))
    from orderzap_adapters.postgres.embedded import start_embedded

    data_dir = settings.resolved_data_dir
    try:
        ensure_private_dir(data_dir)
        embedded = start_embedded(data_dir, migrate=False)    # migrations are the caller's choice
    except Exception as error:  # noqa: BLE001 — pgserver raises whatever its subprocesses did
        raise StartupError(
            f"cannot start the embedded PostgreSQL in {data_dir}: {_first_line(error)}") from error
    return Database(Endpoints(embedded.owner_url, embedded.app_url, embedded.relay_url), embedded)


def open_database(settings: Settings, endpoints: Endpoints, *, max_size: int | None = None) -> PgDatabase:
    """Pools on ``endpoints``, sized and timed by the settings. Raises Unavailable."""
    from orderzap_adapters.postgres import PgConfig, PgDatabase

    return PgDatabase.open(PgConfig(
        endpoints.owner_url, app_url=endpoints.app_url, relay_url=endpoints.relay_url,
        max_size=min(max_size or settings.pool_max_size, settings.pool_max_size),
        timeout=settings.pool_timeout_seconds, max_idle=settings.pool_idle_seconds))


def open_mirror(settings: Settings) -> ConvexMirror | None:
    """The Convex mirror of the settings (one client and breaker for this process), or None
    when no CONVEX_URL is configured. Opens no connection yet."""
    if settings.convex_url is None:
        return None
    from orderzap_adapters.convex import CircuitBreaker, ConvexMirror, Timeouts

    assert settings.convex_admin_key is not None      # Settings.checked() demands it
    timeouts = Timeouts(connect=settings.convex_connect_timeout_seconds,
                        read=settings.convex_read_timeout_seconds,
                        write=settings.convex_connect_timeout_seconds * 2,
                        pool=settings.convex_connect_timeout_seconds)
    breaker = CircuitBreaker(failure_threshold=settings.convex_breaker_failures,
                             pause=settings.convex_breaker_pause_seconds)
    return ConvexMirror(settings.convex_url, settings.convex_admin_key, timeouts, breaker=breaker,
                        write_read_timeout=settings.convex_write_timeout_seconds,
                        batch_read_timeout=settings.convex_write_timeout_seconds)


def build_services(settings: Settings, database: PgDatabase, mirror: ConvexMirror | None = None) -> Services:
    """The application on PostgreSQL with the real clock, ids, randomness and Argon2id hashing;
    reads and the relay go to ``mirror`` when given (else the null cache and the null sink)."""
    from orderzap_adapters import postgres

    return postgres.services(database, clock=SystemClock(), ids=UuidIds(), hasher=Argon2Hasher(),
                             random=SystemRandom(), cache_reads=settings.cache_reads,
                             cache=mirror.cache if mirror is not None else None,
                             sink=mirror.sink if mirror is not None else None,
                             relay_batch=settings.relay_batch_size,
                             relay_sweep_seconds=settings.relay_sweep_seconds)


@frozen
class OwnerSchema:
    """The migrations of a database, reached as its owner: no pool, no runtime role needed (on a
    fresh database the roles do not exist before the first migration)."""

    owner_url: str
    timeout: float

    def migrate(self) -> list[str]:
        """Apply pending migrations under an advisory lock; the names applied now."""
        from orderzap_adapters.postgres import migrate

        return migrate.migrate(self.owner_url, timeout=self.timeout)

    def status(self) -> list[tuple[str, datetime | None]]:
        """Every migration and when it was applied (None: pending)."""
        from orderzap_adapters.postgres import migrate

        return migrate.status(self.owner_url, timeout=self.timeout)


@define
class SchemaSession:
    """An OwnerSchema on a database started for it, and what closing must release."""

    schema: OwnerSchema
    started: Database

    def close(self) -> None:
        """Leave the embedded server if this session joined it."""
        self.started.stop()


def open_schema(settings: Settings) -> SchemaSession:
    """The owner's view of the configured database's migrations. Raises StartupError."""
    started = start_database(settings)
    return SchemaSession(OwnerSchema(started.endpoints.owner_url, settings.pool_timeout_seconds), started)


@define
class Runtime:
    """Services on an open database, and what closing must release."""

    settings: Settings
    services: Services
    database: PgDatabase
    #: The database this runtime started itself (a CLI command); None when a master owns it.
    started: Database | None = None
    #: The Convex mirror, when one is configured.
    mirror: ConvexMirror | None = None
    #: The realtime token minter for ``create_app(..., realtime=...)``; None without a mirror.
    realtime: RealtimeTokens | None = None

    def verifier(self) -> MirrorVerifier:
        """``cache verify``'s comparison of the mirror with PostgreSQL. Raises SettingsError
        when no mirror is configured."""
        from orderzap_core.services.mirror_audit import MirrorVerifier

        if self.mirror is None:
            raise SettingsError(NO_MIRROR)
        return MirrorVerifier(self.database.unit_of_work, self.mirror.cache,
                              self.services.accounts.list_restaurants)

    def close(self) -> None:
        """Close the mirror's connections and the pools, then leave the embedded server if this
        runtime joined it."""
        try:
            if self.mirror is not None:
                self.mirror.close()
            self.database.close()
        finally:
            if self.started is not None:
                self.started.stop()


def open_runtime(settings: Settings, *, endpoints: Endpoints | None = None, migrate: bool = False,
                 check_schema: bool = False, max_size: int | None = None) -> Runtime:
    """Open the application: on ``endpoints`` when given (a worker), else on a database started
    here (a CLI command). ``migrate`` applies pending migrations as the owner first;
    ``check_schema`` refuses a database with pending migrations. Raises SettingsError (the realtime
    key), StartupError, Unavailable."""
    from orderzap_http.realtime import RealtimeTokens

    # NOTE: first: a bad realtime key stops start-up before any database is started or joined.
    realtime = RealtimeTokens.from_settings(settings)
    started = None if endpoints is not None else start_database(settings)
    where = endpoints if endpoints is not None else started.endpoints  # type: ignore[union-attr]
    try:
        # NOTE: before the pools open: they log in as orderzap_app, which the first migration creates.
        schema = OwnerSchema(where.owner_url, settings.pool_timeout_seconds)
        if migrate:
            schema.migrate()
        elif check_schema:
            pending = [name for name, at in schema.status() if at is None]
            if pending:
                raise StartupError(f"the database has {len(pending)} pending migration(s), "
                                   f"the first is {pending[0]}: run `orderzap db migrate`")
        database = open_database(settings, where, max_size=max_size)
        mirror = open_mirror(settings)
        try:
            return Runtime(settings, build_services(settings, database, mirror), database, started,
                           mirror, realtime)
        except BaseException:
            if mirror is not None:
                mirror.close()
            database.close()
            raise
    except BaseException:
        if started is not None:
            started.stop()
        raise


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
