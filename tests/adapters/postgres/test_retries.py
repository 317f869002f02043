"""Conflicts the database resolves by aborting a transaction (deadlocks, serialization failures)
become Conflict, and services() runs the use case again, a few times, with jitter."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest

from orderzap_adapters.memory.system import FixedRandom
from orderzap_adapters.postgres import Conflict, PgDatabase
from orderzap_adapters.postgres.retry import with_retries
from orderzap_adapters.system import SystemClock, UuidIds
from orderzap_core.commands import NewMenuItem
from orderzap_core.domain.accounts import Role
from orderzap_core.errors import Unavailable
from orderzap_core.ids import RestaurantId, UserId
from orderzap_core.policy import Principal
from orderzap_core.services.menu import MenuService
from orderzap_core.services.orders import OrderService
from tests.adapters.contract.conftest import Backend

pytestmark = pytest.mark.postgres

RAISE = "DO $$ BEGIN RAISE EXCEPTION 'injected' USING ERRCODE = '{code}'; END $$"


class Flaky:
    """A unit of work factory whose first ``failures`` units of work are aborted by PostgreSQL with
    ``code`` when they commit."""

    def __init__(self, db: PgDatabase, failures: int, code: str = "deadlock_detected") -> None:
        self.db, self.failures, self.code, self.calls = db, failures, code, 0

    def __call__(self, restaurant_id: RestaurantId) -> Any:
        self.calls += 1
        uow = self.db.unit_of_work(restaurant_id)
        if self.failures:
            self.failures -= 1
            commit = uow.commit

            def aborted() -> None:
                uow.session.fetch(RAISE.format(code=self.code))
                commit()

            uow.commit = aborted  # type: ignore[method-assign]
        return uow


@pytest.mark.parametrize("code", ["deadlock_detected", "serialization_failure"])
def test_a_transaction_the_database_aborts_for_a_conflict_raises_conflict(pg: Backend, code: str) -> None:
    restaurant = pg.open_restaurant()
    with pytest.raises(Conflict) as raised, pg.uow(restaurant.id) as uow:
        uow.session.fetch(RAISE.format(code=code))  # type: ignore[attr-defined]
    assert isinstance(raised.value, Unavailable) and raised.value.retry_after == 1


def _menu(factory: Flaky, sleeps: list[float], attempts: int = 3) -> MenuService:
    retrying = with_retries(MenuService, attempts=attempts, random=FixedRandom(0.5), sleep=sleeps.append)
    return retrying(factory, SystemClock(), UuidIds())


def test_a_use_case_aborted_by_conflicts_runs_again_until_it_succeeds(pg: Backend,
                                                                       pg_db: PgDatabase) -> None:
    restaurant = pg.open_restaurant()
    admin = Principal(UserId(uuid4()), restaurant.id, Role.ADMIN)
    factory, sleeps = Flaky(pg_db, failures=2), []
    menu = _menu(factory, sleeps)
    item = menu.create(admin, NewMenuItem("Margherita", 1150))
    assert factory.calls == 3
    assert len(sleeps) == 2 and 0 < sleeps[0] < sleeps[1]
    assert [i.id for i in menu.list(admin).items] == [item.id]
    assert isinstance(menu, MenuService)


def test_a_use_case_still_in_conflict_after_its_last_attempt_is_unavailable(pg: Backend,
                                                                           pg_db: PgDatabase) -> None:
    restaurant = pg.open_restaurant()
    admin = Principal(UserId(uuid4()), restaurant.id, Role.ADMIN)
    factory, sleeps = Flaky(pg_db, failures=3, code="serialization_failure"), []
    menu = _menu(factory, sleeps)
    with pytest.raises(Unavailable):
        menu.create(admin, NewMenuItem("Margherita", 1150))
    assert factory.calls == 3
    assert menu.list(admin).items == ()


def test_a_use_case_calling_another_is_retried_as_a_whole(pg: Backend, pg_db: PgDatabase) -> None:
    restaurant = pg.open_restaurant()
    dish, = pg.add_dishes(restaurant.id)
    order = pg.place(restaurant.id, [dish])
    admin = Principal(UserId(uuid4()), restaurant.id, Role.ADMIN)
    factory, sleeps = Flaky(pg_db, failures=3), []
    orders = with_retries(OrderService, attempts=3, random=FixedRandom(), sleep=sleeps.append)(
        factory, SystemClock(), UuidIds())
    with pytest.raises(Conflict):
        orders.cancel(admin, order.id)          # cancel calls change_status: three runs, not nine
    assert factory.calls == 3 and len(sleeps) == 2
    assert orders.cancel(admin, order.id).version == 2
