"""A commit that queued a snapshot tells the database's listener (the in-process relay) at once;
other commits do not, and a rolled-back change tells nobody."""

from __future__ import annotations

import pytest

from orderzap_adapters.memory.system import PlainHasher
from orderzap_adapters.postgres import PgDatabase, services
from orderzap_core.commands import NewMenuItem, NewRestaurant, OrderLine, PlaceOrder, StatusChange
from orderzap_core.domain.orders import PaymentMethod
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import InvalidTransition
from tests.core.builders import random_slug

pytestmark = pytest.mark.postgres


def test_only_commits_that_queued_a_snapshot_wake_the_relay(pg_db: PgDatabase) -> None:
    oz = services(pg_db, hasher=PlainHasher())
    woken: list[int] = []
    pg_db.on_outbox = lambda: woken.append(1)
    try:
        slug = random_slug()
        oz.accounts.create_restaurant(NewRestaurant("Wake", slug))
        operator = oz.accounts.operator(slug)
        item = oz.menu.create(operator, NewMenuItem("Dish", 100))
        assert woken == []
        order = oz.orders.place(operator, PlaceOrder("Ada", "+14155550123", PaymentMethod.CASH,
                                                     (OrderLine(item.id, 1),))).order
        assert woken == [1]
        oz.orders.change_status(operator, order.id, StatusChange(OrderStatus.PREPARING))
        assert woken == [1, 1]
        with pytest.raises(InvalidTransition):
            oz.orders.change_status(operator, order.id, StatusChange(OrderStatus.PREPARING))
        assert woken == [1, 1]
    finally:
        pg_db.on_outbox = None
