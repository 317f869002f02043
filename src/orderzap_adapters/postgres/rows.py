"""Rows to domain objects and back.

``dict_row`` rows become domain objects through one cattrs converter: UUIDs and timestamps pass
through (timestamps normalised to UTC), enums come from their values, and the items of an order,
aggregated as JSON by the query, are structured like any attrs class.

Order snapshots (outbox rows, idempotency records) are stored as JSONB in the wire format of
``orderzap_core.wire`` (camelCase), except that timestamps keep their microseconds, so a snapshot
read back equals the order that was written.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from cattrs import Converter
from psycopg.types.json import Jsonb

from orderzap_core.domain.accounts import Role
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import Order, PaymentMethod
from orderzap_core.domain.status import OrderStatus
from orderzap_core.wire import make_converter

T = TypeVar("T")


def _uuid(value: Any, _: Any) -> UUID:
    return value if isinstance(value, UUID) else UUID(value)


def _utc(value: datetime, _: Any) -> datetime:
    return value.astimezone(UTC)


def _enum(value: Any, kind: type[Enum]) -> Enum:
    return kind(value)


def _row_converter() -> Converter:
    c = Converter()
    c.register_structure_hook(UUID, _uuid)
    c.register_structure_hook(datetime, _utc)
    for kind in (OrderStatus, PaymentMethod, Role, EventType):
        c.register_structure_hook(kind, _enum)
    return c


def _snapshot_converter() -> Converter:
    c = make_converter()
    c.register_unstructure_hook(datetime, lambda value: value.astimezone(UTC).isoformat())
    return c


ROWS = _row_converter()
SNAPSHOTS = _snapshot_converter()


def from_row(row: dict[str, Any], kind: type[T]) -> T:
    """A domain object of ``kind`` from a ``dict_row`` row (extra columns are ignored)."""
    return ROWS.structure(row, kind)


def snapshot(order: Order) -> Jsonb:
    """``order`` as a JSONB parameter."""
    return Jsonb(SNAPSHOTS.unstructure(order))


def order_from_snapshot(data: dict[str, Any]) -> Order:
    """The order a snapshot holds."""
    return SNAPSHOTS.structure(data, Order)
