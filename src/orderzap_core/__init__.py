"""OrderZap's domain core: entities, rules, policy, ports and use cases. No I/O.

The public surface is re-exported here; everything else is an implementation detail.
"""

from orderzap_core.commands import (
    UNSET,
    EditMenuItem,
    EditOrder,
    ListOrders,
    Login,
    NewMenuItem,
    NewRestaurant,
    NewUser,
    OrderLine,
    PlaceOrder,
    StatusChange,
)
from orderzap_core.domain.accounts import Restaurant, Role, User
from orderzap_core.domain.contact import Email, PhoneNumber
from orderzap_core.domain.events import EventType, OrderEvent
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.money import CurrencyMismatch, Money
from orderzap_core.domain.orders import Order, OrderItem, PaymentMethod
from orderzap_core.domain.pagination import Page, Sort
from orderzap_core.domain.status import TRANSITIONS, OrderStatus
from orderzap_core.errors import (
    BadRequest,
    Forbidden,
    IdempotencyConflict,
    InvalidCredentials,
    InvalidTransition,
    NotFound,
    OrderZapError,
    PreconditionFailed,
    Problem,
    Unauthenticated,
    Unavailable,
    ValidationFailed,
)
from orderzap_core.ids import MenuItemId, OrderId, RestaurantId, UserId
from orderzap_core.policy import Principal
from orderzap_core.services import Services

__all__ = [
    "UNSET", "BadRequest", "Email", "PhoneNumber", "CurrencyMismatch", "EditMenuItem", "EditOrder",
    "EventType", "Forbidden",
    "IdempotencyConflict", "InvalidCredentials", "InvalidTransition", "ListOrders", "Login", "MenuItem",
    "MenuItemId", "Money", "NewMenuItem", "NewRestaurant", "NewUser", "NotFound", "Order", "OrderEvent",
    "OrderId", "OrderItem", "OrderLine", "OrderStatus", "OrderZapError", "Page", "PaymentMethod",
    "PlaceOrder", "PreconditionFailed", "Principal", "Problem", "Restaurant", "RestaurantId", "Role",
    "Services", "Sort", "StatusChange", "TRANSITIONS", "Unauthenticated", "Unavailable", "User",
    "UserId", "ValidationFailed",
]
