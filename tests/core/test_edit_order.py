"""Editing an order's customer fields: staff and admins, until the order is finished."""

from __future__ import annotations

import pytest

from orderzap_core.commands import EditOrder, StatusChange
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import Order, PaymentMethod
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import Forbidden, InvalidTransition, NotFound, PreconditionFailed, ValidationFailed
from orderzap_core.policy import Principal
from orderzap_core.services import Services

BAD_PHONE = "must be a valid phone number, e.g. +14155550123"


def problems_of(oz: Services, principal: Principal, order: Order, edit: EditOrder) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        oz.orders.edit(principal, order.id, edit)
    assert oz.orders.get(principal, order.id) == order, "a refused edit changed the order"
    return [(p.field, p.message) for p in caught.value.problems]


def test_staff_edit_the_customer_fields(oz: Services, staff: Principal, placed_order: Order) -> None:
    edited = oz.orders.edit(staff, placed_order.id, EditOrder(
        customer_name="  Grace ", customer_phone="(415) 555-0199", payment_method=PaymentMethod.CASH,
        notes="table 4"))
    assert (edited.customer_name, edited.customer_phone, edited.payment_method, edited.notes) == (
        "Grace", "+14155550199", PaymentMethod.CASH, "table 4")
    assert (edited.version, edited.items, edited.total_cents, edited.status) == (
        2, placed_order.items, placed_order.total_cents, placed_order.status)
    assert oz.orders.get(staff, placed_order.id) == edited


def test_an_edit_leaves_the_fields_it_does_not_name(oz: Services, admin: Principal,
                                                    placed_order: Order) -> None:
    edited = oz.orders.edit(admin, placed_order.id, EditOrder(notes="no onions"))
    assert (edited.customer_name, edited.customer_phone, edited.notes) == (
        placed_order.customer_name, placed_order.customer_phone, "no onions")


def test_notes_can_be_cleared(oz: Services, staff: Principal, placed_order: Order) -> None:
    oz.orders.edit(staff, placed_order.id, EditOrder(notes="x"))
    assert oz.orders.edit(staff, placed_order.id, EditOrder(notes=None)).notes is None


def test_an_edit_is_recorded_as_updated(oz: Services, staff: Principal, placed_order: Order) -> None:
    oz.orders.edit(staff, placed_order.id, EditOrder(notes="x"))
    event = oz.orders.events(staff, placed_order.id)[-1]
    assert (event.type, event.version, event.from_status, event.to_status, event.actor_id) == (
        EventType.UPDATED, 2, OrderStatus.RECEIVED, OrderStatus.RECEIVED, staff.user_id)


def test_an_empty_edit_is_refused(oz: Services, staff: Principal, placed_order: Order) -> None:
    assert problems_of(oz, staff, placed_order, EditOrder()) == [
        ("body", "must set at least one of customerName, customerPhone, paymentMethod, notes")]


def test_every_bad_field_of_an_edit_is_named(oz: Services, staff: Principal, placed_order: Order) -> None:
    edit = EditOrder(customer_name="x" * 101, customer_phone="555", notes="\x00")
    assert problems_of(oz, staff, placed_order, edit) == [
        ("customer_name", "must be at most 100 characters"),
        ("customer_phone", BAD_PHONE),
        ("notes", "must not contain control characters"),
    ]


@pytest.mark.parametrize(("edit", "expected"), [
    (EditOrder(customer_name=" "), ("customer_name", "must not be empty")),
    (EditOrder(customer_name="x" * 500), ("customer_name", "must be at most 100 characters")),
    (EditOrder(customer_name="Ada\x07"), ("customer_name", "must not contain control characters")),
    (EditOrder(customer_phone="phone"), ("customer_phone", BAD_PHONE)),
    (EditOrder(notes="x" * 501), ("notes", "must be at most 500 characters")),
], ids=["blank name", "long name", "bell in name", "bad phone", "long notes"])
def test_a_bad_field_of_an_edit_is_named(oz: Services, staff: Principal, placed_order: Order, edit: EditOrder,
                                         expected: tuple[str, str]) -> None:
    assert problems_of(oz, staff, placed_order, edit) == [expected]


def test_a_customer_may_not_edit_even_its_own_order(oz: Services, customer: Principal,
                                                    placed_order: Order) -> None:
    with pytest.raises(Forbidden):
        oz.orders.edit(customer, placed_order.id, EditOrder(notes="extra cheese"))
    assert oz.orders.get(customer, placed_order.id) == placed_order


@pytest.mark.parametrize("stranger", ["other_customer", "rival_admin", "rival_staff"])
def test_an_order_the_caller_cannot_see_is_not_found(oz: Services, staff: Principal, placed_order: Order,
                                                     request: pytest.FixtureRequest, stranger: str) -> None:
    with pytest.raises(NotFound):
        oz.orders.edit(request.getfixturevalue(stranger), placed_order.id, EditOrder(notes="x"))
    assert oz.orders.get(staff, placed_order.id) == placed_order


@pytest.mark.parametrize("status", [OrderStatus.COMPLETED, OrderStatus.CANCELLED])
def test_a_finished_order_can_no_longer_be_edited(oz: Services, staff: Principal, placed_order: Order,
                                                  status: OrderStatus) -> None:
    path = [OrderStatus.PREPARING, OrderStatus.READY, status] if status is OrderStatus.COMPLETED else [status]
    for step in path:
        finished = oz.orders.change_status(staff, placed_order.id, StatusChange(step))
    with pytest.raises(InvalidTransition, match="can no longer be edited"):
        oz.orders.edit(staff, placed_order.id, EditOrder(notes="late"))
    assert oz.orders.get(staff, placed_order.id) == finished


@pytest.mark.parametrize("status", [OrderStatus.PREPARING, OrderStatus.READY])
def test_an_order_in_the_kitchen_can_still_be_edited(oz: Services, staff: Principal, placed_order: Order,
                                                     status: OrderStatus) -> None:
    oz.orders.change_status(staff, placed_order.id, StatusChange(OrderStatus.PREPARING))
    if status is OrderStatus.READY:
        oz.orders.change_status(staff, placed_order.id, StatusChange(OrderStatus.READY))
    assert oz.orders.edit(staff, placed_order.id, EditOrder(notes="late")).status is status


def test_an_edit_honours_the_expected_version(oz: Services, staff: Principal, placed_order: Order) -> None:
    with pytest.raises(PreconditionFailed):
        oz.orders.edit(staff, placed_order.id, EditOrder(notes="x"), expected_version=7)
    assert oz.orders.get(staff, placed_order.id) == placed_order
    assert oz.orders.edit(staff, placed_order.id, EditOrder(notes="x"), expected_version=1).version == 2


def test_a_deleted_order_cannot_be_edited(oz: Services, admin: Principal, placed_order: Order) -> None:
    oz.orders.delete(admin, placed_order.id)
    with pytest.raises(NotFound):
        oz.orders.edit(admin, placed_order.id, EditOrder(notes="x"))
