"""Orders and their items: pricing, totals, edits, status moves, soft delete and restore.

Every change returns a new ``Order`` whose ``version`` is one more, together with the event that
records it; nothing here mutates.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from attrs import evolve, frozen

from orderzap_core.domain.events import EventType, OrderEvent
from orderzap_core.domain.money import Money
from orderzap_core.domain.status import OrderStatus, can_move, is_terminal
from orderzap_core.errors import InvalidTransition
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId, RestaurantId, UserId


class PaymentMethod(StrEnum):
    """How the guest pays."""

    CASH = "cash"
    CARD = "card"
    ONLINE = "online"


@frozen
class OrderItem:
    """A line of an order, with the menu's name and price copied at the time of ordering."""

    id: OrderItemId
    menu_item_id: MenuItemId
    name: str
    quantity: int
    unit_price_cents: int
    line_total_cents: int
    special_instructions: str | None = None

    @classmethod
    def priced(
        cls,
        id: OrderItemId,
        menu_item_id: MenuItemId,
        name: str,
        quantity: int,
        unit_price_cents: int,
        special_instructions: str | None = None,
    ) -> OrderItem:
        """A line whose total is quantity × unit price."""
        return cls(id, menu_item_id, name, quantity, unit_price_cents, quantity * unit_price_cents,
                   special_instructions)


@frozen
class Order:
    """An order of one restaurant; ``version`` counts its changes, starting at 1."""

    id: OrderId
    restaurant_id: RestaurantId
    order_number: int
    customer_name: str
    customer_phone: str
    status: OrderStatus
    payment_method: PaymentMethod
    notes: str | None
    items: tuple[OrderItem, ...]
    total_cents: int
    currency: str
    version: int
    created_by: UserId
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @classmethod
    def place(
        cls,
        *,
        id: OrderId,
        restaurant_id: RestaurantId,
        order_number: int,
        customer_name: str,
        customer_phone: str,
        payment_method: PaymentMethod,
        notes: str | None,
        items: Sequence[OrderItem],
        currency: str,
        by: UserId,
        at: datetime,
    ) -> tuple[Order, OrderEvent]:
        """A new order in ``received`` at version 1, totalled from its lines, and its event."""
        total = sum((Money(i.line_total_cents, currency) for i in items), Money.zero(currency))
        order = cls(
            id=id, restaurant_id=restaurant_id, order_number=order_number,
            customer_name=customer_name, customer_phone=customer_phone,
            status=OrderStatus.RECEIVED, payment_method=payment_method, notes=notes,
            items=tuple(items), total_cents=total.cents, currency=currency, version=1,
            created_by=by, created_at=at, updated_at=at,
        )
        return order, order._event(EventType.CREATED, None, OrderStatus.RECEIVED, by, at)

    @property
    def is_deleted(self) -> bool:
        """Soft-deleted (a tombstone)."""
        return self.deleted_at is not None

    def move_to(
        self, target: OrderStatus, *, by: UserId, at: datetime, reason: str | None = None
    ) -> tuple[Order, OrderEvent]:
        """This order in ``target``. Raises InvalidTransition unless the status table allows the move."""
        if not can_move(self.status, target):
            raise InvalidTransition(
                f"an order cannot move from {self.status.value} to {target.value}")
        moved = self._next(at, status=target)
        return moved, moved._event(EventType.STATUS_CHANGED, self.status, target, by, at, reason)

    def edit(self, changes: dict[str, Any], *, by: UserId, at: datetime) -> tuple[Order, OrderEvent]:
        """This order with customer fields changed. Raises InvalidTransition once it is finished."""
        if is_terminal(self.status):
            raise InvalidTransition(f"a {self.status.value} order can no longer be edited")
        edited = self._next(at, **changes)
        return edited, edited._event(EventType.UPDATED, self.status, self.status, by, at)

    def delete(self, *, by: UserId, at: datetime) -> tuple[Order, OrderEvent]:
        """This order soft-deleted. Raises InvalidTransition if it already is."""
        if self.is_deleted:
            raise InvalidTransition("the order is already deleted")
        gone = self._next(at, deleted_at=at)
        return gone, gone._event(EventType.DELETED, self.status, self.status, by, at)

    def restore(self, *, by: UserId, at: datetime) -> tuple[Order, OrderEvent]:
        """This order undeleted. Raises InvalidTransition if it is not deleted."""
        if not self.is_deleted:
            raise InvalidTransition("only a deleted order can be restored")
        back = self._next(at, deleted_at=None)
        return back, back._event(EventType.RESTORED, self.status, self.status, by, at)

    def _next(self, at: datetime, **changes: Any) -> Order:
        # NOTE: updated_at never goes backwards, even if clocks of two processes disagree.
        return evolve(self, version=self.version + 1, updated_at=max(at, self.updated_at), **changes)

    def _event(
        self,
        type: EventType,
        from_status: OrderStatus | None,
        to_status: OrderStatus | None,
        by: UserId,
        at: datetime,
        reason: str | None = None,
    ) -> OrderEvent:
        return OrderEvent(
            order_id=self.id, restaurant_id=self.restaurant_id, version=self.version, type=type,
            from_status=from_status, to_status=to_status, actor_id=by, at=at, reason=reason,
        )
