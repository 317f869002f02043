"""Rows to domain objects and back.

``dict_row`` rows become domain objects through one cattrs converter: UUIDs and timestamps pass
through (timestamps normalised to UTC), enums come from their values, and the items of an order,
aggregated as JSON by the query, are structured like any attrs class.

Order snapshots (outbox rows, idempotency records) are stored as JSONB in the wire format of
``orderzap_core.wire`` (camelCase), except that timestamps keep their microseconds, so a snapshot
read back equals the order that was written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar, cast
from uuid import UUID

import psycopg
from cattrs import Converter
from psycopg.pq import Format
from psycopg.types.json import Jsonb

from orderzap_core.domain.accounts import Role
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import Order, PaymentMethod
from orderzap_core.domain.status import OrderStatus
from orderzap_core.wire import make_converter

T = TypeVar("T")


def _uuid_text_loader() -> Callable[[str], UUID]:
    """How a uuid that PostgreSQL wrote as text (inside JSON: an order's items) becomes a UUID."""
    oid = psycopg.postgres.types["uuid"].oid
    loader = psycopg.adapters.get_loader(oid, Format.TEXT)
    if loader is None:
        return UUID
    load = loader(oid).load
    return lambda text: cast(UUID, load(text.encode()))


# NOTE: psycopg's own uuid loader (C, in psycopg-binary) reads the text 7× faster than UUID(str),
# and the items' ids are most of what a page of orders parses.
_UUID_FROM_TEXT = _uuid_text_loader()


def _uuid(value: Any, _: Any) -> UUID:
    return value if isinstance(value, UUID) else _UUID_FROM_TEXT(value)


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
