"""The order status machine: the table of api.md, how orders move through it, and its docs page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from itertools import product
from pathlib import Path
from uuid import UUID

import pytest

from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import Order, OrderItem, PaymentMethod
from orderzap_core.domain.status import (
    TERMINAL,
    TRANSITIONS,
    OrderStatus,
    can_move,
    is_terminal,
    transition_table_markdown,
)
from orderzap_core.errors import InvalidTransition
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId, RestaurantId, UserId

R, P, Y, D, C = (OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.COMPLETED,
                 OrderStatus.CANCELLED)
#: api.md, transcribed: received -> preparing -> ready -> completed; received|preparing|ready -> cancelled.
LEGAL = {(R, P), (P, Y), (Y, D), (R, C), (P, C), (Y, C)}
DOCS = Path(__file__).parents[2] / "docs" / "status.md"
AT = datetime(2026, 11, 24, 12, tzinfo=UTC)
COOK = UserId(UUID(int=7))


def an_order_in(status: OrderStatus) -> Order:
    item = OrderItem.priced(OrderItemId(UUID(int=3)), MenuItemId(UUID(int=4)), "Margherita", 2, 1150)
    order, _ = Order.place(
        id=OrderId(UUID(int=1)), restaurant_id=RestaurantId(UUID(int=2)), order_number=1,
        customer_name="Ada", customer_phone="+14155550123", payment_method=PaymentMethod.CARD,
        notes=None, items=[item], currency="USD", by=COOK, at=AT)
    path = {R: [], P: [P], Y: [P, Y], D: [P, Y, D], C: [C]}[status]
    for step in path:
        order, _ = order.move_to(step, by=COOK, at=AT)
    return order


def test_the_table_is_the_one_of_the_api_contract() -> None:
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == LEGAL
    assert set(TRANSITIONS) == set(OrderStatus)


def test_completed_and_cancelled_are_the_terminal_statuses() -> None:
    assert TERMINAL == {D, C}
    assert [s for s in OrderStatus if is_terminal(s)] == [D, C]


@pytest.mark.parametrize(("current", "target"), list(product(OrderStatus, OrderStatus)))
def test_a_move_is_allowed_exactly_when_the_table_lists_it(current: OrderStatus, target: OrderStatus) -> None:
    assert can_move(current, target) is ((current, target) in LEGAL)


@pytest.mark.parametrize("status", list(OrderStatus))
def test_setting_the_status_an_order_already_has_is_refused(status: OrderStatus) -> None:
    with pytest.raises(InvalidTransition, match=f"from {status.value} to {status.value}"):
        an_order_in(status).move_to(status, by=COOK, at=AT)


@pytest.mark.parametrize(("current", "target"), sorted(LEGAL))
def test_a_legal_move_returns_the_next_version_and_its_event(current: OrderStatus,
                                                             target: OrderStatus) -> None:
    order = an_order_in(current)
    later = AT + timedelta(minutes=5)
    moved, event = order.move_to(target, by=COOK, at=later, reason="why not")
    assert (moved.status, moved.version, moved.updated_at) == (target, order.version + 1, later)
    assert order.status is current  # the original is untouched: moves return new values
    assert (event.type, event.from_status, event.to_status) == (EventType.STATUS_CHANGED, current, target)
    assert (event.version, event.actor_id, event.at, event.reason) == (moved.version, COOK, later, "why not")


@pytest.mark.parametrize(("current", "target"),
                         [pair for pair in product(OrderStatus, OrderStatus) if pair not in LEGAL])
def test_an_illegal_move_raises_invalid_transition(current: OrderStatus, target: OrderStatus) -> None:
    with pytest.raises(InvalidTransition):
        an_order_in(current).move_to(target, by=COOK, at=AT)


def test_a_new_order_is_received_at_version_one() -> None:
    order = an_order_in(R)
    assert (order.status, order.version, order.created_at, order.updated_at) == (R, 1, AT, AT)


def test_updated_at_never_goes_backwards_when_clocks_disagree() -> None:
    order = an_order_in(R)
    moved, _ = order.move_to(P, by=COOK, at=AT - timedelta(seconds=3))
    assert moved.updated_at == AT


def test_the_rendered_table_names_every_status_once_as_a_source() -> None:
    rows = transition_table_markdown().splitlines()[2:]
    assert [row.split("|")[1].strip() for row in rows] == [f"`{s.value}`" for s in OrderStatus]
    assert "| `completed` | — (terminal) |" in rows


def test_the_docs_page_holds_exactly_the_current_rendering_of_the_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- BEGIN transition table[^>]*-->\n(.*?)<!-- END transition table -->", text,
                        flags=re.DOTALL)
    assert blocks == [transition_table_markdown()], "docs/status.md is stale: re-render the table"
