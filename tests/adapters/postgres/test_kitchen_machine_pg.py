"""The core's kitchen machine on PostgreSQL: the same rules and invariants, fewer examples.

Each example opens its own restaurants (random ids) on the session's database, with a memory
mirror as the relay's sink. The database is shared, so ``pending`` counts only the outbox rows of
the example's own restaurants.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, ClassVar
from uuid import UUID, uuid4

import psycopg
import pytest
from attrs import frozen
from hypothesis import HealthCheck, settings

from orderzap_adapters.memory import MemoryOrderCache
from orderzap_adapters.memory.system import FixedRandom, PlainHasher, TickingClock
from orderzap_adapters.postgres import PgDatabase, services
from orderzap_adapters.postgres.pool import RELAY_ROLE
from orderzap_core.services import Services
from tests.adapters.postgres.conftest import connect_as
from tests.core.test_kitchen_machine import KitchenMachine
from tests.pg_fixtures import DatabaseUrls

pytestmark = pytest.mark.postgres

COUNT_PENDING = "SELECT count(*) FROM outbox WHERE parked_at IS NULL AND restaurant_id = ANY(%s)"


class ExampleIds:
    """Ids 1, 2, 3 … under a random prefix drawn once per example: unique on the shared database,
    yet in the same order in every run of an example, as Hypothesis needs when it replays one."""

    def __init__(self) -> None:
        self._prefix = uuid4().int >> 64 << 64     # NOTE: uuid4, not random: Hypothesis seeds random
        self._next = 0
        self._lock = threading.Lock()

    def new(self) -> UUID:
        """The next id."""
        with self._lock:
            self._next += 1
            return UUID(int=self._prefix | self._next)


@frozen
class PgKitchenWorld:
    """The services on PostgreSQL, and the memory mirror the relay feeds."""

    services: Services
    cache: MemoryOrderCache | None


class PgKitchenMachine(KitchenMachine):
    """KitchenMachine whose services run on PostgreSQL."""

    database: ClassVar[PgDatabase]
    outbox_reader: ClassVar[psycopg.Connection[Any]]

    def build(self) -> PgKitchenWorld:
        mirror = MemoryOrderCache()
        return PgKitchenWorld(services(self.database, cache=mirror, sink=mirror, clock=TickingClock(),
                                       ids=ExampleIds(), hasher=PlainHasher(), random=FixedRandom()), mirror)

    def pending(self) -> int:
        mine = [kitchen.restaurant.id for kitchen in self.kitchens]
        row = self.outbox_reader.execute(COUNT_PENDING, [mine]).fetchone()
        assert row is not None
        return int(row[0])


@pytest.fixture(autouse=True)
def _on_postgres(pg_db: PgDatabase, pg_urls: DatabaseUrls) -> Iterator[None]:
    with connect_as(pg_urls, RELAY_ROLE) as reader:
        PgKitchenMachine.database, PgKitchenMachine.outbox_reader = pg_db, reader
        yield


TestKitchenOnPostgres = PgKitchenMachine.TestCase
TestKitchenOnPostgres.settings = settings(
    max_examples=20, stateful_step_count=30, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
