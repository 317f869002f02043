"""Contract: the order cache (the mirror's read side, its repairs and the verifier's extras), on
the memory fake and on the Convex adapter talking to the stand-in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest
from attrs import evolve

from orderzap_adapters.memory.repositories import page_of_orders
from orderzap_core.domain.orders import Order, OrderItem
from orderzap_core.domain.pagination import OrderQuery, Position, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import CacheUnavailable
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId, UserId
from orderzap_core.ports.cache import Delivery, Outcome, RemoveOutcome, Repair, RepairOutcome
from tests.adapters.contract.mirrors import Mirror, a_restaurant_id

APPLIED, STALE = Delivery(Outcome.APPLIED), Delivery(Outcome.STALE)
INVALID = Delivery(Outcome.REJECTED, "INVALID_SNAPSHOT")
MISMATCH = Delivery(Outcome.REJECTED, "RESTAURANT_MISMATCH")


def moved(order: Order, mirror: Mirror, to: OrderStatus = OrderStatus.PREPARING) -> Order:
    """``order`` one version later, in ``to``."""
    return order.move_to(to, by=order.created_by, at=mirror.now())[0]


# --- snapshots in, snapshots out -------------------------------------------------------------------

def test_a_snapshot_reads_back_field_for_field(mirror: Mirror) -> None:
    order = mirror.order(lines=3)
    assert order.items[0].special_instructions is not None and order.items[1].special_instructions is None
    assert mirror.cache.apply([order]) == [APPLIED]
    assert mirror.cache.get(order.restaurant_id, order.id) == order
    assert mirror.stored() == {order.id: order}


def test_times_are_kept_to_the_millisecond_as_the_api_shows_them(mirror: Mirror) -> None:
    order = mirror.order()
    fine = evolve(order, created_at=order.created_at + timedelta(microseconds=789),
                  updated_at=order.updated_at + timedelta(microseconds=999))
    mirror.cache.apply([fine])
    assert mirror.cache.get(order.restaurant_id, order.id) == order


def test_an_unknown_order_is_none(mirror: Mirror) -> None:
    assert mirror.cache.get(a_restaurant_id(), OrderId(uuid4())) is None


def test_an_order_is_found_only_under_its_own_restaurant(mirror: Mirror) -> None:
    order, other = mirror.order(), mirror.order()
    mirror.cache.apply([order, other])
    assert mirror.cache.get(other.restaurant_id, order.id) is None
    assert mirror.cache.get(order.restaurant_id, other.id) is None
    assert mirror.cache.get(order.restaurant_id, order.id) == order


# --- the version rule -----------------------------------------------------------------------------

def test_only_a_newer_version_is_applied(mirror: Mirror) -> None:
    first = mirror.order()
    second = moved(first, mirror)
    assert mirror.cache.apply([first]) == [APPLIED]
    assert mirror.cache.apply([first]) == [STALE]
    assert mirror.cache.apply([second]) == [APPLIED]
    assert mirror.cache.apply([first, second]) == [STALE, STALE]
    assert mirror.cache.get(first.restaurant_id, first.id) == second


def test_the_same_order_twice_in_one_batch_is_judged_in_order(mirror: Mirror) -> None:
    first = mirror.order()
    second = moved(first, mirror)
    third = moved(second, mirror, OrderStatus.READY)
    assert mirror.cache.apply([second, first, third, third]) == [APPLIED, STALE, APPLIED, STALE]
    assert mirror.stored() == {first.id: third}


def test_a_tombstone_is_kept_and_a_late_older_snapshot_cannot_resurrect_it(mirror: Mirror) -> None:
    order = mirror.order()
    gone = order.delete(by=order.created_by, at=mirror.now())[0]
    assert mirror.cache.apply([gone, order]) == [APPLIED, STALE]
    assert mirror.cache.get(order.restaurant_id, order.id) == gone
    live = OrderQuery(limit=10)
    assert mirror.cache.page(order.restaurant_id, live) == []
    assert mirror.cache.page(order.restaurant_id, evolve(live, include_deleted=True)) == [gone]


def test_a_restore_is_just_a_newer_version(mirror: Mirror) -> None:
    order = mirror.order()
    gone = order.delete(by=order.created_by, at=mirror.now())[0]
    back = gone.restore(by=order.created_by, at=mirror.now())[0]
    assert mirror.cache.apply([order, gone, back, gone]) == [APPLIED, APPLIED, APPLIED, STALE]
    assert mirror.cache.get(order.restaurant_id, order.id) == back
    assert mirror.cache.page(order.restaurant_id, OrderQuery(limit=10)) == [back]


# --- rejections -----------------------------------------------------------------------------------

def _line(quantity: int = 1, unit: int = 500, total: int | None = None) -> OrderItem:
    return OrderItem(OrderItemId(uuid4()), MenuItemId(uuid4()), "dish", quantity, unit,
                     quantity * unit if total is None else total)


BROKEN: dict[str, Any] = {
    "a total that is not the sum of the lines": lambda o: evolve(o, total_cents=o.total_cents + 1),
    "a line total that is not quantity times price": lambda o: evolve(
        o, items=(_line(2, 500, 999),), total_cents=999),
    "no lines": lambda o: evolve(o, items=(), total_cents=0),
    "51 lines": lambda o: evolve(o, items=tuple(_line() for _ in range(51)), total_cents=51 * 500),
    "a currency in lower case": lambda o: evolve(o, currency="usd"),
    "version 0": lambda o: evolve(o, version=0),
    "an order number past 2^53": lambda o: evolve(o, order_number=2**53),
    "negative cents": lambda o: evolve(o, items=(_line(1, -5),), total_cents=-5),
}


@pytest.mark.parametrize("breakage", list(BROKEN), ids=list(BROKEN))
def test_a_snapshot_the_mirror_cannot_store_is_rejected_and_nothing_is_written(
        mirror: Mirror, breakage: str) -> None:
    order = mirror.order()
    broken = BROKEN[breakage](moved(order, mirror))
    mirror.cache.apply([order])
    assert mirror.cache.apply([broken]) == [INVALID]
    assert mirror.cache.get(order.restaurant_id, order.id) == order


def test_an_order_id_held_for_another_restaurant_is_refused(mirror: Mirror) -> None:
    order = mirror.order()
    intruder = evolve(moved(order, mirror), restaurant_id=a_restaurant_id())
    mirror.cache.apply([order])
    assert mirror.cache.apply([intruder]) == [MISMATCH]
    assert mirror.cache.get(order.restaurant_id, order.id) == order
    assert mirror.cache.get(intruder.restaurant_id, order.id) is None


def test_a_mixed_batch_answers_one_result_per_snapshot_in_order(mirror: Mirror) -> None:
    held, fresh, late = mirror.order(), mirror.order(), mirror.order()
    mirror.cache.apply([held])
    bad = evolve(moved(fresh, mirror), total_cents=1)
    foreign = evolve(moved(held, mirror), restaurant_id=a_restaurant_id())
    answers = mirror.cache.apply([fresh, held, bad, foreign, late, moved(held, mirror)])
    assert answers == [APPLIED, STALE, INVALID, MISMATCH, APPLIED, APPLIED]
    assert mirror.stored()[fresh.id] == fresh


def test_a_long_list_of_repairs_is_applied_whole(mirror: Mirror) -> None:
    restaurant_id = a_restaurant_id()
    orders = [mirror.order(restaurant_id, number=n) for n in range(1, 1203)]
    assert mirror.cache.apply(orders) == [APPLIED] * len(orders)
    assert len(mirror.stored()) == len(orders)


# --- pages ----------------------------------------------------------------------------------------

def test_a_cursor_walk_visits_every_row_once_in_order(mirror: Mirror) -> None:
    restaurant_id = a_restaurant_id()
    at = mirror.now()
    orders = [evolve(mirror.order(restaurant_id, number=n), created_at=at + timedelta(milliseconds=n // 3))
              for n in range(1, 15)]                      # ties of three on createdAt
    mirror.cache.apply(orders)
    for sort in Sort:
        walked: list[Order] = []
        query = OrderQuery(limit=4, sort=sort)
        while True:
            rows = mirror.cache.page(restaurant_id, query)
            walked += rows[: query.limit]
            if len(rows) <= query.limit:
                break
            last = rows[query.limit - 1]
            query = evolve(query, after=Position(last.created_at, last.id))
        expected = sorted(orders, key=lambda o: (o.created_at, o.id), reverse=sort is Sort.NEWEST_FIRST)
        assert walked == expected


def test_a_page_holds_limit_plus_one_rows_as_the_database_page_does(mirror: Mirror) -> None:
    restaurant_id = a_restaurant_id()
    orders = [mirror.order(restaurant_id, number=n) for n in range(1, 8)]
    mirror.cache.apply(orders)
    assert mirror.cache.page(restaurant_id, OrderQuery(limit=5)) == orders[::-1][:6]
    assert mirror.cache.page(restaurant_id, OrderQuery(limit=200)) == orders[::-1]


def test_filters_narrow_a_page_like_the_database(mirror: Mirror) -> None:
    restaurant_id, customer = a_restaurant_id(), UserId(uuid4())
    first = mirror.order(restaurant_id)
    mine = mirror.order(restaurant_id, by=customer, number=2)
    ready = moved(moved(mirror.order(restaurant_id, number=3), mirror), mirror, OrderStatus.READY)
    mirror.cache.apply([first, mine, ready])
    everything = [first, mine, ready]
    for query in [OrderQuery(statuses=frozenset({OrderStatus.READY, OrderStatus.RECEIVED})),
                  OrderQuery(created_by=customer), OrderQuery(created_after=first.created_at),
                  OrderQuery(created_before=ready.created_at, sort=Sort.OLDEST_FIRST),
                  OrderQuery(created_after=first.created_at - timedelta(microseconds=1),
                             created_before=ready.created_at + timedelta(microseconds=1))]:
        assert mirror.cache.page(restaurant_id, query) == page_of_orders(everything, restaurant_id, query)


# --- failures -------------------------------------------------------------------------------------

def test_a_failing_mirror_is_unavailable_and_recovers(mirror: Mirror) -> None:
    order = mirror.order()
    mirror.fail()
    with pytest.raises(CacheUnavailable):
        mirror.cache.get(order.restaurant_id, order.id)
    with pytest.raises(CacheUnavailable):
        mirror.cache.page(order.restaurant_id, OrderQuery())
    with pytest.raises(CacheUnavailable):
        mirror.cache.apply([order])
    assert not mirror.cache.is_healthy()
    mirror.heal()
    assert mirror.cache.is_healthy()
    assert mirror.cache.apply([order]) == [APPLIED]


# --- what cache verify uses -----------------------------------------------------------------------

def test_a_scan_visits_every_stored_snapshot_once(mirror: Mirror) -> None:
    restaurant_id = a_restaurant_id()
    orders = [mirror.order(restaurant_id, number=n) for n in range(1, 11)]
    orders[3] = orders[3].delete(by=orders[3].created_by, at=mirror.now())[0]
    others = [mirror.order(), mirror.order()]
    mirror.cache.apply(orders + others)

    def scan_all(of: Any) -> list[Order]:
        found: list[Order] = []
        cursor = None
        while True:
            page = mirror.cache.scan(of, cursor, 3)
            assert len(page.orders) <= 3
            found += page.orders
            if page.cursor is None:
                return found
            cursor = page.cursor

    mine = scan_all(restaurant_id)
    assert sorted(mine, key=lambda o: o.order_number) == orders
    every = scan_all(None)
    assert len(every) == len(orders) + len(others)
    assert {o.id: o for o in every} == mirror.stored()


def test_a_repair_writes_only_over_the_version_it_expects(mirror: Mirror) -> None:
    order = mirror.order()
    newer = moved(order, mirror)
    cache = mirror.cache
    assert cache.repair(order, 1) == Repair(RepairOutcome.CONFLICT)
    assert cache.repair(newer, None) == Repair(RepairOutcome.APPLIED)
    assert cache.repair(order, None) == Repair(RepairOutcome.CONFLICT)
    assert cache.repair(order, 2) == Repair(RepairOutcome.APPLIED), "a repair may roll back"
    assert cache.get(order.restaurant_id, order.id) == order
    assert cache.repair(evolve(order, total_cents=3), 1) == Repair(RepairOutcome.REJECTED, "INVALID_SNAPSHOT")
    assert cache.repair(evolve(newer, restaurant_id=a_restaurant_id()), 1) == Repair(
        RepairOutcome.REJECTED, "RESTAURANT_MISMATCH")
    assert cache.get(order.restaurant_id, order.id) == order


def test_an_extra_snapshot_is_removed_only_while_unchanged(mirror: Mirror) -> None:
    order = mirror.order()
    mirror.cache.apply([order])
    assert mirror.cache.remove(order.id, 2) is RemoveOutcome.CONFLICT
    assert mirror.cache.remove(order.id, 1) is RemoveOutcome.REMOVED
    assert mirror.cache.remove(order.id, 1) is RemoveOutcome.MISSING
    assert mirror.cache.get(order.restaurant_id, order.id) is None
    assert mirror.cache.apply([order]) == [APPLIED], "a removed order may come back"


def test_the_verifier_calls_fail_as_unavailable_too(mirror: Mirror) -> None:
    order = mirror.order()
    mirror.fail()
    for call in (lambda: mirror.cache.scan(None, None, 10), lambda: mirror.cache.repair(order, None),
                 lambda: mirror.cache.remove(order.id, 1)):
        with pytest.raises(CacheUnavailable):
            call()
