"""Contract: the menu of a restaurant."""

from __future__ import annotations

from uuid import uuid4

import pytest
from attrs import evolve

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.pagination import Position
from orderzap_core.errors import Problem, ValidationFailed
from orderzap_core.ids import MenuItemId
from tests.adapters.contract.conftest import Backend
from tests.adapters.samples import a_dish

TAKEN = Problem("name", "is already the name of another item on this menu")


def test_an_item_reads_back_as_it_was_added(backend: Backend, restaurant: Restaurant) -> None:
    dish = a_dish(restaurant.id, backend.now(), name="Pizza «Früh» 🍕 פיצה", price_cents=10_000_000,
                  available=False)
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.add(dish)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.get(dish.id) == dish


def test_a_deleted_item_is_found_only_when_asked(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    gone = dish.deleted(backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.replace(gone)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.get(dish.id) is None
        assert uow.menu_items.get(dish.id, include_deleted=True) == gone
        assert uow.menu_items.get_many([dish.id]) == {}


def test_get_many_returns_the_live_items_among_the_ids(backend: Backend) -> None:
    restaurant, first, second, removed, foreign = backend.mixed_menu()
    with backend.uow(restaurant.id) as uow:
        found = uow.menu_items.get_many([first.id, second.id, removed.id, foreign.id, MenuItemId(uuid4()),
                                         first.id])
        assert found == {first.id: first, second.id: second}
        assert uow.menu_items.get_many([]) == {}


def test_pages_walk_the_live_items_oldest_first(backend: Backend, restaurant: Restaurant) -> None:
    dishes = backend.add_dishes(restaurant.id, 5)
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.replace(dishes[2].deleted(backend.now()))
        uow.commit()
    live = [dishes[0], dishes[1], dishes[3], dishes[4]]
    with backend.uow(restaurant.id) as uow:
        first = uow.menu_items.page(available=None, limit=3, after=None)
        after = Position(first[-1].created_at, first[-1].id)
        rest = uow.menu_items.page(available=None, limit=3, after=after)
    assert first == live[:3] and rest == live[3:]


def test_pages_filter_on_availability(backend: Backend, restaurant: Restaurant) -> None:
    on, off = (a_dish(restaurant.id, backend.now(), available=flag) for flag in (True, False))
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.add(on)
        uow.menu_items.add(off)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.page(available=True, limit=10, after=None) == [on]
        assert uow.menu_items.page(available=False, limit=10, after=None) == [off]


def test_a_position_between_items_of_the_same_time_breaks_the_tie_by_id(backend: Backend,
                                                                        restaurant: Restaurant) -> None:
    at = backend.now()
    twins = sorted((a_dish(restaurant.id, at) for _ in range(3)), key=lambda d: d.id)
    with backend.uow(restaurant.id) as uow:
        for dish in twins:
            uow.menu_items.add(dish)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.page(available=None, limit=10, after=Position(at, twins[0].id)) == twins[1:]


def test_a_name_is_taken_by_a_live_item_other_than_the_one_named(backend: Backend) -> None:
    restaurant, other = backend.open_restaurant(), backend.open_restaurant()
    dish, removed = backend.add_dishes(restaurant.id, 2)
    foreign, = backend.add_dishes(other.id)
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.replace(removed.deleted(backend.now()))
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.name_taken(dish.name)
        assert not uow.menu_items.name_taken(dish.name, other_than=dish.id)
        assert not uow.menu_items.name_taken(removed.name)
        assert not uow.menu_items.name_taken(foreign.name)
        assert not uow.menu_items.name_taken(dish.name.upper())
        assert not uow.menu_items.name_taken("nul\x00name")


def test_adding_a_taken_name_is_a_validation_error_on_name(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    with pytest.raises(ValidationFailed) as refused, backend.uow(restaurant.id) as uow:
        uow.menu_items.add(a_dish(restaurant.id, backend.now(), name=dish.name))
        uow.commit()
    assert refused.value.problems == (TAKEN,)


def test_renaming_to_a_taken_name_is_a_validation_error_on_name(backend: Backend,
                                                                restaurant: Restaurant) -> None:
    first, second = backend.add_dishes(restaurant.id, 2)
    with pytest.raises(ValidationFailed) as refused, backend.uow(restaurant.id) as uow:
        uow.menu_items.replace(evolve(second, name=first.name))
        uow.commit()
    assert refused.value.problems == (TAKEN,)


def test_a_deleted_items_name_may_be_used_again(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    again = a_dish(restaurant.id, backend.now(), name=dish.name)
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.replace(dish.deleted(backend.now()))
        uow.menu_items.add(again)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.get(again.id) == again


def test_a_changed_item_reads_back_changed(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    changed = evolve(dish, name="Quattro stagioni", price_cents=0, is_available=False,
                     updated_at=backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.replace(changed)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.menu_items.get(dish.id) == changed


def test_replacing_an_item_that_is_not_there_is_a_key_error(backend: Backend) -> None:
    restaurant, other = backend.open_restaurant(), backend.open_restaurant()
    foreign, = backend.add_dishes(other.id)
    for missing in (a_dish(restaurant.id, backend.now()), evolve(foreign, restaurant_id=restaurant.id)):
        with pytest.raises(KeyError), backend.uow(restaurant.id) as uow:
            uow.menu_items.replace(missing)
            uow.commit()
    with backend.uow(other.id) as uow:
        assert uow.menu_items.get(foreign.id) == foreign
