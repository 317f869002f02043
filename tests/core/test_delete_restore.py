"""Soft delete and restore: admins only; a deleted order leaves reads and lists and returns on restore."""

from __future__ import annotations

import pytest

from orderzap_core.commands import ListOrders
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import Order
from orderzap_core.errors import Forbidden, InvalidTransition, NotFound, PreconditionFailed
from orderzap_core.policy import Principal
from orderzap_core.services import Services


def listed(oz: Services, principal: Principal, *, include_deleted: bool = False) -> list[Order]:
    return list(oz.orders.list(principal, ListOrders(include_deleted=include_deleted)).items)


def test_a_deleted_order_leaves_reads_and_lists(oz: Services, admin: Principal, staff: Principal,
                                                customer: Principal, placed_order: Order) -> None:
    gone = oz.orders.delete(admin, placed_order.id)
    assert gone.deleted_at is not None
    assert gone.version == placed_order.version + 1
    for principal in (admin, staff, customer):
        with pytest.raises(NotFound):
            oz.orders.get(principal, placed_order.id)
        assert listed(oz, principal) == []


def test_only_an_admin_who_asks_sees_a_deleted_order(oz: Services, admin: Principal, staff: Principal,
                                                     customer: Principal, placed_order: Order) -> None:
    gone = oz.orders.delete(admin, placed_order.id)
    assert oz.orders.get(admin, placed_order.id, include_deleted=True) == gone
    assert listed(oz, admin, include_deleted=True) == [gone]
    for principal in (staff, customer):
        with pytest.raises(NotFound):
            oz.orders.get(principal, placed_order.id, include_deleted=True)
        assert listed(oz, principal, include_deleted=True) == []


def test_a_restored_order_returns_to_reads_and_lists(oz: Services, admin: Principal, customer: Principal,
                                                     placed_order: Order) -> None:
    oz.orders.delete(admin, placed_order.id)
    back = oz.orders.restore(admin, placed_order.id)
    assert (back.deleted_at, back.version, back.status) == (None, 3, placed_order.status)
    assert oz.orders.get(customer, placed_order.id) == back
    assert listed(oz, customer) == [back]


def test_delete_and_restore_are_recorded(oz: Services, admin: Principal, placed_order: Order) -> None:
    oz.orders.delete(admin, placed_order.id)
    oz.orders.restore(admin, placed_order.id)
    assert [(e.version, e.type, e.actor_id) for e in oz.orders.events(admin, placed_order.id)][1:] == [
        (2, EventType.DELETED, admin.user_id), (3, EventType.RESTORED, admin.user_id)]


def test_an_admin_reads_the_history_of_a_deleted_order_and_nobody_else(
        oz: Services, admin: Principal, staff: Principal, customer: Principal, placed_order: Order) -> None:
    oz.orders.delete(admin, placed_order.id)
    assert len(oz.orders.events(admin, placed_order.id)) == 2
    for principal in (staff, customer):
        with pytest.raises(NotFound):
            oz.orders.events(principal, placed_order.id)


def test_deleting_a_deleted_order_is_not_found(oz: Services, admin: Principal, placed_order: Order) -> None:
    gone = oz.orders.delete(admin, placed_order.id)
    with pytest.raises(NotFound):
        oz.orders.delete(admin, placed_order.id)
    assert oz.orders.get(admin, placed_order.id, include_deleted=True) == gone


def test_restoring_an_order_that_is_not_deleted_is_an_invalid_transition(oz: Services, admin: Principal,
                                                                         placed_order: Order) -> None:
    with pytest.raises(InvalidTransition, match="only a deleted order can be restored"):
        oz.orders.restore(admin, placed_order.id)
    assert oz.orders.get(admin, placed_order.id) == placed_order


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_only_an_admin_deletes(oz: Services, placed_order: Order, request: pytest.FixtureRequest,
                               role: str) -> None:
    with pytest.raises(Forbidden):
        oz.orders.delete(request.getfixturevalue(role), placed_order.id)
    assert oz.orders.get(request.getfixturevalue(role), placed_order.id) == placed_order


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_only_an_admin_restores(oz: Services, admin: Principal, placed_order: Order,
                                request: pytest.FixtureRequest, role: str) -> None:
    gone = oz.orders.delete(admin, placed_order.id)
    with pytest.raises(Forbidden):
        oz.orders.restore(request.getfixturevalue(role), placed_order.id)
    assert oz.orders.get(admin, placed_order.id, include_deleted=True) == gone


def test_another_customer_cannot_restore_what_it_cannot_see(oz: Services, admin: Principal,
                                                            other_customer: Principal,
                                                            placed_order: Order) -> None:
    oz.orders.delete(admin, placed_order.id)
    with pytest.raises(NotFound):
        oz.orders.restore(other_customer, placed_order.id)


def test_another_restaurants_admin_can_neither_delete_nor_restore(oz: Services, admin: Principal,
                                                                  rival_admin: Principal,
                                                                  placed_order: Order) -> None:
    with pytest.raises(NotFound):
        oz.orders.delete(rival_admin, placed_order.id)
    gone = oz.orders.delete(admin, placed_order.id)
    with pytest.raises(NotFound):
        oz.orders.restore(rival_admin, placed_order.id)
    with pytest.raises(NotFound):
        oz.orders.get(rival_admin, placed_order.id, include_deleted=True)
    assert oz.orders.get(admin, placed_order.id, include_deleted=True) == gone


def test_delete_and_restore_honour_the_expected_version(oz: Services, admin: Principal,
                                                        placed_order: Order) -> None:
    with pytest.raises(PreconditionFailed):
        oz.orders.delete(admin, placed_order.id, expected_version=2)
    oz.orders.delete(admin, placed_order.id, expected_version=1)
    with pytest.raises(PreconditionFailed):
        oz.orders.restore(admin, placed_order.id, expected_version=1)
    assert oz.orders.restore(admin, placed_order.id, expected_version=2).version == 3


def test_the_domain_refuses_to_delete_a_tombstone(oz: Services, admin: Principal,
                                                  placed_order: Order) -> None:
    gone = oz.orders.delete(admin, placed_order.id)
    with pytest.raises(InvalidTransition, match="already deleted"):
        gone.delete(by=admin.user_id, at=gone.updated_at)
