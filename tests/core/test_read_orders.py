"""Reading one order and its history: the restaurant's staff read all, a customer only its own, and
another restaurant nothing at all."""

from __future__ import annotations

from uuid import UUID

import pytest

from orderzap_core.commands import StatusChange
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import Cursor, Position, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import BadRequest, NotFound
from orderzap_core.ids import OrderId
from orderzap_core.policy import Principal
from orderzap_core.services import Services


@pytest.mark.parametrize("reader", ["admin", "staff", "customer"])
def test_the_restaurant_and_the_customer_who_ordered_read_the_order(oz: Services, placed_order: Order,
                                                                    request: pytest.FixtureRequest,
                                                                    reader: str) -> None:
    principal = request.getfixturevalue(reader)
    assert oz.orders.get(principal, placed_order.id) == placed_order
    assert [e.type for e in oz.orders.events(principal, placed_order.id)] == [EventType.CREATED]


@pytest.mark.parametrize("stranger", ["other_customer", "rival_admin", "rival_staff", "rival_customer"])
def test_nobody_else_learns_that_the_order_exists(oz: Services, placed_order: Order,
                                                  request: pytest.FixtureRequest, stranger: str) -> None:
    principal = request.getfixturevalue(stranger)
    with pytest.raises(NotFound, match="order not found"):
        oz.orders.get(principal, placed_order.id)
    with pytest.raises(NotFound, match="order not found"):
        oz.orders.events(principal, placed_order.id)
    with pytest.raises(NotFound):
        oz.reads.get(principal, placed_order.id)


def test_an_unknown_order_is_not_found(oz: Services, admin: Principal) -> None:
    with pytest.raises(NotFound):
        oz.orders.get(admin, OrderId(UUID(int=424242)))


def test_the_history_lists_one_event_per_version_oldest_first(oz: Services, staff: Principal,
                                                              placed_order: Order) -> None:
    for status in (OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.COMPLETED):
        oz.orders.change_status(staff, placed_order.id, StatusChange(status))
    events = oz.orders.events(staff, placed_order.id)
    assert [e.version for e in events] == [1, 2, 3, 4]
    assert [e.to_status for e in events] == [OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.READY,
                                             OrderStatus.COMPLETED]
    assert {(e.order_id, e.restaurant_id) for e in events} == {(placed_order.id, placed_order.restaurant_id)}


def test_the_history_pages_by_version_and_refuses_cursors_it_did_not_issue(
        oz: Services, staff: Principal, placed_order: Order) -> None:
    for status in (OrderStatus.PREPARING, OrderStatus.READY):
        oz.orders.change_status(staff, placed_order.id, StatusChange(status))
    first = oz.orders.history(staff, placed_order.id, limit=2)
    assert [e.version for e in first.items] == [1, 2] and first.next_cursor is not None
    rest = oz.orders.history(staff, placed_order.id, limit=2, cursor=first.next_cursor)
    assert [e.version for e in rest.items] == [3] and rest.next_cursor is None
    orders_cursor = Cursor(Position(placed_order.created_at, placed_order.id), Sort.NEWEST_FIRST).encode()
    for foreign in ("bogus", orders_cursor):
        with pytest.raises(BadRequest):
            oz.orders.history(staff, placed_order.id, cursor=foreign)
    with pytest.raises(BadRequest):
        oz.orders.history(staff, placed_order.id, limit=0)
