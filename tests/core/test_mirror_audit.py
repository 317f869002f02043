"""``cache verify``: every way the mirror can differ from the source is found, order by order,
and a repair leaves the mirror equal to the source without undoing a newer delivery."""

from __future__ import annotations

import uuid

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryOrderCache, MemoryWorld
from orderzap_adapters.memory.unit_of_work import MemoryUnitOfWork
from orderzap_core.commands import StatusChange
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import Order
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.services.mirror_audit import Kind, MirrorVerifier
from tests.core.builders import add_dish, an_order, join, line, open_restaurant


def verifier(world: MemoryWorld) -> MirrorVerifier:
    assert world.cache is not None
    return MirrorVerifier(lambda rid: MemoryUnitOfWork(world.store, rid, world.clock), world.cache,
                          world.services.accounts.list_restaurants)


def a_busy_world(restaurants: int, orders: int) -> MemoryWorld:
    """Restaurants with orders (some moved on, one deleted), all delivered to the mirror."""
    world = memory.world()
    oz = world.services
    for _ in range(restaurants):
        admin = join(oz, open_restaurant(oz), Role.ADMIN)
        dish = add_dish(oz, admin)
        placed = [oz.orders.place(admin, an_order(line(dish))).order for _ in range(orders)]
        if placed:
            oz.orders.change_status(admin, placed[0].id, StatusChange(OrderStatus.PREPARING))
            oz.orders.delete(admin, placed[-1].id)
    assert not any(step.failed for step in oz.relay.drain())
    return world


def test_a_delivered_mirror_is_clean() -> None:
    world = a_busy_world(3, 4)
    audit = verifier(world).verify()
    assert audit.clean
    assert audit.checked == audit.mirrored == 12


corruption = st.sampled_from(["drop", "stale", "different", "ahead", "extra", "foreign"])


@settings(max_examples=40)
@given(st.lists(st.tuples(corruption, st.integers(0, 11)), max_size=8))
def test_every_difference_is_found_and_a_repair_makes_the_mirror_equal_the_source(
        damage: list[tuple[str, int]]) -> None:
    world = a_busy_world(3, 4)
    cache = world.cache
    assert isinstance(cache, MemoryOrderCache)
    docs = cache.documents()
    ids = sorted(docs, key=str)
    expected: dict[OrderId, Kind] = {}
    for kind, index in damage:
        order = docs[ids[index]]
        if kind == "drop":
            held = cache.documents().get(order.id)
            if held is not None:
                cache.remove(order.id, held.version)
            expected[order.id] = Kind.MISSING
        elif kind == "stale" and order.version > 1:
            cache.put(attrs.evolve(order, version=order.version - 1))
            expected[order.id] = Kind.STALE
        elif kind == "different":
            cache.put(attrs.evolve(order, customer_name=order.customer_name + " (edited)"))
            expected[order.id] = Kind.DIFFERENT
        elif kind == "ahead":
            cache.put(attrs.evolve(order, version=order.version + 5))
            expected[order.id] = Kind.DIFFERENT
        elif kind in ("extra", "foreign"):
            restaurant = (order.restaurant_id if kind == "extra" else RestaurantId(uuid.uuid4()))
            ghost = attrs.evolve(order, id=OrderId(uuid.uuid4()), restaurant_id=restaurant)
            cache.put(ghost)
            expected[ghost.id] = Kind.EXTRA
    check = verifier(world)
    audit = check.verify()
    assert {d.order_id: d.kind for d in audit.differences} == expected
    repairs = check.repair(audit)
    assert (repairs.applied, repairs.conflicts) == (len(expected), 0)
    assert check.verify().clean
    truth = {o.id: o for o in _source_orders(world)}
    assert cache.documents() == truth


def test_a_repair_never_undoes_a_delivery_made_after_the_verification() -> None:
    world = a_busy_world(1, 2)
    cache = world.cache
    assert cache is not None
    oz = world.services
    [restaurant] = oz.accounts.list_restaurants()
    order = next(o for o in cache.documents().values() if not o.is_deleted)
    cache.put(attrs.evolve(order, customer_name="Wrong"))
    check = verifier(world)
    audit = check.verify()
    assert [d.kind for d in audit.differences] == [Kind.DIFFERENT]
    admin = oz.accounts.operator(restaurant.slug)
    newer = oz.orders.change_status(admin, order.id, StatusChange(OrderStatus.READY)
                                    if order.status is OrderStatus.PREPARING
                                    else StatusChange(OrderStatus.PREPARING))
    oz.relay.drain()
    assert check.repair(audit).conflicts == 1
    assert cache.documents()[order.id] == newer
    assert check.verify().clean


def test_one_restaurant_can_be_verified_alone() -> None:
    world = a_busy_world(2, 3)
    cache = world.cache
    assert cache is not None
    first, second = world.services.accounts.list_restaurants()
    victim = next(o for o in cache.documents().values() if o.restaurant_id == second.id)
    cache.remove(victim.id, victim.version)
    assert verifier(world).verify(first).clean
    audit = verifier(world).verify(second)
    assert [(d.kind, d.order_id) for d in audit.differences] == [(Kind.MISSING, victim.id)]
    assert audit.checked == 3 and audit.mirrored == 2


def _source_orders(world: MemoryWorld) -> list[Order]:
    orders: list[Order] = []
    for restaurant in world.services.accounts.list_restaurants():
        with MemoryUnitOfWork(world.store, restaurant.id, world.clock) as uow:
            orders.extend(uow.orders.list_all(include_deleted=True))
    return orders
