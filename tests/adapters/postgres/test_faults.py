"""Faults: a database that cannot be reached, one that goes away and comes back, and a unit of
work that fails half-way. The server of these tests is their own (stopping it must not disturb
the session's)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from orderzap_adapters.memory.system import PlainHasher
from orderzap_adapters.postgres import PgConfig, PgDatabase, services
from orderzap_adapters.postgres.embedded import EmbeddedPostgres, start_embedded
from orderzap_adapters.postgres.migrate import migrate, status
from orderzap_core.commands import ListOrders, NewMenuItem
from orderzap_core.domain.accounts import Role
from orderzap_core.errors import Unavailable, ValidationFailed
from orderzap_core.services import Services
from tests.adapters.contract.conftest import Backend
from tests.adapters.samples import a_dish, a_user, an_order
from tests.core.builders import add_dish, join, line, open_restaurant
from tests.core.builders import an_order as an_order_body
from tests.pg_fixtures import private_tmp_dir

pytestmark = pytest.mark.postgres

PATIENCE_SECONDS = 60.0
NOWHERE = "postgresql://orderzap_app@/postgres?host=/nonexistent-orderzap-socket-dir"


@pytest.fixture
def drill_server() -> Iterator[EmbeddedPostgres]:
    """An embedded server of this test alone, migrated."""
    with private_tmp_dir("orderzap-drill-") as path:
        server = start_embedded(path / "data")
        try:
            yield server
        finally:
            server.resume()
            server.stop()


def _open(server: EmbeddedPostgres) -> tuple[PgDatabase, Services]:
    db = PgDatabase.open(PgConfig(server.owner_url, app_url=server.app_url, relay_url=server.relay_url,
                                  timeout=1.0, reconnect_timeout=2.0))
    return db, services(db, hasher=PlainHasher())


def _eventually(attempt: object) -> None:
    """Call ``attempt`` until it stops raising Unavailable."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        try:
            attempt()  # type: ignore[operator]
            return
        except Unavailable:
            assert time.monotonic() < deadline, "the pool did not recover"
            time.sleep(0.1)


def test_a_database_that_cannot_be_reached_is_unavailable_never_a_hang() -> None:
    db = PgDatabase.open(PgConfig(NOWHERE, app_url=NOWHERE, relay_url=NOWHERE, timeout=0.5))
    oz = services(db, hasher=PlainHasher())
    try:
        assert not db.ping()
        with pytest.raises(Unavailable) as refused:
            oz.accounts.restaurant("anywhere")
        assert refused.value.retry_after > 0
        with pytest.raises(Unavailable):
            oz.accounts.list_restaurants()
        with pytest.raises(Unavailable):
            oz.outbox.stats(oz.clock.now())
        with pytest.raises(Unavailable):
            oz.relay.step()
        with pytest.raises(Unavailable):
            migrate(NOWHERE, timeout=0.5)
        with pytest.raises(Unavailable):
            status(NOWHERE, timeout=0.5)
    finally:
        db.close()


def test_a_server_that_stops_makes_requests_unavailable_and_the_pool_recovers_when_it_returns(
        drill_server: EmbeddedPostgres) -> None:
    db, oz = _open(drill_server)
    try:
        restaurant = open_restaurant(oz)
        admin = join(oz, restaurant, Role.ADMIN)
        dish = add_dish(oz, admin)
        assert db.ping()

        drill_server.halt()
        with pytest.raises(Unavailable):
            oz.menu.list(admin)
        with pytest.raises(Unavailable):
            oz.orders.place(admin, an_order_body(line(dish)))
        with pytest.raises(Unavailable):
            oz.relay.step()
        assert not db.ping()

        drill_server.resume()
        _eventually(lambda: oz.menu.list(admin))
        placed = oz.orders.place(admin, an_order_body(line(dish))).order
        assert [o.id for o in oz.orders.list(admin, ListOrders()).items] == [placed.id]
        assert placed.order_number == 1
        _eventually(oz.relay.drain)
        assert db.ping()
    finally:
        db.close()


def test_a_unit_of_work_whose_server_goes_away_fails_unavailable_and_keeps_nothing(
        drill_server: EmbeddedPostgres) -> None:
    db, oz = _open(drill_server)
    try:
        restaurant = open_restaurant(oz)
        admin = join(oz, restaurant, Role.ADMIN)
        with pytest.raises(Unavailable), db.unit_of_work(restaurant.id) as uow:
            assert not uow.menu_items.name_taken("Calzone")
            drill_server.halt()
            uow.menu_items.add(a_dish(restaurant.id, oz.clock.now(), name="Calzone"))
            uow.commit()
        drill_server.resume()
        _eventually(lambda: oz.menu.list(admin))
        assert oz.menu.list(admin).items == ()
        oz.menu.create(admin, NewMenuItem("Calzone", 1300))
    finally:
        db.close()


def test_a_commit_refused_half_way_leaves_no_row_no_number_and_no_outbox_row(pg: Backend) -> None:
    restaurant = pg.open_restaurant()
    dish, = pg.add_dishes(restaurant.id)
    taken = a_user(restaurant.id, pg.now())
    with pg.uow(restaurant.id) as uow:
        uow.users.add(taken)
        uow.commit()
    with pytest.raises(ValidationFailed), pg.uow(restaurant.id) as uow:
        order, event = an_order(restaurant.id, uow.orders.next_number(), [dish], pg.now())
        uow.orders.add(order)
        uow.events.append(event)
        uow.outbox.append(order)
        uow.users.add(a_user(restaurant.id, pg.now(), email=taken.email))   # refused by the database
        uow.commit()
    with pg.uow(restaurant.id) as uow:
        assert uow.orders.list_all() == []
        assert uow.orders.next_number() == 1
    assert pg.pending_of(restaurant.id) == []
