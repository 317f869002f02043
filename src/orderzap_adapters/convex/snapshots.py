"""Orders ↔ Convex documents, order queries → ``orders:list`` arguments, and the functions'
answers → the ports' values: the one place where the mirror's data is converted.

A document is exactly the API's order object, made by the core's wire converter (camelCase,
times as ``YYYY-MM-DDTHH:MM:SS.mmmZ``), so a cache hit and a PostgreSQL read of one version are
the same JSON. The mirror therefore keeps times to the millisecond, as clients see them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery
from orderzap_core.ids import RestaurantId
from orderzap_core.ports.cache import Delivery, Outcome, RemoveOutcome, Repair, RepairOutcome, ScanPage
from orderzap_core.wire import Wire

_WIRE = Wire()


class BadDocument(ValueError):
    """Convex returned something that is not an order document."""


def to_document(order: Order) -> dict[str, Any]:
    """``order`` as the mirror stores it: the API's order object."""
    document: dict[str, Any] = _WIRE.dump(order)
    return document


def from_document(document: Any) -> Order:
    """The order a document holds. Raises BadDocument."""
    try:
        return _WIRE.converter.structure(_integral(document), Order)
    except Exception as error:  # noqa: BLE001 — cattrs raises many kinds; each means "not an order"
        raise BadDocument(f"not an order document: {type(error).__name__}") from None


def _integral(value: Any) -> Any:
    """Whole floats as ints: the backend's ``json`` format writes a Float64 ``2`` as ``2.0``,
    and the converter takes only true ints (every number of an order is a whole number)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _integral(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_integral(item) for item in value]
    return value


def list_args(restaurant_id: RestaurantId, query: OrderQuery) -> dict[str, Any]:
    """The ``orders:list`` arguments of ``query``: the same rows as PostgreSQL's page, ``limit`` + 1
    of them (the extra row tells whether a next page exists).

    Stored times are whole milliseconds, so ``createdAt > after`` equals ``createdAt > floor(after)``
    and ``createdAt < before`` equals ``createdAt < ceil(before)``: the bounds go to the millisecond
    that keeps PostgreSQL's microsecond comparison exact on the mirror's strings."""
    args: dict[str, Any] = {
        "restaurantId": str(restaurant_id),
        "includeDeleted": query.include_deleted,
        "sort": query.sort.value,
        "limit": query.limit + 1,
    }
    if query.statuses:
        args["statuses"] = sorted(status.value for status in query.statuses)
    if query.created_after is not None:
        args["createdAfter"] = millisecond_floor(query.created_after)
    if query.created_before is not None:
        ceiling = millisecond_ceiling(query.created_before)
        if ceiling is not None:          # past the last representable time: no bound at all
            args["createdBefore"] = ceiling
    if query.created_by is not None:
        args["createdBy"] = str(query.created_by)
    if query.after is not None:
        # NOTE: a position is a mirror row's key (a cursor walk stays on its source), so whole ms.
        args["after"] = {"createdAt": millisecond_floor(query.after.created_at), "id": str(query.after.id)}
    return args


def millisecond_floor(at: datetime) -> str:
    """``at`` in the mirror's time format, cut to the millisecond."""
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def millisecond_ceiling(at: datetime) -> str | None:
    """``at`` in the mirror's time format, rounded up to the millisecond (None past year 9999)."""
    spare = at.microsecond % 1000
    try:
        return millisecond_floor(at + timedelta(microseconds=1000 - spare) if spare else at)
    except OverflowError:
        return None


def orders_from(value: Any, restaurant_id: RestaurantId | None = None) -> list[Order]:
    """The orders of a list answer, each of ``restaurant_id`` when given. Raises BadDocument."""
    if not isinstance(value, list):
        raise BadDocument("not a list of orders")
    orders = [from_document(document) for document in value]
    if restaurant_id is not None and any(o.restaurant_id != restaurant_id for o in orders):
        # SECURITY: a mirror that answers another restaurant's order is not to be trusted at all.
        raise BadDocument("an order of another restaurant")
    return orders


def deliveries_from(value: Any, sent: Sequence[Order]) -> list[Delivery]:
    """The ``orders:applySnapshots`` answer as one Delivery per sent snapshot. Raises BadDocument."""
    if not isinstance(value, list) or len(value) != len(sent):
        raise BadDocument(f"not {len(sent)} results")
    return [_delivery(entry, order) for entry, order in zip(value, sent, strict=True)]


def _delivery(entry: Any, order: Order) -> Delivery:
    if not isinstance(entry, dict) or entry.get("orderId") not in (str(order.id), None):
        raise BadDocument("a result for another snapshot")
    outcome, code = entry.get("outcome"), entry.get("code")
    if outcome not in tuple(Outcome) or (code is not None and not isinstance(code, str)):
        raise BadDocument("not a delivery result")
    if outcome == Outcome.REJECTED:
        return Delivery(Outcome.REJECTED, code or "REJECTED")
    if entry.get("orderId") is None:
        raise BadDocument("a result for another snapshot")
    return Delivery(Outcome(outcome))


def scan_from(value: Any) -> ScanPage:
    """The ``orders:page`` answer as a ScanPage. Raises BadDocument."""
    if not isinstance(value, dict) or not isinstance(value.get("isDone"), bool):
        raise BadDocument("not a page")
    cursor = value.get("continueCursor")
    if not value["isDone"] and not isinstance(cursor, str):
        raise BadDocument("a page without a cursor")
    return ScanPage(tuple(orders_from(value.get("page"))), None if value["isDone"] else cursor)


def repair_from(value: Any) -> Repair:
    """The ``orders:repair`` answer. Raises BadDocument."""
    outcome = value.get("outcome") if isinstance(value, dict) else None
    if outcome not in tuple(RepairOutcome):
        raise BadDocument("not a repair result")
    code = value.get("code")
    return Repair(RepairOutcome(outcome), code if isinstance(code, str) else None)


def remove_from(value: Any) -> RemoveOutcome:
    """The ``orders:remove`` answer. Raises BadDocument."""
    outcome = value.get("outcome") if isinstance(value, dict) else None
    if outcome not in tuple(RemoveOutcome):
        raise BadDocument("not a remove result")
    return RemoveOutcome(outcome)
