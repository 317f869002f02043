"""Contract: the orders of a restaurant, their numbers and their pages."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest
from attrs import evolve

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery, Position, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import UserId
from tests.adapters.contract.conftest import Backend
from tests.adapters.samples import an_order


def test_an_order_reads_back_with_its_items_in_order(backend: Backend, restaurant: Restaurant) -> None:
    dishes = backend.add_dishes(restaurant.id, 3)
    with backend.uow(restaurant.id) as uow:
        order, _ = an_order(restaurant.id, uow.orders.next_number(), dishes, backend.now(),
                            notes="line one\nline two\tand a tab — ملاحظة 🙂")
        uow.orders.add(order)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.get(order.id) == order
        assert uow.orders.get(order.id, lock=True) == order


def test_numbers_are_gapless_and_a_rollback_gives_its_number_back(backend: Backend,
                                                                  restaurant: Restaurant) -> None:
    with backend.uow(restaurant.id) as uow:
        assert [uow.orders.next_number() for _ in range(3)] == [1, 2, 3]
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.next_number() == 4
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.next_number() == 4


def test_numbers_count_per_restaurant(backend: Backend) -> None:
    first, second = backend.open_restaurant(), backend.open_restaurant()
    with backend.uow(first.id) as uow:
        uow.orders.next_number()
        uow.commit()
    with backend.uow(second.id) as uow:
        assert uow.orders.next_number() == 1


def test_a_changed_order_reads_back_changed(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    order = backend.place(restaurant.id, [dish])
    moved, _ = order.move_to(OrderStatus.PREPARING, by=order.created_by, at=backend.now())
    edited, _ = moved.edit({"customer_name": "Grace", "notes": None, "customer_phone": "+14155550199"},
                           by=order.created_by, at=backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.orders.replace(edited)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.get(order.id) == edited


def test_a_deleted_order_is_found_only_when_asked(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    order = backend.place(restaurant.id, [dish])
    gone, _ = order.delete(by=order.created_by, at=backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.orders.replace(gone)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.get(order.id) is None
        assert uow.orders.get(order.id, lock=True) is None
        assert uow.orders.get(order.id, include_deleted=True) == gone
        assert uow.orders.list_all() == [gone]
        assert uow.orders.list_all(include_deleted=False) == []


def test_replacing_an_order_that_is_not_there_is_a_key_error(backend: Backend) -> None:
    restaurant, other = backend.open_restaurant(), backend.open_restaurant()
    dish, = backend.add_dishes(other.id)
    foreign = backend.place(other.id, [dish])
    with pytest.raises(KeyError), backend.uow(restaurant.id) as uow:
        uow.orders.replace(evolve(foreign, restaurant_id=restaurant.id, version=2))
        uow.commit()
    with backend.uow(other.id) as uow:
        assert uow.orders.get(foreign.id) == foreign


def test_an_item_cannot_reference_another_restaurants_menu_item(backend: Backend) -> None:
    mine, theirs = backend.open_restaurant(), backend.open_restaurant()
    their_dish, = backend.add_dishes(theirs.id)
    with pytest.raises(KeyError), backend.uow(mine.id) as uow:
        order, _ = an_order(mine.id, uow.orders.next_number(), [their_dish], backend.now())
        uow.orders.add(order)
        uow.commit()
    with backend.uow(mine.id) as uow:
        assert uow.orders.list_all() == []
        assert uow.orders.next_number() == 1


def test_an_item_may_reference_a_deleted_menu_item(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    with backend.uow(restaurant.id) as uow:
        uow.menu_items.replace(dish.deleted(backend.now()))
        uow.commit()
    order = backend.place(restaurant.id, [dish])
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.get(order.id) == order


def _orders(backend: Backend, restaurant: Restaurant, count: int, *, by: UserId | None = None) -> list[Order]:
    dish, = backend.add_dishes(restaurant.id)
    placed = []
    with backend.uow(restaurant.id) as uow:
        for _ in range(count):
            order, _ = an_order(restaurant.id, uow.orders.next_number(), [dish], backend.now(), by=by)
            uow.orders.add(order)
            placed.append(order)
        uow.commit()
    return placed


def _walk(backend: Backend, restaurant: Restaurant, query: OrderQuery) -> list[Order]:
    seen: list[Order] = []
    while True:
        with backend.uow(restaurant.id) as uow:
            rows = uow.orders.page(query)
        seen += rows[: query.limit]
        if len(rows) <= query.limit:
            return seen
        last = rows[query.limit - 1]
        query = evolve(query, after=Position(last.created_at, last.id))


@pytest.mark.parametrize("sort", list(Sort))
def test_a_keyset_walk_returns_every_order_exactly_once_in_order(backend: Backend, restaurant: Restaurant,
                                                                  sort: Sort) -> None:
    placed = _orders(backend, restaurant, 7)
    expected = placed if sort is Sort.OLDEST_FIRST else placed[::-1]
    assert _walk(backend, restaurant, OrderQuery(limit=3, sort=sort)) == expected


def test_a_page_holds_one_extra_row_when_another_page_follows(backend: Backend,
                                                              restaurant: Restaurant) -> None:
    placed = _orders(backend, restaurant, 4)
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.page(OrderQuery(limit=3)) == placed[::-1]
        assert uow.orders.page(OrderQuery(limit=4)) == placed[::-1]


def test_orders_of_the_same_time_are_ordered_by_id(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    at = backend.now()
    with backend.uow(restaurant.id) as uow:
        twins = [an_order(restaurant.id, uow.orders.next_number(), [dish], at)[0] for _ in range(4)]
        for order in twins:
            uow.orders.add(order)
        uow.commit()
    ordered = sorted(twins, key=lambda o: o.id)
    assert _walk(backend, restaurant, OrderQuery(limit=1, sort=Sort.OLDEST_FIRST)) == ordered
    assert _walk(backend, restaurant, OrderQuery(limit=3, sort=Sort.NEWEST_FIRST)) == ordered[::-1]


def test_pages_filter_on_status_time_creator_and_deletion(backend: Backend, restaurant: Restaurant) -> None:
    customer = UserId(uuid4())
    first, second = _orders(backend, restaurant, 2)
    third, fourth = _orders(backend, restaurant, 2, by=customer)
    moved, _ = second.move_to(OrderStatus.PREPARING, by=second.created_by, at=backend.now())
    ready, _ = third.move_to(OrderStatus.CANCELLED, by=third.created_by, at=backend.now())
    gone, _ = fourth.delete(by=fourth.created_by, at=backend.now())
    with backend.uow(restaurant.id) as uow:
        for changed in (moved, ready, gone):
            uow.orders.replace(changed)
        uow.commit()
    oldest_first = OrderQuery(limit=50, sort=Sort.OLDEST_FIRST)
    with backend.uow(restaurant.id) as uow:
        page = uow.orders.page
        assert page(oldest_first) == [first, moved, ready]
        assert page(evolve(oldest_first, include_deleted=True)) == [first, moved, ready, gone]
        either = frozenset({OrderStatus.PREPARING, OrderStatus.CANCELLED})
        assert page(evolve(oldest_first, statuses=either)) == [moved, ready]
        assert page(evolve(oldest_first, statuses=frozenset({OrderStatus.COMPLETED}))) == []
        assert page(evolve(oldest_first, created_after=first.created_at)) == [moved, ready]
        assert page(evolve(oldest_first, created_before=ready.created_at)) == [first, moved]
        assert page(evolve(oldest_first, created_after=first.created_at - timedelta(microseconds=1),
                           created_before=first.created_at + timedelta(microseconds=1))) == [first]
        assert page(evolve(oldest_first, created_by=customer, include_deleted=True)) == [ready, gone]
