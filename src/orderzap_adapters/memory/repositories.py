"""Memory repositories with the SQL's semantics: scoped to one restaurant, soft deletes hidden."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from orderzap_adapters.memory.store import Tables
from orderzap_core.domain.accounts import Restaurant, User
from orderzap_core.domain.events import OrderEvent
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery, Position, Sort
from orderzap_core.errors import ValidationFailed
from orderzap_core.ids import MenuItemId, OrderId, RestaurantId, UserId


def _is_mine(row_restaurant: RestaurantId, restaurant_id: RestaurantId) -> bool:
    return row_restaurant == restaurant_id


class MemoryRestaurants:
    """The unit of work's restaurant."""

    def __init__(self, tables: Tables, restaurant_id: RestaurantId) -> None:
        self._t, self._rid = tables, restaurant_id

    def get(self) -> Restaurant | None:
        """This restaurant, or None."""
        return self._t.restaurants.get(self._rid)

    def add(self, restaurant: Restaurant) -> None:
        """Create it with a zero counter. Raises ValidationFailed on a taken slug."""
        if restaurant.id != self._rid:
            raise PermissionError("row-level security: another restaurant's row")
        if any(r.slug == restaurant.slug for r in self._t.restaurants.values()):
            raise ValidationFailed.one("slug", "is already taken")
        self._t.restaurants[restaurant.id] = restaurant
        self._t.counters[restaurant.id] = 0


class MemoryUsers:
    """The users of the unit of work's restaurant."""

    def __init__(self, tables: Tables, restaurant_id: RestaurantId) -> None:
        self._t, self._rid = tables, restaurant_id

    def get(self, user_id: UserId) -> User | None:
        """The user, or None."""
        user = self._t.users.get(user_id)
        return user if user is not None and _is_mine(user.restaurant_id, self._rid) else None

    def by_email(self, email: str) -> User | None:
        """The user with this email, or None."""
        return next((u for u in self.list() if u.email == email), None)

    def add(self, user: User) -> None:
        """Create a user. Raises ValidationFailed on a taken email."""
        if not _is_mine(user.restaurant_id, self._rid):
            raise PermissionError("row-level security: another restaurant's row")
        if self.by_email(user.email) is not None:
            raise ValidationFailed.one("email", "is already a user of this restaurant")
        self._t.users[user.id] = user

    def list(self) -> Sequence[User]:
        """Every user of the restaurant, oldest first."""
        mine = [u for u in self._t.users.values() if _is_mine(u.restaurant_id, self._rid)]
        return sorted(mine, key=lambda u: (u.created_at, u.id))


class MemoryMenuItems:
    """The menu of the unit of work's restaurant."""

    def __init__(self, tables: Tables, restaurant_id: RestaurantId) -> None:
        self._t, self._rid = tables, restaurant_id

    def _live(self) -> list[MenuItem]:
        return [i for i in self._t.menu_items.values()
                if _is_mine(i.restaurant_id, self._rid) and i.deleted_at is None]

    def get(self, item_id: MenuItemId, *, include_deleted: bool = False) -> MenuItem | None:
        """The item, or None."""
        item = self._t.menu_items.get(item_id)
        if item is None or not _is_mine(item.restaurant_id, self._rid):
            return None
        return item if include_deleted or item.deleted_at is None else None

    def get_many(self, item_ids: Sequence[MenuItemId]) -> dict[MenuItemId, MenuItem]:
        """The live items among ``item_ids``."""
        found = (self.get(i) for i in item_ids)
        return {item.id: item for item in found if item is not None}

    def page(self, *, available: bool | None, limit: int, after: Position | None) -> list[MenuItem]:
        """Up to ``limit`` live items, oldest first, after ``after``."""
        rows = sorted(self._live(), key=lambda i: (i.created_at, i.id))
        rows = [i for i in rows if available is None or i.is_available is available]
        if after is not None:
            rows = [i for i in rows if (i.created_at, i.id) > (after.created_at, after.id)]
        return rows[:limit]

    def name_taken(self, name: str, *, other_than: MenuItemId | None = None) -> bool:
        """Whether another live item has this name."""
        return any(i.name == name and i.id != other_than for i in self._live())

    def add(self, item: MenuItem) -> None:
        """Create an item. Raises ValidationFailed on a taken name."""
        if not _is_mine(item.restaurant_id, self._rid):
            raise PermissionError("row-level security: another restaurant's row")
        if self.name_taken(item.name):
            raise ValidationFailed.one("name", "is already the name of another item on this menu")
        self._t.menu_items[item.id] = item

    def replace(self, item: MenuItem) -> None:
        """Store a changed item."""
        if self.get(item.id, include_deleted=True) is None:
            raise KeyError(item.id)
        if item.deleted_at is None and self.name_taken(item.name, other_than=item.id):
            raise ValidationFailed.one("name", "is already the name of another item on this menu")
        self._t.menu_items[item.id] = item


