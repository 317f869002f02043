"""Contract: the unit of work is one transaction of one restaurant."""

from __future__ import annotations

from uuid import uuid4

import pytest
from attrs import evolve

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.errors import ValidationFailed
from orderzap_core.ids import MenuItemId, RestaurantId
from orderzap_core.ports.idempotency import IdempotencyRecord
from tests.adapters.contract.conftest import Backend
from tests.adapters.samples import a_dish, a_restaurant, a_user, an_order


class Boom(Exception):
    """A failure in the middle of a use case."""


def test_changes_are_kept_only_when_committed(backend: Backend, restaurant: Restaurant) -> None:
    kept, dropped = a_dish(restaurant.id, backend.now()), a_dish(restaurant.id, backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.add(dropped)
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.add(kept)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.get(kept.id) == kept
        assert uow.menu_items.get(dropped.id) is None


def test_a_read_only_unit_of_work_reads_and_can_never_keep_a_write(backend: Backend,
                                                                 restaurant: Restaurant) -> None:
    dish, sneaked = a_dish(restaurant.id, backend.now()), a_dish(restaurant.id, backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.add(dish)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        uow.read_only()
        assert uow.menu_items.get(dish.id) == dish
        assert uow.menu_items.get(dish.id) == dish      # a second read, after the first committed
        with pytest.raises(RuntimeError):
            uow.menu_items.add(sneaked)
            uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.get(sneaked.id) is None


def test_a_unit_of_work_reads_its_own_writes_before_it_commits(backend: Backend,
                                                               restaurant: Restaurant) -> None:
    dish = a_dish(restaurant.id, backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.add(dish)
        assert uow.menu_items.get(dish.id) == dish
        order, event = an_order(restaurant.id, uow.orders.next_number(), [dish], backend.now())
        uow.orders.add(order)
        uow.events.append(event)
        assert uow.orders.get(order.id) == order
        assert uow.events.for_order(order.id) == [event]


def test_a_use_case_that_fails_half_way_leaves_no_row_no_number_and_no_outbox_row(
        backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    with pytest.raises(Boom), backend.uow(restaurant.id) as uow:
        order, event = an_order(restaurant.id, uow.orders.next_number(), [dish], backend.now())
        uow.orders.add(order)
        uow.events.append(event)
        uow.outbox.append(order)
        uow.orders.get(order.id)          # the writes reached the store (PostgreSQL: sent)
        raise Boom()
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.get(order.id, include_deleted=True) is None
        assert uow.events.for_order(order.id) == []
        assert uow.orders.next_number() == 1
    assert backend.pending_of(restaurant.id) == []


def test_a_commit_that_fails_keeps_none_of_the_unit_of_works_writes(backend: Backend,
                                                                    restaurant: Restaurant) -> None:
    taken = a_user(restaurant.id, backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.users.add(taken)
        uow.commit()
    dish = a_dish(restaurant.id, backend.now())
    with pytest.raises(ValidationFailed), backend.uow(restaurant.id) as uow:
        uow.menu_items.add(dish)
        uow.users.add(a_user(restaurant.id, backend.now(), email=taken.email))
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.get(dish.id) is None


def test_a_restaurant_sees_nothing_of_another_restaurant(backend: Backend) -> None:
    mine, theirs = backend.open_restaurant(), backend.open_restaurant()
    dish, = backend.add_dishes(theirs.id)
    order = backend.place(theirs.id, [dish])
    user = a_user(theirs.id, backend.now())
    with backend.uow(theirs.id) as uow:
        uow.users.add(user)
        uow.commit()
    with backend.uow(mine.id) as uow:
        assert uow.restaurant.get() == mine
        assert uow.menu_items.get(dish.id, include_deleted=True) is None
        assert uow.menu_items.get_many([dish.id]) == {}
        assert uow.menu_items.page(available=None, limit=10, after=None) == []
        assert not uow.menu_items.name_taken(dish.name)
        assert uow.orders.get(order.id, include_deleted=True) is None
        assert uow.orders.list_all() == []
        assert uow.events.for_order(order.id) == []
        assert uow.users.get(user.id) is None
        assert uow.users.by_email(user.email) is None
        assert uow.users.list() == []


def test_a_restaurant_can_be_created_only_under_its_unit_of_works_id(backend: Backend) -> None:
    other = a_restaurant(backend.now())
    with pytest.raises(PermissionError), backend.uow(RestaurantId(uuid4())) as uow:
        uow.restaurant.add(other)
        uow.commit()
    assert backend.directory.restaurant_id_for_slug(other.slug) is None


@pytest.mark.parametrize("kind", ["user", "menu item", "order", "event", "outbox row", "idempotency record"])
def test_a_row_of_another_restaurant_is_refused(backend: Backend, kind: str) -> None:
    mine, theirs = backend.open_restaurant(), backend.open_restaurant()
    their_dish, = backend.add_dishes(theirs.id)
    their_order = backend.place(theirs.id, [their_dish])
    with pytest.raises(PermissionError), backend.uow(mine.id) as uow:
        if kind == "user":
            uow.users.add(a_user(theirs.id, backend.now()))
        elif kind == "menu item":
            uow.menu_items.add(a_dish(theirs.id, backend.now()))
        elif kind == "order":
            uow.orders.add(an_order(theirs.id, 2, [their_dish], backend.now())[0])
        elif kind == "event":
            uow.events.append(evolve(an_order(theirs.id, 2, [their_dish], backend.now())[1],
                                     order_id=their_order.id, version=2))
        elif kind == "outbox row":
            uow.outbox.append(their_order)
        else:
            uow.idempotency.put(IdempotencyRecord("key", "print", their_order, backend.now()))
        uow.commit()


def test_placement_reads_are_the_restaurant_its_live_items_and_the_next_number(backend: Backend) -> None:
    restaurant, first, second, removed, foreign = backend.mixed_menu()
    with backend.uow(restaurant.id) as uow:
        reads = uow.placement_reads([first.id, second.id, removed.id, foreign.id, MenuItemId(uuid4())])
        assert reads.restaurant == restaurant
        assert dict(reads.menu) == {first.id: first, second.id: second}
        assert reads.number == 1
        assert uow.orders.next_number() == 2          # the same counter, taken
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.placement_reads([]).number == 3
    with backend.uow(restaurant.id) as uow:           # that one rolled back: its number came back
        assert uow.placement_reads([first.id]).number == 3


def test_placement_reads_without_a_restaurant_find_neither_it_nor_a_number(backend: Backend) -> None:
    with backend.uow(RestaurantId(uuid4())) as uow:
        reads = uow.placement_reads([MenuItemId(uuid4())])
        assert (reads.restaurant, dict(reads.menu), reads.number) == (None, {}, None)
