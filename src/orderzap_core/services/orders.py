"""Order use cases: place, get, list, edit, change status, cancel, delete, restore, events.

Each is one unit of work: authorise, load (locking what will change), let the domain decide, write
the order, its event and an outbox snapshot, commit.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from datetime import datetime
from typing import Any

from attrs import asdict, define, frozen

from orderzap_core import rules
from orderzap_core.commands import EditOrder, ListOrders, PlaceOrder, StatusChange
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.events import OrderEvent
from orderzap_core.domain.orders import Order, OrderItem
from orderzap_core.domain.pagination import (
    DEFAULT_LIMIT,
    Cursor,
    OrderQuery,
    Page,
    Position,
    Source,
    VersionCursor,
    check_limit,
)
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import (
    BadRequest,
    IdempotencyConflict,
    InvalidTransition,
    NotFound,
    PreconditionFailed,
    Problem,
    ValidationFailed,
)
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId
from orderzap_core.policy import Action, Principal, authorize, can_see
from orderzap_core.ports.idempotency import IDEMPOTENCY_TTL, IdempotencyRecord
from orderzap_core.ports.system import Clock, IdGenerator
from orderzap_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

IDEMPOTENCY_KEY_MAX = 255


@frozen
class Placement:
    """The answer to a place-order request; ``replayed`` when an idempotency key matched."""

    order: Order
    replayed: bool = False


def check_idempotency_key(key: str) -> None:
    """Raise BadRequest unless ``key`` is 1–255 printable ASCII characters."""
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_MAX or not all(" " <= ch <= "~" for ch in key):
        raise BadRequest("Idempotency-Key must be 1-255 printable ASCII characters")


def fingerprint(principal: Principal, command: PlaceOrder) -> str:
    """A stable digest of who asked what: the same key with another body or user is a conflict."""
    body = asdict(command, value_serializer=lambda _i, _a, v: str(v) if not isinstance(
        v, (int, str, type(None), list, tuple, dict)) else v)
    canonical = json.dumps([str(principal.user_id), body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def order_problems(command: PlaceOrder) -> list[Problem]:
    """Every rule a new order breaks that can be checked without the menu."""
    problems = [
        *rules.name("customer_name", command.customer_name),
        *rules.phone("customer_phone", command.customer_phone),
        *rules.text("notes", command.notes),
    ]
    if not rules.MIN_ITEMS <= len(command.items) <= rules.MAX_ITEMS:
        problems.append(Problem("items", f"must hold between {rules.MIN_ITEMS} and {rules.MAX_ITEMS} items"))
    for i, line in enumerate(command.items):
        problems += rules.quantity(f"items[{i}].quantity", line.quantity)
        problems += rules.text(f"items[{i}].special_instructions", line.special_instructions)
    return problems


def edit_problems(edit: EditOrder) -> list[Problem]:
    """Every rule a customer-field edit breaks."""
    given = edit.given()
    if not given:
        return [Problem("body", "must set at least one of customerName, customerPhone, paymentMethod, notes")]
    problems: list[Problem] = []
    if "customer_name" in given:
        problems += rules.name("customer_name", given["customer_name"])
    if "customer_phone" in given:
        problems += rules.phone("customer_phone", given["customer_phone"])
    if "notes" in given:
        problems += rules.text("notes", given["notes"])
    return problems


def normalised_edit(edit: EditOrder) -> dict[str, Any]:
    """The fields of an edit as stored: names trimmed, phones in E.164."""
    changes = edit.given()
    if "customer_name" in changes:
        changes["customer_name"] = changes["customer_name"].strip()
    if "customer_phone" in changes:
        changes["customer_phone"] = rules.normalise_phone(changes["customer_phone"])
    return changes


def require_version(order: Order, expected: int | None) -> None:
    """Raise PreconditionFailed when the caller expected another version."""
    if expected is not None and expected != order.version:
        raise PreconditionFailed(expected, order.version)


def visible_order(uow: UnitOfWork, principal: Principal, order_id: OrderId, *, lock: bool = False,
                  include_deleted: bool = False) -> Order:
    """The order if ``principal`` may know it exists, else NotFound."""
    order = uow.orders.get(order_id, lock=lock, include_deleted=include_deleted)
    if order is None or not can_see(principal, order):
        raise NotFound("order")
    return order


def page_of(rows: builtins.list[Order], query: OrderQuery, source: Source) -> Page[Order]:
    """A page from ``limit + 1`` rows: the extra row only says that a next page exists."""
    items = tuple(rows[: query.limit])
    next_cursor = None
    if len(rows) > query.limit:
        last = items[-1]
        next_cursor = Cursor(Position(last.created_at, last.id), query.sort, source).encode()
    return Page(items, next_cursor, query.limit)


@define
class OrderService:
    """The order use cases."""

    _uow: UnitOfWorkFactory
    _clock: Clock
    _ids: IdGenerator

    def place(self, principal: Principal, command: PlaceOrder, *,
              idempotency_key: str | None = None) -> Placement:
        """Place an order priced from the menu. Raises ValidationFailed (every bad field),
        Forbidden, BadRequest (a malformed key) or IdempotencyConflict."""
        authorize(principal, Action.CREATE_ORDER)
        if idempotency_key is not None:
            check_idempotency_key(idempotency_key)
        problems = order_problems(command)
        now = self._clock.now()
        with self._uow(principal.restaurant_id) as uow:
            # NOTE: a body with bad fields is never a replay; its menu problems join the others below.
            if idempotency_key is not None and not problems:
                request_print = fingerprint(principal, command)
                earlier = uow.idempotency.find(idempotency_key, newer_than=now - IDEMPOTENCY_TTL)
                if earlier is not None:
                    if earlier.fingerprint != request_print:
                        raise IdempotencyConflict(
                            "this Idempotency-Key was used by another request (another body or user)")
                    return Placement(earlier.order, replayed=True)
            order, event = self._new_order(uow, principal, command, now, problems)
            uow.orders.add(order)
            uow.events.append(event)
            uow.outbox.append(order)
            if idempotency_key is not None:
                uow.idempotency.put(IdempotencyRecord(idempotency_key, request_print, order, now))
            uow.commit()
        return Placement(order)

    def _new_order(self, uow: UnitOfWork, principal: Principal, command: PlaceOrder, now: datetime,
                   problems: builtins.list[Problem]) -> tuple[Order, OrderEvent]:
        """The new order and its event; ``problems`` (the field rules') and the menu's are reported
        together, so one ValidationFailed names every bad field."""
        # NOTE: one read for all three: the number is taken before the menu is judged, and a
        # ValidationFailed rolls the unit of work back, which gives the number back.
        reads = uow.placement_reads(list({line.menu_item_id for line in command.items}))
        restaurant, menu = reads.restaurant, reads.menu
        if restaurant is None or reads.number is None:
            raise NotFound("restaurant")
        problems = problems + [
            Problem(f"items[{i}].menu_item_id", "is not an available item of this restaurant's menu")
            for i, line in enumerate(command.items)
            if line.menu_item_id not in menu or not menu[line.menu_item_id].can_be_ordered
        ]
        if problems:
            raise ValidationFailed(problems)
        items = [
            OrderItem.priced(
                OrderItemId(self._ids.new()), MenuItemId(line.menu_item_id),
                menu[line.menu_item_id].name, line.quantity, menu[line.menu_item_id].price_cents,
                line.special_instructions)
            for line in command.items
        ]
        return Order.place(
            id=OrderId(self._ids.new()), restaurant_id=principal.restaurant_id,
            order_number=reads.number, customer_name=command.customer_name.strip(),
            customer_phone=rules.normalise_phone(command.customer_phone) or command.customer_phone,
            payment_method=command.payment_method, notes=command.notes, items=items,
            currency=restaurant.currency, by=principal.user_id, at=now,
        )

    def get(self, principal: Principal, order_id: OrderId, *, include_deleted: bool = False) -> Order:
        """One order. Deleted orders only for admins who ask. Raises NotFound."""
        with self._uow(principal.restaurant_id) as uow:
            uow.read_only()
            order = visible_order(uow, principal, order_id,
                                  include_deleted=include_deleted and principal.role is Role.ADMIN)
        authorize(principal, Action.READ_ORDERS, order)
        return order

    def query_for(self, principal: Principal, listing: ListOrders) -> tuple[OrderQuery, Source]:
        """The repository query a listing means for ``principal``, and the source its cursor names.
        Raises BadRequest for a foreign cursor or one of another sort order."""
        authorize(principal, Action.READ_ORDERS)
        after, source = None, Source.DB
        if listing.cursor is not None:
            cursor = Cursor.decode(listing.cursor)
            if cursor.sort is not listing.sort:
                raise BadRequest("cursor belongs to another sort order")
            after, source = cursor.position, cursor.source
        query = OrderQuery(
            statuses=frozenset(listing.statuses), created_after=listing.created_after,
            created_before=listing.created_before, limit=listing.limit, sort=listing.sort, after=after,
            include_deleted=listing.include_deleted and principal.role is Role.ADMIN,
            created_by=principal.user_id if principal.role is Role.CUSTOMER else None,
        )
        return query, source

    def list(self, principal: Principal, listing: ListOrders) -> Page[Order]:
        """A page of the restaurant's orders (a customer's own only). Raises BadRequest."""
        query, _ = self.query_for(principal, listing)
        return self.page(principal, query)

    def page(self, principal: Principal, query: OrderQuery) -> Page[Order]:
        """A page of orders for an already-built query, from the source of truth."""
        with self._uow(principal.restaurant_id) as uow:
            uow.read_only()
            rows = uow.orders.page(query)
        return page_of([o for o in rows if can_see(principal, o)], query, Source.DB)

    def edit(self, principal: Principal, order_id: OrderId, edit: EditOrder, *,
             expected_version: int | None = None) -> Order:
        """Change customer fields. Raises ValidationFailed, NotFound, Forbidden,
        PreconditionFailed, InvalidTransition (a finished order)."""
        problems = edit_problems(edit)
        if problems:
            raise ValidationFailed(problems)
        with self._uow(principal.restaurant_id) as uow:
            order = visible_order(uow, principal, order_id, lock=True)
            authorize(principal, Action.EDIT_ORDER, order)
            require_version(order, expected_version)
            return self._save(uow, *order.edit(normalised_edit(edit), by=principal.user_id,
                                               at=self._clock.now()))

    def change_status(self, principal: Principal, order_id: OrderId, change: StatusChange, *,
                      expected_version: int | None = None) -> Order:
        """Move an order along the kitchen flow (or cancel it). Raises ValidationFailed, NotFound,
        Forbidden, PreconditionFailed, InvalidTransition."""
        problems = rules.text("reason", change.reason)
        if problems:
            raise ValidationFailed(problems)
        cancelling = change.status is OrderStatus.CANCELLED
        with self._uow(principal.restaurant_id) as uow:
            order = visible_order(uow, principal, order_id, lock=True)
            authorize(principal, Action.CANCEL_ORDER if cancelling else Action.CHANGE_STATUS, order)
            require_version(order, expected_version)
            if principal.role is Role.CUSTOMER and order.status is not OrderStatus.RECEIVED:
                raise InvalidTransition("a customer can cancel an order only while it is received")
            return self._save(uow, *order.move_to(change.status, by=principal.user_id,
                                                  at=self._clock.now(), reason=change.reason))

    def cancel(self, principal: Principal, order_id: OrderId, *, reason: str | None = None,
               expected_version: int | None = None) -> Order:
        """Cancel an order (customers: their own, while received)."""
        return self.change_status(principal, order_id, StatusChange(OrderStatus.CANCELLED, reason),
                                  expected_version=expected_version)

    def delete(self, principal: Principal, order_id: OrderId, *,
               expected_version: int | None = None) -> Order:
        """Soft-delete an order (admins). Raises NotFound (also when already deleted), Forbidden,
        PreconditionFailed."""
        with self._uow(principal.restaurant_id) as uow:
            order = visible_order(uow, principal, order_id, lock=True)
            authorize(principal, Action.DELETE_ORDER, order)
            require_version(order, expected_version)
            return self._save(uow, *order.delete(by=principal.user_id, at=self._clock.now()))

    def restore(self, principal: Principal, order_id: OrderId, *,
                expected_version: int | None = None) -> Order:
        """Undo a soft delete (admins). Raises NotFound, Forbidden, PreconditionFailed,
        InvalidTransition (not deleted)."""
        with self._uow(principal.restaurant_id) as uow:
            order = visible_order(uow, principal, order_id, lock=True, include_deleted=True)
            authorize(principal, Action.DELETE_ORDER, order)
            require_version(order, expected_version)
            return self._save(uow, *order.restore(by=principal.user_id, at=self._clock.now()))

    def events(self, principal: Principal, order_id: OrderId) -> builtins.list[OrderEvent]:
        """The order's whole history, oldest first. Raises NotFound, Forbidden."""
        with self._uow(principal.restaurant_id) as uow:
            uow.read_only()
            order = visible_order(uow, principal, order_id,
                                  include_deleted=principal.role is Role.ADMIN)
            authorize(principal, Action.READ_EVENTS, order)
            return uow.events.for_order(order_id)

    def history(self, principal: Principal, order_id: OrderId, *, limit: int = DEFAULT_LIMIT,
                cursor: str | None = None) -> Page[OrderEvent]:
        """A page of the order's history, oldest first (``limit`` 1–200; ``cursor`` from the
        page before). Raises NotFound, Forbidden, BadRequest (a bad limit or cursor)."""
        check_limit(limit)
        after = VersionCursor.decode(cursor).after_version if cursor is not None else 0
        later = [e for e in self.events(principal, order_id) if e.version > after]
        items = tuple(later[:limit])
        more = len(later) > limit
        return Page(items, VersionCursor(items[-1].version).encode() if more else None, limit)

    def snapshot_for_repair(self, principal: Principal, order_id: OrderId) -> Order | None:
        """The source's current snapshot of an order, tombstones included (cache repairs)."""
        with self._uow(principal.restaurant_id) as uow:
            uow.read_only()
            return uow.orders.get(order_id, include_deleted=True)

    @staticmethod
    def _save(uow: UnitOfWork, order: Order, event: OrderEvent) -> Order:
        uow.orders.replace(order)
        uow.events.append(event)
        uow.outbox.append(order)
        uow.commit()
        return order
