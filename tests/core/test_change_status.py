"""Changing an order's status: the kitchen moves orders along, customers may only cancel their own
while received, and a refused change changes nothing."""

from __future__ import annotations

from itertools import product

import pytest

from orderzap_core.commands import StatusChange
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import Order
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import Forbidden, InvalidTransition, NotFound, PreconditionFailed, ValidationFailed
from orderzap_core.policy import Principal
from orderzap_core.services import Services

R, P, Y, D, C = (OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.COMPLETED,
                 OrderStatus.CANCELLED)
LEGAL = {(R, P), (P, Y), (Y, D), (R, C), (P, C), (Y, C)}
PATH_TO = {R: [], P: [P], Y: [P, Y], D: [P, Y, D], C: [C]}


def pending(oz: Services) -> int:
    return oz.outbox.stats(oz.clock.now()).pending


def bring(oz: Services, staff: Principal, order: Order, status: OrderStatus) -> Order:
    for step in PATH_TO[status]:
        order = oz.orders.change_status(staff, order.id, StatusChange(step))
    return order


def test_the_kitchen_moves_an_order_from_received_to_completed(oz: Services, staff: Principal,
                                                               placed_order: Order) -> None:
    versions = []
    for status in (P, Y, D):
        moved = oz.orders.change_status(staff, placed_order.id, StatusChange(status))
        assert moved.status is status
        versions.append(moved.version)
    assert versions == [2, 3, 4]
    assert oz.orders.get(staff, placed_order.id).status is D


@pytest.mark.parametrize(("current", "target"), list(product(OrderStatus, OrderStatus)))
def test_only_the_moves_of_the_table_succeed_and_a_refused_one_changes_nothing(
        oz: Services, admin: Principal, staff: Principal, placed_order: Order, current: OrderStatus,
        target: OrderStatus) -> None:
    order = bring(oz, staff, placed_order, current)
    outbox, history = pending(oz), oz.orders.events(admin, order.id)
    if (current, target) in LEGAL:
        moved = oz.orders.change_status(admin, order.id, StatusChange(target))
        assert (moved.status, moved.version) == (target, order.version + 1)
        assert pending(oz) == outbox + 1
    else:
        with pytest.raises(InvalidTransition):
            oz.orders.change_status(admin, order.id, StatusChange(target))
        assert oz.orders.get(admin, order.id) == order
        assert (pending(oz), oz.orders.events(admin, order.id)) == (outbox, history)


def test_a_status_change_is_recorded_with_its_actor_and_reason(oz: Services, staff: Principal,
                                                               placed_order: Order) -> None:
    oz.orders.change_status(staff, placed_order.id, StatusChange(P))
    oz.orders.change_status(staff, placed_order.id, StatusChange(C, "oven broke"))
    events = oz.orders.events(staff, placed_order.id)
    assert [(e.version, e.type, e.from_status, e.to_status, e.reason, e.actor_id) for e in events] == [
        (1, EventType.CREATED, None, R, None, placed_order.created_by),
        (2, EventType.STATUS_CHANGED, R, P, None, staff.user_id),
        (3, EventType.STATUS_CHANGED, P, C, "oven broke", staff.user_id),
    ]


def test_cancel_is_a_move_to_cancelled(oz: Services, staff: Principal, placed_order: Order) -> None:
    cancelled = oz.orders.cancel(staff, placed_order.id, reason="guest left")
    assert (cancelled.status, cancelled.version) == (C, 2)
    assert oz.orders.events(staff, placed_order.id)[-1].reason == "guest left"


def test_a_customer_cancels_its_own_order_while_it_is_received(oz: Services, customer: Principal,
                                                               placed_order: Order) -> None:
    assert oz.orders.cancel(customer, placed_order.id).status is C


@pytest.mark.parametrize("status", [P, Y])
def test_a_customer_cannot_cancel_once_the_kitchen_started(oz: Services, staff: Principal,
                                                           customer: Principal, placed_order: Order,
                                                           status: OrderStatus) -> None:
    order = bring(oz, staff, placed_order, status)
    with pytest.raises(InvalidTransition, match="only while it is received"):
        oz.orders.cancel(customer, order.id)
    assert oz.orders.get(staff, order.id) == order


@pytest.mark.parametrize("target", [P, Y, D, R])
def test_a_customer_may_not_move_an_order_along(oz: Services, customer: Principal, placed_order: Order,
                                                target: OrderStatus) -> None:
    with pytest.raises(Forbidden):
        oz.orders.change_status(customer, placed_order.id, StatusChange(target))
    assert oz.orders.get(customer, placed_order.id) == placed_order


def test_a_customer_cannot_even_see_another_customers_order_to_cancel_it(
        oz: Services, other_customer: Principal, placed_order: Order) -> None:
    with pytest.raises(NotFound):
        oz.orders.cancel(other_customer, placed_order.id)
    with pytest.raises(NotFound):
        oz.orders.change_status(other_customer, placed_order.id, StatusChange(P))


@pytest.mark.parametrize("stranger", ["rival_admin", "rival_staff", "rival_customer"])
@pytest.mark.parametrize("target", [P, C])
def test_another_restaurant_cannot_change_an_order_it_cannot_see(
        oz: Services, staff: Principal, placed_order: Order, request: pytest.FixtureRequest, stranger: str,
        target: OrderStatus) -> None:
    with pytest.raises(NotFound):
        oz.orders.change_status(request.getfixturevalue(stranger), placed_order.id, StatusChange(target))
    assert oz.orders.get(staff, placed_order.id) == placed_order


def test_a_stale_expected_version_is_a_failed_precondition(oz: Services, staff: Principal,
                                                           placed_order: Order) -> None:
    with pytest.raises(PreconditionFailed) as caught:
        oz.orders.change_status(staff, placed_order.id, StatusChange(P), expected_version=2)
    assert (caught.value.expected, caught.value.actual) == (2, 1)
    assert oz.orders.get(staff, placed_order.id) == placed_order
    assert oz.orders.change_status(staff, placed_order.id, StatusChange(P), expected_version=1).version == 2


@pytest.mark.parametrize(("reason", "message"), [
    ("x" * 501, "must be at most 500 characters"), ("oven\x00broke", "must not contain control characters")])
def test_a_bad_reason_is_named(oz: Services, staff: Principal, placed_order: Order, reason: str,
                               message: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        oz.orders.cancel(staff, placed_order.id, reason=reason)
    assert [(p.field, p.message) for p in caught.value.problems] == [("reason", message)]
    assert oz.orders.get(staff, placed_order.id) == placed_order


def test_a_deleted_order_cannot_change_status(oz: Services, admin: Principal, placed_order: Order) -> None:
    oz.orders.delete(admin, placed_order.id)
    with pytest.raises(NotFound):
        oz.orders.change_status(admin, placed_order.id, StatusChange(P))
