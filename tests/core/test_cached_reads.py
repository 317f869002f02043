"""Cache-first reads: a fresh live copy in the mirror is a hit; anything else falls back to the source
of truth and queues a bounded, de-duplicated repair. Authorisation applies to cached copies too."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from uuid import UUID

import pytest

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryOrderCache
from orderzap_core.commands import EditOrder, ListOrders, StatusChange
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import Cursor, OrderQuery, Sort, Source
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import NotFound
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from orderzap_core.services.reads import CachedReads, CacheStatus, Read, RepairQueue
from tests.core.builders import add_dish, an_order, join, line, open_restaurant


def place(oz: Services, principal: Principal, dish: MenuItem, count: int = 1) -> list[Order]:
    return [oz.orders.place(principal, an_order(line(dish))).order for _ in range(count)]


def mirrored(oz: Services) -> None:
    """Let the relay bring the mirror up to date."""
    assert not any(step.failed for step in oz.relay.drain())


# --- one order ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("options", [{"cache": False}, {"cache_reads": False}],
                         ids=["no mirror", "reads off"])
def test_without_a_mirror_or_with_reads_off_every_read_bypasses_it(options: dict[str, bool]) -> None:
    oz = memory.services(**options)
    admin = join(oz, open_restaurant(oz), Role.ADMIN)
    order = place(oz, admin, add_dish(oz, admin))[0]
    mirrored(oz)
    assert oz.reads.get(admin, order.id) == Read(order, CacheStatus.BYPASS)
    assert oz.reads.list(admin, ListOrders()).cache is CacheStatus.BYPASS
    assert not oz.reads.uses_cache
    assert len(oz.reads.repairs) == 0


def test_a_read_the_mirror_cannot_serve_falls_back_and_queues_a_repair(oz: Services, staff: Principal,
                                                                       cache: MemoryOrderCache,
                                                                       placed_order: Order) -> None:
    read = oz.reads.get(staff, placed_order.id)
    assert (read.order, read.cache) == (placed_order, CacheStatus.MISS)
    assert oz.reads.repairs.take(10) == [(placed_order.restaurant_id, placed_order.id)]


def test_a_repair_puts_the_sources_copy_in_the_mirror_and_the_next_read_hits(oz: Services, staff: Principal,
                                                                             cache: MemoryOrderCache,
                                                                             placed_order: Order) -> None:
    oz.reads.get(staff, placed_order.id)
    assert oz.reads.run_repairs() == 1
    assert cache.documents() == {placed_order.id: placed_order}
    assert oz.reads.get(staff, placed_order.id).cache is CacheStatus.HIT
    assert len(oz.reads.repairs) == 0


def test_a_mirrored_order_is_a_hit(oz: Services, customer: Principal, placed_order: Order) -> None:
    mirrored(oz)
    read = oz.reads.get(customer, placed_order.id)
    assert (read.order, read.cache) == (placed_order, CacheStatus.HIT)


def test_a_copy_older_than_the_callers_min_version_is_a_miss(oz: Services, staff: Principal,
                                                             placed_order: Order) -> None:
    mirrored(oz)
    moved = oz.orders.change_status(staff, placed_order.id, StatusChange(OrderStatus.PREPARING))
    assert oz.reads.get(staff, placed_order.id).order == placed_order, "without minVersion the mirror may lag"
    fresh = oz.reads.get(staff, placed_order.id, min_version=moved.version)
    assert (fresh.order, fresh.cache) == (moved, CacheStatus.MISS)
    assert len(oz.reads.repairs) == 1
    oz.reads.run_repairs()
    assert oz.reads.get(staff, placed_order.id, min_version=2) == Read(moved, CacheStatus.HIT)


def test_a_cached_tombstone_is_a_miss_and_the_source_decides(oz: Services, admin: Principal, staff: Principal,
                                                             placed_order: Order) -> None:
    gone = oz.orders.delete(admin, placed_order.id)
    mirrored(oz)
    with pytest.raises(NotFound):
        oz.reads.get(staff, placed_order.id)
    read = oz.reads.get(admin, placed_order.id, include_deleted=True)
    assert (read.order, read.cache) == (gone, CacheStatus.MISS)


def test_a_deleted_order_read_with_its_version_leaves_reads_even_before_the_mirror_knows(
        oz: Services, admin: Principal, staff: Principal, placed_order: Order) -> None:
    mirrored(oz)
    gone = oz.orders.delete(admin, placed_order.id)
    with pytest.raises(NotFound):
        oz.reads.get(staff, placed_order.id, min_version=gone.version)


def test_a_failing_mirror_is_a_miss_never_an_error(oz: Services, staff: Principal, cache: MemoryOrderCache,
                                                   placed_order: Order) -> None:
    mirrored(oz)
    cache.fail_next(1)
    read = oz.reads.get(staff, placed_order.id)
    assert (read.order, read.cache) == (placed_order, CacheStatus.MISS)


@pytest.mark.parametrize("stranger", ["other_customer", "rival_admin", "rival_customer"])
def test_a_cached_order_is_never_served_to_someone_who_may_not_see_it(oz: Services, placed_order: Order,
                                                                      request: pytest.FixtureRequest,
                                                                      stranger: str) -> None:
    mirrored(oz)
    with pytest.raises(NotFound):
        oz.reads.get(request.getfixturevalue(stranger), placed_order.id)


class CarelessCache(MemoryOrderCache):
    """A mirror that forgets to scope by restaurant: the core must not trust it to."""

    def get(self, restaurant_id: RestaurantId, order_id: OrderId) -> Order | None:
        return self.documents().get(order_id)

    def page(self, restaurant_id: RestaurantId, query: OrderQuery) -> list[Order]:
        return sorted(self.documents().values(), key=lambda o: (o.created_at, o.id),
                      reverse=query.sort is Sort.NEWEST_FIRST)[: query.limit + 1]


def test_a_careless_mirror_still_leaks_nothing_across_restaurants_or_customers(
        oz: Services, placed_order: Order, other_customer: Principal,
        rival_admin: Principal, rival_dish: MenuItem) -> None:
    careless = CarelessCache()
    careless.apply([placed_order])
    reads = CachedReads(oz.orders, careless)
    with pytest.raises(NotFound):
        reads.get(rival_admin, placed_order.id)
    with pytest.raises(NotFound):
        reads.get(other_customer, placed_order.id)
    assert reads.list(rival_admin, ListOrders()).page.items == ()
    assert reads.list(other_customer, ListOrders()).page.items == ()


# --- the repair queue ------------------------------------------------------------------------------------

def test_the_repair_queue_holds_each_order_once(placed_order: Order) -> None:
    queue = RepairQueue()
    for _ in range(3):
        assert queue.add(placed_order.restaurant_id, placed_order.id)
    assert len(queue) == 1


def test_the_repair_queue_is_bounded_and_counts_what_it_dropped(placed_order: Order) -> None:
    queue = RepairQueue(capacity=2)
    rid = placed_order.restaurant_id
    ids = [OrderId(UUID(int=n)) for n in range(1, 4)]
    assert [queue.add(rid, i) for i in ids] == [True, True, False]
    assert (len(queue), queue.dropped) == (2, 1)
    assert queue.add(rid, ids[0]), "an order already queued is not dropped"
    assert queue.take(1) == [(rid, ids[0])]
    assert queue.take(10) == [(rid, ids[1])]
    assert queue.take(10) == []


def test_repairs_that_meet_a_failing_mirror_are_kept_for_later(oz: Services, staff: Principal,
                                                               cache: MemoryOrderCache,
                                                               placed_order: Order) -> None:
    oz.reads.get(staff, placed_order.id)
    cache.fail_next(1)
    assert oz.reads.run_repairs() == 0
    assert len(oz.reads.repairs) == 1
    assert oz.reads.run_repairs() == 1
    assert cache.documents()[placed_order.id] == placed_order


def test_a_repair_never_rolls_the_mirror_back(oz: Services, staff: Principal, cache: MemoryOrderCache,
                                              placed_order: Order) -> None:
    oz.reads.get(staff, placed_order.id)  # queues a repair while the order is at version 1
    edited = oz.orders.edit(staff, placed_order.id, EditOrder(notes="x"))
    mirrored(oz)
    oz.reads.run_repairs()
    assert cache.documents()[placed_order.id] == edited


# --- lists -------------------------------------------------------------------------------------------

def walk(reads: CachedReads, principal: Principal, limit: int, sort: Sort,
         between: Sequence[Callable[[], None]] = ()) -> tuple[list[Order], list[CacheStatus]]:
    orders: list[Order] = []
    statuses: list[CacheStatus] = []
    cursor = None
    for turn in range(100):
        listed = reads.list(principal, ListOrders(limit=limit, sort=sort, cursor=cursor))
        orders += listed.page.items
        statuses.append(listed.cache)
        if listed.page.next_cursor is None:
            return orders, statuses
        cursor = listed.page.next_cursor
        if turn < len(between):
            between[turn]()
    raise AssertionError("the walk did not end")


@pytest.mark.parametrize("sort", list(Sort))
def test_a_list_walk_served_by_the_mirror_stays_on_it(oz: Services, staff: Principal,
                                                      margherita: MenuItem, sort: Sort) -> None:
    orders = place(oz, staff, margherita, 5)
    mirrored(oz)
    seen, statuses = walk(oz.reads, staff, 2, sort)
    assert [o.id for o in seen] == [o.id for o in (orders if sort is Sort.OLDEST_FIRST else orders[::-1])]
    assert statuses == [CacheStatus.HIT] * 3


def test_a_list_walk_begun_on_the_source_stays_on_the_source(oz: Services, staff: Principal,
                                                             cache: MemoryOrderCache,
                                                             margherita: MenuItem) -> None:
    orders = place(oz, staff, margherita, 5)
    mirrored(oz)
    cache.fail_next(1)
    seen, statuses = walk(oz.reads, staff, 2, Sort.OLDEST_FIRST)
    assert [o.id for o in seen] == [o.id for o in orders]
    assert statuses == [CacheStatus.MISS] * 3
    first = oz.reads.list(staff, ListOrders(limit=2, sort=Sort.OLDEST_FIRST))
    assert first.page.next_cursor is not None
    assert Cursor.decode(first.page.next_cursor).source is Source.CACHE


def test_a_mirror_failing_mid_walk_hands_the_walk_to_the_source_without_gaps(oz: Services, staff: Principal,
                                                                             cache: MemoryOrderCache,
                                                                             margherita: MenuItem) -> None:
    orders = place(oz, staff, margherita, 6)
    mirrored(oz)
    seen, statuses = walk(oz.reads, staff, 2, Sort.OLDEST_FIRST, between=[lambda: cache.fail_next(1)])
    assert [o.id for o in seen] == [o.id for o in orders]
    assert statuses == [CacheStatus.HIT, CacheStatus.MISS, CacheStatus.MISS], "once on the source, it stays"


def test_a_customer_lists_only_its_own_orders_from_the_mirror(oz: Services, customer: Principal,
                                                              other_customer: Principal,
                                                              margherita: MenuItem) -> None:
    mine = place(oz, customer, margherita, 2)
    place(oz, other_customer, margherita, 2)
    mirrored(oz)
    listed = oz.reads.list(customer, ListOrders(sort=Sort.OLDEST_FIRST))
    assert ([o.id for o in listed.page.items], listed.cache) == ([o.id for o in mine], CacheStatus.HIT)


def test_a_restaurant_lists_none_of_anothers_orders_from_the_mirror(oz: Services, staff: Principal,
                                                                    margherita: MenuItem,
                                                                    rival_admin: Principal) -> None:
    place(oz, staff, margherita, 3)
    mirrored(oz)
    listed = oz.reads.list(rival_admin, ListOrders(include_deleted=True))
    assert (listed.page.items, listed.cache) == ((), CacheStatus.HIT)


def test_a_repair_the_mirror_rejects_as_a_batch_is_kept_for_later_and_raises_nothing(
        oz: Services, staff: Principal, cache: MemoryOrderCache, placed_order: Order) -> None:
    oz.reads.get(staff, placed_order.id)
    cache.reject(placed_order.id, as_batch_error=True)
    assert oz.reads.run_repairs() == 0
    assert len(oz.reads.repairs) == 1
    cache.accept_all()
    assert oz.reads.run_repairs() == 1
    assert cache.documents() == {placed_order.id: placed_order}
