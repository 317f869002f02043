"""The PostgreSQL adapters of every port of the core (psycopg 3, psycopg_pool).

``PgDatabase.open(PgConfig(...))`` opens the pools (never at import time: gunicorn forks after
importing); ``services(db)`` builds the whole application on it, like
``orderzap_adapters.memory.world()`` does on fakes. Three roles: the owner (``owner_url``) runs
migrations and lists restaurants; orderzap_app serves every request; orderzap_relay drains the
outbox. With no ``app_url``/``relay_url``, the pools log in as the owner and switch role on
connect. docs/database.md describes the schema, the tenancy walls and the round trips.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from attrs import frozen

from orderzap_adapters.null_cache import NullOrderCache, NullSink
from orderzap_adapters.postgres import migrate as migrations
from orderzap_adapters.postgres.accounts import PgDirectory
from orderzap_adapters.postgres.errors import Conflict
from orderzap_adapters.postgres.known_orders import KnownOrders
from orderzap_adapters.postgres.outbox import PgOutboxMonitor
from orderzap_adapters.postgres.pool import APP_ROLE, RELAY_ROLE, open_pool
from orderzap_adapters.postgres.retry import with_retries
from orderzap_adapters.postgres.session import one_shot
from orderzap_adapters.postgres.unit_of_work import PgRelayUnitOfWork, PgUnitOfWork
from orderzap_adapters.system import Argon2Hasher, SystemClock, SystemRandom, UuidIds
from orderzap_core.errors import Unavailable
from orderzap_core.ids import RestaurantId
from orderzap_core.ports.cache import OrderCache, SnapshotSink
from orderzap_core.ports.system import Clock, IdGenerator, PasswordHasher, Random
from orderzap_core.services import Services
from orderzap_core.services.accounts import AccountService
from orderzap_core.services.menu import MenuService
from orderzap_core.services.orders import OrderService
from orderzap_core.services.reads import CachedReads
from orderzap_core.services.relay import OutboxRelay

__all__ = ["Conflict", "PgConfig", "PgDatabase", "services"]

logger = logging.getLogger("orderzap.postgres")
_role_switch_logged = False


@frozen
class PgConfig:
    """Where the database is and how the pools behave. ``max_size`` connections at most per
    process, ``timeout`` seconds to wait for one (then Unavailable), idle ones closed after
    ``max_idle`` seconds."""

    owner_url: str
    app_url: str | None = None
    relay_url: str | None = None
    max_size: int = 20
    timeout: float = 2.0
    max_idle: float = 30.0
    min_size: int = 1
    relay_max_size: int = 4
    #: How long a pool keeps retrying a lost connection in the background before it waits for
    #: the next request to try again.
    reconnect_timeout: float = 5.0
    #: psycopg prepares a statement after this many runs; None behind PgBouncer < 1.22.
    prepare_threshold: int | None = 5
    #: Runs of a use case that the database aborted to resolve a conflict (services()).
    attempts: int = 3


class PgDatabase:
    """The PostgreSQL side of OrderZap: pools for orderzap_app and orderzap_relay, the unit of
    work factories, the directory, the outbox monitor, migrations."""

    def __init__(self, config: PgConfig, app_pool: Any, relay_pool: Any) -> None:
        self.config = config
        #: Called after each commit that queued a snapshot (the in-process relay's wake-up).
        self.on_outbox: Callable[[], None] | None = None
        self._app_pool, self._relay_pool = app_pool, relay_pool
        self.directory = PgDirectory(app_pool, config.owner_url, config.timeout)
        self.outbox_monitor = PgOutboxMonitor(relay_pool, config.timeout)
        #: Orders read by this process, reused while unchanged (known_orders.py).
        self.known_orders = KnownOrders()

    @classmethod
    def open(cls, config: PgConfig) -> PgDatabase:
        """Open the pools; they connect in the background, so a database that is down now makes
        requests Unavailable rather than failing here."""
        global _role_switch_logged
        if config.app_url is None and not _role_switch_logged:
            _role_switch_logged = True
            logger.warning("no login of its own for orderzap_app: the pools log in as the owner and switch "
                           "role on connect (SET ROLE); a separate login (DATABASE_APP_URL) is safer")
        common: dict[str, Any] = {"timeout": config.timeout, "max_idle": config.max_idle,
                                  "reconnect_timeout": config.reconnect_timeout,
                                  "prepare_threshold": config.prepare_threshold}
        app_pool = open_pool(config.app_url or config.owner_url, role=APP_ROLE, name="orderzap-app",
                             min_size=config.min_size, max_size=config.max_size, **common)
        relay_pool = open_pool(config.relay_url or config.owner_url, role=RELAY_ROLE, name="orderzap-relay",
                               min_size=0, max_size=config.relay_max_size, **common)
        return cls(config, app_pool, relay_pool)

    def close(self) -> None:
        """Close both pools (connections in use are closed when returned)."""
        self._app_pool.close()
        self._relay_pool.close()

    def migrate(self) -> list[str]:
        """Apply pending migrations as the owner, under an advisory lock; the names applied now."""
        return migrations.migrate(self.config.owner_url, timeout=self.config.timeout)

    def status(self) -> list[tuple[str, datetime | None]]:
        """Every migration with the time it was applied, or None while pending."""
        return migrations.status(self.config.owner_url, timeout=self.config.timeout)

    def unit_of_work(self, restaurant_id: RestaurantId) -> PgUnitOfWork:
        """A unit of work of one restaurant (the core's UnitOfWorkFactory)."""
        return PgUnitOfWork(self._app_pool, restaurant_id, self.config.timeout, self._outbox_committed,
                            self.known_orders)

    def _outbox_committed(self) -> None:
        if self.on_outbox is not None:
            self.on_outbox()

    def relay_unit_of_work(self) -> PgRelayUnitOfWork:
        """A relay transaction across restaurants."""
        return PgRelayUnitOfWork(self._relay_pool, self.config.timeout)

    def ping(self) -> bool:
        """Whether the database answers orderzap_app within the pool's timeout."""
        try:
            one_shot(self._app_pool, self.config.timeout, "SELECT 1 AS ok")
        except Unavailable:
            return False
        return True


def services(db: PgDatabase, *, cache: OrderCache | None = None, sink: SnapshotSink | None = None,
             clock: Clock | None = None, ids: IdGenerator | None = None, hasher: PasswordHasher | None = None,
             random: Random | None = None, cache_reads: bool = True, relay_batch: int = 200,
             relay_sweep_seconds: float = 1.0) -> Services:
    """The whole application on PostgreSQL. Use cases the database aborted to resolve a conflict
    run again (``db.config.attempts`` runs in all, with jitter). The relay delivers up to
    ``relay_batch`` snapshots a call and, idle, looks again every ``relay_sweep_seconds``."""
    clock = clock or SystemClock()
    ids = ids or UuidIds()
    hasher = hasher or Argon2Hasher()
    random = random or SystemRandom()
    read_cache = cache or NullOrderCache()

    def retrying(kind: type[Any]) -> Any:
        return with_retries(kind, attempts=db.config.attempts, random=random)

    orders = retrying(OrderService)(db.unit_of_work, clock, ids)
    return Services(
        orders=orders,
        menu=retrying(MenuService)(db.unit_of_work, clock, ids),
        accounts=retrying(AccountService)(db.unit_of_work, db.directory, clock, ids, hasher),
        reads=CachedReads(orders, read_cache, reads_enabled=cache_reads),
        relay=OutboxRelay(db.relay_unit_of_work, sink or NullSink(), clock, random,
                          batch_size=relay_batch, idle_seconds=relay_sweep_seconds),
        outbox=db.outbox_monitor,
        directory=db.directory,
        cache=read_cache,
        clock=clock,
    )
