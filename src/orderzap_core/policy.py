"""Who may do what: the role table of the API contract as data, and one function that applies it.

Visibility comes before policy: an order of another restaurant, or another customer's order, is
NotFound (never Forbidden), so nobody learns that it exists. Only then does the role decide.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from attrs import frozen

from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import Order
from orderzap_core.errors import Forbidden, NotFound
from orderzap_core.ids import RestaurantId, UserId


@frozen
class Principal:
    """The caller of a use case: a user of one restaurant, in one role."""

    user_id: UserId
    restaurant_id: RestaurantId
    role: Role


class Action(StrEnum):
    """Everything the role table decides."""

    READ_MENU = "read menu"
    MANAGE_MENU = "create / edit / delete menu items"
    CREATE_ORDER = "create an order"
    READ_ORDERS = "read / list orders"
    CHANGE_STATUS = "change status"
    CANCEL_ORDER = "cancel"
    EDIT_ORDER = "edit customer fields"
    DELETE_ORDER = "soft delete, restore"
    READ_EVENTS = "read an order's events"


class Scope(StrEnum):
    """How far a role's permission reaches within its restaurant."""

    NONE = "no"
    OWN = "its own"
    ALL = "all of the restaurant"


_A, _S, _C = Role.ADMIN, Role.STAFF, Role.CUSTOMER
ALL, OWN, NONE = Scope.ALL, Scope.OWN, Scope.NONE

#: The role table of api.md. A customer's own orders are the ones it created.
ROLE_TABLE: Mapping[Action, Mapping[Role, Scope]] = {
    Action.READ_MENU: {_A: ALL, _S: ALL, _C: ALL},
    Action.MANAGE_MENU: {_A: ALL, _S: NONE, _C: NONE},
    Action.CREATE_ORDER: {_A: ALL, _S: ALL, _C: ALL},
    Action.READ_ORDERS: {_A: ALL, _S: ALL, _C: OWN},
    Action.CHANGE_STATUS: {_A: ALL, _S: ALL, _C: NONE},
    Action.CANCEL_ORDER: {_A: ALL, _S: ALL, _C: OWN},
    Action.EDIT_ORDER: {_A: ALL, _S: ALL, _C: NONE},
    Action.DELETE_ORDER: {_A: ALL, _S: NONE, _C: NONE},
    Action.READ_EVENTS: {_A: ALL, _S: ALL, _C: OWN},
}


def scope_of(principal: Principal, action: Action) -> Scope:
    """How far ``principal`` may perform ``action``."""
    return ROLE_TABLE[action][principal.role]


def can_see(principal: Principal, order: Order) -> bool:
    """Whether ``principal`` may know ``order`` exists: its restaurant's, and its own if a customer."""
    if order.restaurant_id != principal.restaurant_id:
        return False
    return scope_of(principal, Action.READ_ORDERS) is ALL or order.created_by == principal.user_id


def authorize(principal: Principal, action: Action, order: Order | None = None) -> None:
    """Allow ``action``, or raise NotFound (an order the principal may not see) or Forbidden."""
    if order is not None and not can_see(principal, order):
        raise NotFound("order")
    scope = scope_of(principal, action)
    if scope is NONE:
        raise Forbidden(f"a {principal.role.value} may not {action.value}")
    if scope is OWN and order is not None and order.created_by != principal.user_id:
        raise NotFound("order")


_CELLS: Mapping[Scope, str] = {ALL: "yes", OWN: "its own", NONE: "no"}


def role_table_markdown() -> str:
    """The role table as Markdown, for the docs (``docs/policy.md`` holds this rendering)."""
    roles = list(Role)
    lines = ["| action | " + " | ".join(r.value for r in roles) + " |", "|---|" + "---|" * len(roles)]
    for action, scopes in ROLE_TABLE.items():
        lines.append(f"| {action.value} | " + " | ".join(_CELLS[scopes[r]] for r in roles) + " |")
    return "\n".join(lines) + "\n"
