"""Commands: what a caller asks a use case to do, shaped like the request bodies of the API.

They carry typed but unchecked values; the use case applies the rules and reports every problem.
Fields a client may not set (ids, status on create, prices, totals, versions) are simply absent.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from attrs import fields, frozen

from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import PaymentMethod
from orderzap_core.domain.pagination import Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import MenuItemId


class Unset(Enum):
    """Marks a field a partial update leaves alone (distinct from an explicit null)."""

    UNSET = "UNSET"


UNSET = Unset.UNSET


def _given(command: Any) -> dict[str, Any]:
    return {
        f.name: getattr(command, f.name)
        for f in fields(type(command))
        if getattr(command, f.name) is not UNSET
    }


@frozen
class OrderLine:
    """One requested line: which menu item, how many, and any instructions."""

    menu_item_id: MenuItemId
    quantity: int
    special_instructions: str | None = None


@frozen
class PlaceOrder:
    """Body of ``POST /v1/orders``."""

    customer_name: str
    customer_phone: str
    payment_method: PaymentMethod
    items: tuple[OrderLine, ...]
    notes: str | None = None


@frozen
class EditOrder:
    """Body of ``PATCH /v1/orders/{id}``: any of the customer fields."""

    customer_name: str | Unset = UNSET
    customer_phone: str | Unset = UNSET
    payment_method: PaymentMethod | Unset = UNSET
    notes: str | None | Unset = UNSET

    def given(self) -> dict[str, Any]:
        """The fields this edit sets."""
        return _given(self)


@frozen
class StatusChange:
    """Body of ``PATCH /v1/orders/{id}/status``."""

    status: OrderStatus
    reason: str | None = None


@frozen
class NewMenuItem:
    """Body of ``POST /v1/menu-items``."""

    name: str
    price_cents: int
    is_available: bool = True


@frozen
class EditMenuItem:
    """Body of ``PATCH /v1/menu-items/{id}``."""

    name: str | Unset = UNSET
    price_cents: int | Unset = UNSET
    is_available: bool | Unset = UNSET

    def given(self) -> dict[str, Any]:
        """The fields this edit sets."""
        return _given(self)


@frozen
class NewRestaurant:
    """An operator's ``restaurant create``."""

    name: str
    slug: str
    currency: str = "USD"


@frozen
class NewUser:
    """An operator's ``user create``."""

    email: str
    role: Role
    password: str


@frozen
class Login:
    """Body of ``POST /v1/auth/login``."""

    restaurant_slug: str
    email: str
    password: str


@frozen
class ListOrders:
    """Query of ``GET /v1/orders``; the cursor is the opaque string a previous page handed out."""

    statuses: tuple[OrderStatus, ...] = ()
    created_after: datetime | None = None
    created_before: datetime | None = None
    limit: int = 50
    sort: Sort = Sort.NEWEST_FIRST
    cursor: str | None = None
    include_deleted: bool = False
