"""The JSON views of api.md, built field by field for what must never leak (a user's password
hash) or must stay exactly as documented (menu items, events); orders go through the wire
converter whole, since every field of an Order is part of the contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderzap_core.bounded import BoundedMap
from orderzap_core.domain.accounts import Restaurant, User
from orderzap_core.domain.events import OrderEvent
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.wire import Wire, rfc3339
from orderzap_http.media import Written, dumps

#: Order versions whose JSON a process keeps (the oldest rendered is forgotten first).
RENDERED_ORDERS = 10_000


def order(wire: Wire, value: Order) -> dict[str, Any]:
    """The order object of api.md."""
    data: dict[str, Any] = wire.dump(value)
    return data


class OrderJson:
    """The order object of api.md as ready JSON, each version of an order rendered once.

    Every change to an order raises its version and sets its ``updated_at``, so the JSON of one
    (restaurant, id, version, ``updated_at``) never changes; a page of orders is mostly orders
    already rendered for an earlier page (docs/performance.md)."""

    def __init__(self, wire: Wire, size: int = RENDERED_ORDERS) -> None:
        self._wire = wire
        # NOTE: the ids' integers, which hash in C (a UUID hashes in Python).
        self._rendered: BoundedMap[tuple[int, int, int, datetime], Written] = BoundedMap(size)

    def __call__(self, value: Order) -> Written:
        """``value`` as JSON, to be placed in a response body as it is."""
        key = (value.restaurant_id.int, value.id.int, value.version, value.updated_at)
        rendered = self._rendered.get(key)
        if rendered is None:
            rendered = Written(dumps(order(self._wire, value)))
            self._rendered.put(key, rendered)
        return rendered


def menu_item(value: MenuItem) -> dict[str, Any]:
    """``{"id", "restaurantId", "name", "priceCents", "isAvailable", "createdAt", "updatedAt"}``."""
    return {
        "id": str(value.id),
        "restaurantId": str(value.restaurant_id),
        "name": value.name,
        "priceCents": value.price_cents,
        "isAvailable": value.is_available,
        "createdAt": rfc3339(value.created_at),
        "updatedAt": rfc3339(value.updated_at),
    }


def event(value: OrderEvent) -> dict[str, Any]:
    """``{"version", "type", "fromStatus", "toStatus", "actorId", "at", "reason"}``."""
    return {
        "version": value.version,
        "type": value.type.value,
        "fromStatus": value.from_status.value if value.from_status is not None else None,
        "toStatus": value.to_status.value if value.to_status is not None else None,
        "actorId": str(value.actor_id),
        "at": rfc3339(value.at),
        "reason": value.reason,
    }


def login_user(value: User) -> dict[str, Any]:
    """The user of a login answer: ``{"id", "email", "role", "restaurantId"}``."""
    return {"id": str(value.id), "email": value.email, "role": value.role.value,
            "restaurantId": str(value.restaurant_id)}


def me_user(value: User) -> dict[str, Any]:
    """The user of ``/v1/me``: ``{"id", "email", "role"}``."""
    return {"id": str(value.id), "email": value.email, "role": value.role.value}


def restaurant(value: Restaurant) -> dict[str, Any]:
    """``{"id", "name", "slug", "currency"}``."""
    return {"id": str(value.id), "name": value.name, "slug": value.slug, "currency": value.currency}