class MemoryOrders:
    """The orders of the unit of work's restaurant."""

    def __init__(self, tables: Tables, restaurant_id: RestaurantId) -> None:
        self._t, self._rid = tables, restaurant_id

    def get(self, order_id: OrderId, *, lock: bool = False, include_deleted: bool = False) -> Order | None:
        """The order, or None (the store's lock already serialises writers)."""
        order = self._t.orders.get(order_id)
        if order is None or not _is_mine(order.restaurant_id, self._rid):
            return None
        return order if include_deleted or order.deleted_at is None else None

    def next_number(self) -> int:
        """The next gapless number."""
        number = self._t.counters.get(self._rid, 0) + 1
        self._t.counters[self._rid] = number
        return number

    def add(self, order: Order) -> None:
        """Create an order."""
        if not _is_mine(order.restaurant_id, self._rid):
            raise PermissionError("row-level security: another restaurant's row")
        if order.id in self._t.orders:
            raise KeyError(order.id)
        for item in order.items:     # the foreign key (restaurant_id, menu_item_id) of PostgreSQL
            dish = self._t.menu_items.get(item.menu_item_id)
            if dish is None or not _is_mine(dish.restaurant_id, self._rid):
                raise KeyError(item.menu_item_id)
        self._t.orders[order.id] = order

    def replace(self, order: Order) -> None:
        """Store a changed order."""
        if self.get(order.id, include_deleted=True) is None:
            raise KeyError(order.id)
        self._t.orders[order.id] = order

    def page(self, query: OrderQuery) -> list[Order]:
        """Up to ``limit + 1`` matching orders after the query's position."""
        return page_of_orders(self._t.orders.values(), self._rid, query)

    def list_all(self, *, include_deleted: bool = True) -> list[Order]:
        """Every order of the restaurant."""
        return [o for o in self._t.orders.values() if _is_mine(o.restaurant_id, self._rid)
                and (include_deleted or o.deleted_at is None)]


def page_of_orders(orders: Iterable[Order], restaurant_id: RestaurantId, query: OrderQuery) -> list[Order]:
    """The keyset page the SQL returns, over any collection of snapshots (the cache uses it too)."""
    rows = [
        o for o in orders
        if _is_mine(o.restaurant_id, restaurant_id)
        and query.matches(o.created_at, o.status, o.deleted_at is not None, o.created_by)
        and query.is_past_position(Position(o.created_at, o.id))
    ]
    rows.sort(key=lambda o: (o.created_at, o.id), reverse=query.sort is Sort.NEWEST_FIRST)
    return rows[: query.limit + 1]


class MemoryOrderEvents:
    """The history of the unit of work's orders."""

    def __init__(self, tables: Tables, restaurant_id: RestaurantId) -> None:
        self._t, self._rid = tables, restaurant_id

    def append(self, event: OrderEvent) -> None:
        """Record an event (one per version)."""
        if not _is_mine(event.restaurant_id, self._rid):
            raise PermissionError("row-level security: another restaurant's row")
        order = self._t.orders.get(event.order_id)
        if order is None or not _is_mine(order.restaurant_id, self._rid):
            raise KeyError(event.order_id)     # the foreign key to orders
        history = self._t.events.get(event.order_id, ())
        if any(e.version == event.version for e in history):
            raise KeyError((event.order_id, event.version))
        self._t.events[event.order_id] = (*history, event)

    def for_order(self, order_id: OrderId) -> list[OrderEvent]:
        """The order's events, oldest first."""
        history = self._t.events.get(order_id, ())
        return sorted((e for e in history if _is_mine(e.restaurant_id, self._rid)), key=lambda e: e.version)
