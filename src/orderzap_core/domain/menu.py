"""Menu items: what an order may contain, and at what price."""

from __future__ import annotations

from datetime import datetime

from attrs import evolve, frozen

from orderzap_core.ids import MenuItemId, RestaurantId


@frozen
class MenuItem:
    """One dish; deleted items are tombstones (``deleted_at`` set) that orders may still point at."""

    id: MenuItemId
    restaurant_id: RestaurantId
    name: str
    price_cents: int
    is_available: bool
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None

    @property
    def can_be_ordered(self) -> bool:
        """Available and not deleted."""
        return self.is_available and self.deleted_at is None

    def deleted(self, at: datetime) -> MenuItem:
        """This item, soft-deleted at ``at``."""
        return evolve(self, deleted_at=at, updated_at=at)
