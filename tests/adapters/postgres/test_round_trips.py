"""How many network round trips each use case costs, counted on the wire (docs/database.md
carries the same table)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from psycopg.conninfo import make_conninfo

from orderzap_adapters.memory.system import PlainHasher
from orderzap_adapters.postgres import PgConfig, PgDatabase, services
from orderzap_adapters.postgres.pool import RELAY_ROLE
from orderzap_core.commands import (
    EditMenuItem,
    EditOrder,
    ListOrders,
    Login,
    NewMenuItem,
    NewRestaurant,
    NewUser,
    StatusChange,
)
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.status import OrderStatus
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.adapters.postgres.wire_counter import RoundTripCounter
from tests.core.builders import PASSWORD, an_order, line, principal_of, random_slug
from tests.pg_fixtures import DatabaseUrls, private_tmp_dir

pytestmark = pytest.mark.postgres

#: Round trips per use case; docs/database.md shows this table.
EXPECTED = {
    "create a restaurant": 1,
    "look up a restaurant by slug (operator)": 3,
    "create a user": 2,
    "log in": 4,
    "who am I": 3,
    "create a menu item": 2,
    "rename a menu item": 3,
    "change a menu item's price": 2,
    "delete a menu item": 2,
    "list the menu": 2,
    "place an order": 2,
    "place an order with an Idempotency-Key": 3,
    "replay an Idempotency-Key": 2,
    "get an order": 1,
    "list orders": 2,
    "list orders again, nothing changed": 1,
    "edit an order": 2,
    "change an order's status": 2,
    "delete an order": 2,
    "restore an order": 2,
    "read an order's events": 2,
    "relay a batch": 2,
    "relay step with nothing to do": 2,
    "outbox stats": 1,
    "parked outbox rows": 1,
    "requeue parked rows": 1,
    "purge idempotency records": 1,
    "ping": 1,
}


@pytest.fixture(scope="module")
def counted(pg_urls: DatabaseUrls) -> Iterator[tuple[RoundTripCounter, Services, PgDatabase]]:
    """Services whose connections (one per pool) go through a round-trip counter."""
    with private_tmp_dir("orderzap-wire-") as directory:
        counter = RoundTripCounter(pg_urls.app_url or pg_urls.owner_url, directory)
        # NOTE: one counter for both pools: the relay logs in on the same server as its own role.
        relay_url = counter.conninfo
        if pg_urls.relay_url:
            relay_url = make_conninfo(counter.conninfo, user=RELAY_ROLE)
        db = PgDatabase.open(PgConfig(pg_urls.owner_url, app_url=counter.conninfo, relay_url=relay_url,
                                      min_size=1, max_size=1, relay_max_size=1, max_idle=3600))
        try:
            oz = services(db, hasher=PlainHasher())
            assert db.ping() and oz.outbox.stats(oz.clock.now()) is not None   # both pools connected
            yield counter, oz, db
        finally:
            db.close()
            counter.close()


def test_each_use_case_costs_the_documented_round_trips(
        counted: tuple[RoundTripCounter, Services, PgDatabase]) -> None:
    counter, oz, db = counted
    measured: dict[str, int] = {}

    def count(name: str, action: Callable[[], Any]) -> Any:
        counter.reset()
        result = action()
        measured[name] = counter.round_trips
        return result

    slug = random_slug()
    restaurant = count("create a restaurant",
                       lambda: oz.accounts.create_restaurant(NewRestaurant("Pizza", slug)))
    operator = count("look up a restaurant by slug (operator)", lambda: oz.accounts.operator(slug))
    user = count("create a user", lambda: oz.accounts.create_user(
        operator, NewUser("admin@example.com", Role.ADMIN, PASSWORD)))
    admin: Principal = principal_of(user)
    count("log in", lambda: oz.accounts.authenticate(Login(slug, "admin@example.com", PASSWORD)))
    count("who am I", lambda: oz.accounts.me(admin))
    dish = count("create a menu item", lambda: oz.menu.create(admin, NewMenuItem("Margherita", 1150)))
    spare = oz.menu.create(admin, NewMenuItem("Calzone", 1300))
    count("rename a menu item", lambda: oz.menu.edit(admin, spare.id, EditMenuItem(name="Calzone fritto")))
    count("change a menu item's price", lambda: oz.menu.edit(admin, spare.id, EditMenuItem(price_cents=1400)))
    count("delete a menu item", lambda: oz.menu.delete(admin, spare.id))
    count("list the menu", lambda: oz.menu.list(admin))
    body = an_order(line(dish, 2))
    order = count("place an order", lambda: oz.orders.place(admin, body)).order
    count("place an order with an Idempotency-Key", lambda: oz.orders.place(admin, body, idempotency_key="k"))
    count("replay an Idempotency-Key", lambda: oz.orders.place(admin, body, idempotency_key="k"))
    count("get an order", lambda: oz.orders.get(admin, order.id))
    count("list orders", lambda: oz.orders.list(admin, ListOrders()))
    count("list orders again, nothing changed", lambda: oz.orders.list(admin, ListOrders()))
    count("edit an order", lambda: oz.orders.edit(admin, order.id, EditOrder(notes="ring twice")))
    count("change an order's status",
          lambda: oz.orders.change_status(admin, order.id, StatusChange(OrderStatus.PREPARING)))
    count("delete an order", lambda: oz.orders.delete(admin, order.id))
    count("restore an order", lambda: oz.orders.restore(admin, order.id))
    count("read an order's events", lambda: oz.orders.events(admin, order.id))
    oz.relay.batch_size = 100_000
    count("relay a batch", oz.relay.step)
    count("relay step with nothing to do", oz.relay.step)
    count("outbox stats", lambda: oz.outbox.stats(oz.clock.now()))
    count("parked outbox rows", oz.outbox.parked)
    count("requeue parked rows", lambda: oz.outbox.requeue(None))
    long_ago = datetime(2000, 1, 1, tzinfo=UTC)
    count("purge idempotency records", lambda: oz.directory.purge_idempotency(long_ago))
    count("ping", db.ping)
    assert restaurant.slug == slug
    assert measured == EXPECTED
