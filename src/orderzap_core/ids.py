"""Identifiers: NewTypes over UUID, so a menu item id cannot be passed where an order id is expected."""

from typing import NewType
from uuid import UUID

RestaurantId = NewType("RestaurantId", UUID)
UserId = NewType("UserId", UUID)
MenuItemId = NewType("MenuItemId", UUID)
OrderId = NewType("OrderId", UUID)
OrderItemId = NewType("OrderItemId", UUID)

#: The actor recorded for changes made by an operator through the CLI (no user behind them).
OPERATOR_ID = UserId(UUID(int=0))
