"""Contract: the history of an order."""

from __future__ import annotations

import pytest
from attrs import evolve

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.status import OrderStatus
from tests.adapters.contract.conftest import Backend


def test_events_read_back_oldest_first(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    order = backend.place(restaurant.id, [dish])
    with backend.uow(restaurant.id) as uow:
        created = uow.events.for_order(order.id)
        moved, moving = order.move_to(OrderStatus.PREPARING, by=order.created_by, at=backend.now())
        cancelled, cancelling = moved.move_to(OrderStatus.CANCELLED, by=order.created_by, at=backend.now(),
                                              reason="out of dough — صبر 🙏")
        uow.orders.replace(cancelled)
        uow.events.append(cancelling)
        uow.events.append(moving)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.events.for_order(order.id) == [*created, moving, cancelling]
    assert [e.version for e in created] == [1]


def test_another_restaurants_events_are_invisible(backend: Backend) -> None:
    mine, theirs = backend.open_restaurant(), backend.open_restaurant()
    dish, = backend.add_dishes(theirs.id)
    order = backend.place(theirs.id, [dish])
    with backend.uow(mine.id) as uow:
        assert uow.events.for_order(order.id) == []
    with backend.uow(theirs.id) as uow:
        assert [e.version for e in uow.events.for_order(order.id)] == [1]


def test_an_event_of_an_order_that_is_not_there_is_a_key_error(backend: Backend) -> None:
    mine, theirs = backend.open_restaurant(), backend.open_restaurant()
    dish, = backend.add_dishes(theirs.id)
    their_order = backend.place(theirs.id, [dish])
    _, event = their_order.move_to(OrderStatus.PREPARING, by=their_order.created_by, at=backend.now())
    with pytest.raises(KeyError), backend.uow(mine.id) as uow:
        uow.events.append(evolve(event, restaurant_id=mine.id))
        uow.commit()
