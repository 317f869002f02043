"""The role table of api.md as data, visibility before policy, and the docs page of the table."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from uuid import UUID

import pytest

from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import Order, OrderItem, PaymentMethod
from orderzap_core.errors import Forbidden, NotFound
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId, RestaurantId, UserId
from orderzap_core.policy import ROLE_TABLE, Action, Principal, Scope, authorize, can_see, role_table_markdown

DOCS = Path(__file__).parents[2] / "docs" / "policy.md"
HOME, AWAY = RestaurantId(UUID(int=100)), RestaurantId(UUID(int=200))
ADMIN = Principal(UserId(UUID(int=1)), HOME, Role.ADMIN)
STAFF = Principal(UserId(UUID(int=2)), HOME, Role.STAFF)
GUEST = Principal(UserId(UUID(int=3)), HOME, Role.CUSTOMER)
OTHER_GUEST = Principal(UserId(UUID(int=4)), HOME, Role.CUSTOMER)
PRINCIPALS = [ADMIN, STAFF, GUEST, OTHER_GUEST]

yes, own, no = Scope.ALL, Scope.OWN, Scope.NONE
#: api.md's "Tokens and roles" table, transcribed: (admin, staff, customer).
API_TABLE = {
    Action.READ_MENU: (yes, yes, yes),
    Action.MANAGE_MENU: (yes, no, no),
    Action.CREATE_ORDER: (yes, yes, yes),
    Action.READ_ORDERS: (yes, yes, own),
    Action.CHANGE_STATUS: (yes, yes, no),
    Action.CANCEL_ORDER: (yes, yes, own),
    Action.EDIT_ORDER: (yes, yes, no),
    Action.DELETE_ORDER: (yes, no, no),
    Action.READ_EVENTS: (yes, yes, own),
}
ORDER_ACTIONS = [Action.READ_ORDERS, Action.CHANGE_STATUS, Action.CANCEL_ORDER, Action.EDIT_ORDER,
                 Action.DELETE_ORDER, Action.READ_EVENTS]


def an_order(restaurant_id: RestaurantId = HOME, created_by: UserId = GUEST.user_id) -> Order:
    item = OrderItem.priced(OrderItemId(UUID(int=9)), MenuItemId(UUID(int=8)), "Margherita", 1, 1150)
    order, _ = Order.place(
        id=OrderId(UUID(int=10)), restaurant_id=restaurant_id, order_number=1, customer_name="Ada",
        customer_phone="+14155550123", payment_method=PaymentMethod.CASH, notes=None, items=[item],
        currency="USD", by=created_by, at=datetime(2026, 11, 24, tzinfo=UTC))
    return order


def test_the_role_table_is_the_one_of_the_api_contract() -> None:
    assert {a: tuple(ROLE_TABLE[a][r] for r in Role) for a in ROLE_TABLE} == API_TABLE
    assert set(ROLE_TABLE) == set(Action)


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("principal", [ADMIN, STAFF, GUEST], ids=lambda p: p.role.value)
def test_an_action_without_an_order_is_allowed_unless_the_table_says_no(action: Action,
                                                                       principal: Principal) -> None:
    if ROLE_TABLE[action][principal.role] is Scope.NONE:
        with pytest.raises(Forbidden, match=f"a {principal.role.value} may not"):
            authorize(principal, action)
    else:
        authorize(principal, action)


@pytest.mark.parametrize("action", ORDER_ACTIONS)
@pytest.mark.parametrize("principal", PRINCIPALS, ids=["admin", "staff", "customer", "other customer"])
def test_on_an_order_the_table_decides_after_visibility(action: Action, principal: Principal) -> None:
    order = an_order()
    scope = ROLE_TABLE[action][principal.role]
    if principal.role is Role.CUSTOMER and order.created_by != principal.user_id:
        with pytest.raises(NotFound):  # another customer's order: it does not exist for this one
            authorize(principal, action, order)
    elif scope is Scope.NONE:
        with pytest.raises(Forbidden):
            authorize(principal, action, order)
    else:
        authorize(principal, action, order)


@pytest.mark.parametrize("action", ORDER_ACTIONS)
@pytest.mark.parametrize("role", list(Role))
def test_another_restaurants_order_is_not_found_never_forbidden(action: Action, role: Role) -> None:
    stranger = Principal(UserId(UUID(int=50)), AWAY, role)
    with pytest.raises(NotFound):
        authorize(stranger, action, an_order(created_by=stranger.user_id))


def test_a_customer_sees_only_the_orders_it_created_and_staff_every_order_of_its_restaurant() -> None:
    order = an_order(created_by=GUEST.user_id)
    assert [can_see(p, order) for p in PRINCIPALS] == [True, True, True, False]
    assert not any(can_see(Principal(p.user_id, AWAY, p.role), order) for p in PRINCIPALS)


def test_the_docs_page_holds_exactly_the_current_rendering_of_the_table() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"<!-- BEGIN role table[^>]*-->\n(.*?)<!-- END role table -->", text, flags=re.DOTALL)
    assert blocks == [role_table_markdown()], "docs/policy.md is stale: re-render the table"


def test_the_rendered_table_has_a_row_per_action_and_a_column_per_role() -> None:
    rows = role_table_markdown().splitlines()
    assert rows[0] == "| action | admin | staff | customer |"
    assert [r.split(" | ")[0].removeprefix("| ") for r in rows[2:]] == [a.value for a in Action]
    assert "| read / list orders | yes | yes | its own |" in rows
