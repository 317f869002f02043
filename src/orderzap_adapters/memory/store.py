"""MemoryStore: the fakes' database, tables of frozen rows behind one lock."""

from __future__ import annotations

import threading

from attrs import define, evolve, field

from orderzap_core.domain.accounts import Restaurant, User
from orderzap_core.domain.events import OrderEvent
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.ids import MenuItemId, OrderId, RestaurantId, UserId
from orderzap_core.ports.idempotency import IdempotencyRecord
from orderzap_core.ports.outbox import OutboxEntry


@define
class Tables:
    """Every table; rows are frozen, so copying the dicts is a snapshot of the whole database."""

    restaurants: dict[RestaurantId, Restaurant] = field(factory=dict)
    users: dict[UserId, User] = field(factory=dict)
    menu_items: dict[MenuItemId, MenuItem] = field(factory=dict)
    orders: dict[OrderId, Order] = field(factory=dict)
    events: dict[OrderId, tuple[OrderEvent, ...]] = field(factory=dict)
    counters: dict[RestaurantId, int] = field(factory=dict)
    outbox: dict[int, OutboxEntry] = field(factory=dict)
    outbox_seq: int = 0
    idempotency: dict[tuple[RestaurantId, str], IdempotencyRecord] = field(factory=dict)

    def copy(self) -> Tables:
        """A copy that can be changed without touching this one."""
        return evolve(
            self, restaurants=dict(self.restaurants), users=dict(self.users),
            menu_items=dict(self.menu_items), orders=dict(self.orders), events=dict(self.events),
            counters=dict(self.counters), outbox=dict(self.outbox), idempotency=dict(self.idempotency))


@define
class MemoryStore:
    """The shared state of every memory unit of work; the lock stands in for row locks."""

    tables: Tables = field(factory=Tables)
    lock: threading.RLock = field(factory=threading.RLock)
