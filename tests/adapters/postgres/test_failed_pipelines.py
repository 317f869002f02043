"""A connection whose pipeline failed half-way is closed and replaced, never reused.

psycopg may still count as prepared a statement the server skipped after the failure; reused,
the connection then failed with "prepared statement … does not exist" (seen in the contract
suite, run alone, with psycopg 3.3.9).
"""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import pytest

from orderzap_adapters.postgres import PgConfig, PgDatabase
from orderzap_core.errors import ValidationFailed
from tests.adapters.samples import a_clock, a_restaurant, a_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def one_connection(pg_config: PgConfig) -> Iterator[PgDatabase]:
    """Pools of one connection, so every unit of work runs on the same one."""
    db = PgDatabase.open(attrs.evolve(pg_config, min_size=1, max_size=1))
    yield db
    db.close()


def _opened(db: PgDatabase) -> int:
    return int(db._app_pool.get_stats().get("connections_num", 0))


def test_a_commit_refused_half_way_costs_its_connection_and_nothing_else(
        one_connection: PgDatabase) -> None:
    clock = a_clock()
    restaurant = a_restaurant(clock.now())
    taken = a_user(restaurant.id, clock.now())
    with one_connection.unit_of_work(restaurant.id) as uow:
        uow.restaurant.add(restaurant)
        uow.users.add(taken)
        uow.commit()
    opened = _opened(one_connection)
    with pytest.raises(ValidationFailed), one_connection.unit_of_work(restaurant.id) as uow:
        uow.users.add(a_user(restaurant.id, clock.now(), email=taken.email))
        uow.commit()
    later = [a_user(restaurant.id, clock.now()) for _ in range(8)]
    for user in later:
        with one_connection.unit_of_work(restaurant.id) as uow:
            uow.users.add(user)
            uow.commit()
    assert _opened(one_connection) == opened + 1
    with one_connection.unit_of_work(restaurant.id) as uow:
        assert {u.id for u in uow.users.list()} == {taken.id, *(u.id for u in later)}


def test_a_commit_that_succeeds_keeps_its_connection(one_connection: PgDatabase) -> None:
    clock = a_clock()
    restaurant = a_restaurant(clock.now())
    with one_connection.unit_of_work(restaurant.id) as uow:
        uow.restaurant.add(restaurant)
        uow.commit()
    opened = _opened(one_connection)
    for _ in range(3):
        with one_connection.unit_of_work(restaurant.id) as uow:
            uow.users.add(a_user(restaurant.id, clock.now()))
            uow.commit()
    assert _opened(one_connection) == opened
