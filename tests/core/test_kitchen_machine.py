"""The kitchen machine: random sequences of use cases from two restaurants and users of every role,
with the invariants of the API contract checked after every step.

The machine drives nothing but ``Services`` (plus, when there is one, the memory mirror's fault knob),
and learns what the repository holds through the services too (an admin's listing with deleted
orders), so a subclass runs it unchanged on PostgreSQL by overriding :meth:`KitchenMachine.build`
(and, if it must, :meth:`KitchenMachine.pending` or :meth:`KitchenMachine.teardown`).

Its model is the last state each use case returned. The oracle that decides what each call must do is
written from api.md (visibility, the role table, the status machine), not from the core's own tables.
"""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from attrs import evolve, frozen
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryOrderCache
from orderzap_core.commands import EditMenuItem, EditOrder, ListOrders, OrderLine, PlaceOrder, StatusChange
from orderzap_core.domain.accounts import Restaurant, Role
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order, PaymentMethod
from orderzap_core.domain.pagination import OrderQuery, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import (
    Forbidden,
    IdempotencyConflict,
    InvalidTransition,
    NotFound,
    OrderZapError,
    PreconditionFailed,
    ValidationFailed,
)
from orderzap_core.ids import MenuItemId, OrderId, RestaurantId, UserId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from orderzap_core.services.reads import CacheStatus
from tests.core.builders import add_dish, join, open_restaurant

R, P, Y, D, C = (OrderStatus.RECEIVED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.COMPLETED,
                 OrderStatus.CANCELLED)
#: api.md: received -> preparing -> ready -> completed; received | preparing | ready -> cancelled.
LEGAL = {(R, P), (P, Y), (Y, D), (R, C), (P, C), (Y, C)}
FINISHED = {D, C}
#: A menu item id no restaurant has (the memory ids count from 1; random UUIDs carry version bits).
UNKNOWN_DISH = MenuItemId(UUID(int=2**100))
#: Names and phones a client might send, with what the order must then hold (None: refused).
NAMES = {"Ada": "Ada", "  Grace Hopper ": "Grace Hopper", "": None, "x" * 101: None, "Ada\x00": None}
PHONES = {"+14155550123": "+14155550123", "(415) 555-0199": "+14155550199", "not a number": None}
NOTES = {None: True, "ring twice": True, "line\nbreak\tok": True, "x" * 501: False, "\x1b[2J": False}
QUANTITIES = [1, 1, 2, 3, 99, 0, -1, 100, 10**12]
KEYS = [None, None, None, None, "key-a", "key-b"]


class KitchenWorld(Protocol):
    """What the machine runs on: the services, and the memory mirror if faults can be injected."""

    @property
    def services(self) -> Services: ...

    @property
    def cache(self) -> MemoryOrderCache | None: ...


@frozen
class Kitchen:
    """One restaurant of the run and its people."""

    restaurant: Restaurant
    admin: Principal
    staff: Principal
    customers: tuple[Principal, Principal]
    removed_dish: MenuItemId

    @property
    def people(self) -> list[Principal]:
        return [self.admin, self.staff, *self.customers]


def sees(actor: Principal, order: Order) -> bool:
    """api.md: an order exists for its restaurant's admins and staff, and for the customer who created it."""
    return order.restaurant_id == actor.restaurant_id and (
        actor.role is not Role.CUSTOMER or order.created_by == actor.user_id)


class KitchenMachine(RuleBasedStateMachine):
    """Two restaurants, an admin, a staff member and two customers each, a small menu, and orders."""

    def build(self) -> KitchenWorld:
        """The application under test; a subclass returns one on PostgreSQL."""
        return memory.world()

    def pending(self) -> int:
        """Outbox rows not yet delivered (a subclass on a shared database may count only its own)."""
        return self.oz.outbox.stats(self.oz.clock.now()).pending

    def parked(self) -> list[int]:
        """The parked outbox rows of this run's restaurants (a shared database holds others too)."""
        mine = {k.restaurant.id for k in self.kitchens}
        return [e.id for e in self.oz.outbox.parked() if e.order.restaurant_id in mine]

    def __init__(self) -> None:
        super().__init__()
        self.world = self.build()
        self.oz = self.world.services
        self.kitchens = [self._open_kitchen(currency) for currency in ("USD", "EUR")]
        self.orders: dict[OrderId, Order] = {}
        self.numbers: dict[RestaurantId, int] = {k.restaurant.id: 0 for k in self.kitchens}
        self.keys: dict[tuple[RestaurantId, str], tuple[UserId, PlaceOrder, Order]] = {}

    def _open_kitchen(self, currency: str) -> Kitchen:
        restaurant = open_restaurant(self.oz, currency=currency)
        admin = join(self.oz, restaurant, Role.ADMIN)
        staff = join(self.oz, restaurant, Role.STAFF)
        customers = (join(self.oz, restaurant, Role.CUSTOMER), join(self.oz, restaurant, Role.CUSTOMER))
        for name, price in (("Margherita", 1150), ("Marinara", 900), ("Water", 0)):
            add_dish(self.oz, admin, name, price)
        add_dish(self.oz, admin, "Tiramisu", 650, available=False)
        removed = self.oz.menu.delete(admin, add_dish(self.oz, admin, "Calzone", 1300).id)
        return Kitchen(restaurant, admin, staff, customers, removed.id)

    # --- what the model knows ----------------------------------------------------------------------------

    @property
    def people(self) -> list[Principal]:
        return [p for k in self.kitchens for p in k.people]

    def kitchen_of(self, restaurant_id: RestaurantId) -> Kitchen:
        return next(k for k in self.kitchens if k.restaurant.id == restaurant_id)

    def menu(self) -> dict[MenuItemId, MenuItem]:
        """Every live dish of both restaurants, as the menu service shows them."""
        dishes: dict[MenuItemId, MenuItem] = {}
        for kitchen in self.kitchens:
            for item in self.oz.menu.list(kitchen.admin, limit=200).items:
                dishes[item.id] = item
        return dishes

    def orders_of(self, restaurant_id: RestaurantId) -> list[Order]:
        return sorted((o for o in self.orders.values() if o.restaurant_id == restaurant_id),
                      key=lambda o: (o.created_at, o.id))

    def stored(self, kitchen: Kitchen) -> list[Order]:
        """What the repository holds for ``kitchen``, read through the services, oldest first."""
        return self.walk(kitchen.admin, ListOrders(limit=200, sort=Sort.OLDEST_FIRST, include_deleted=True))

    def walk(self, principal: Principal, listing: ListOrders, *, cached: bool = False) -> list[Order]:
        seen: list[Order] = []
        cursor = None
        for _ in range(1000):
            step = evolve(listing, cursor=cursor)
            if cached:
                page = self.oz.reads.list(principal, step).page
            else:
                page = self.oz.orders.list(principal, step)
            seen += page.items
            if page.next_cursor is None:
                return seen
            cursor = page.next_cursor
        raise AssertionError("a cursor walk did not end")

    def refused(self, call: Any, expected: type[OrderZapError]) -> OrderZapError:
        """Run a call the oracle says must fail with ``expected``; check that it changed nothing."""
        before = self.pending()
        try:
            call()
        except OrderZapError as error:
            assert type(error) is expected, f"expected {expected.__name__}, got {error!r}"
            assert self.pending() == before, "a refused call queued an outbox row"
            return error
        raise AssertionError(f"expected {expected.__name__}, but the call succeeded")

    def changed(self, call: Any, before: Order) -> Order:
        """Run a change the oracle says must succeed: one new version, one outbox row."""
        outbox = self.pending()
        after: Order = call()
        assert after.version == before.version + 1, "a change must bump the version by exactly one"
        assert after.updated_at >= before.updated_at
        assert self.pending() == outbox + 1, "a change must queue exactly one outbox row"
        self.orders[after.id] = after
        return after

    # --- rules ---------------------------------------------------------------------------------------

    @rule(data=st.data())
    def place_an_order(self, data: st.DataObject) -> None:
        self.place(data, mischief=data.draw(st.booleans(), label="mischief"))

    @rule(data=st.data())
    def place_a_well_formed_order(self, data: st.DataObject) -> None:
        # NOTE: a second rule for well-formed orders, or too few orders would exist to work on.
        self.place(data, mischief=False)

    def place(self, data: st.DataObject, *, mischief: bool) -> None:
        """Place an order, well-formed or breaking any rule of the contract; check the answer."""
        actor = data.draw(st.sampled_from(self.people), label="actor")
        menu = self.menu()
        command = self.draw_order(data, actor, menu, mischief=mischief)
        key = data.draw(st.sampled_from(KEYS), label="idempotency key")
        field_problems, menu_problems = self.problems_of(actor, menu, command)
        earlier = self.keys.get((actor.restaurant_id, key)) if key is not None else None
        place = lambda: self.oz.orders.place(actor, command, idempotency_key=key)  # noqa: E731
        if field_problems or (menu_problems and earlier is None):
            error = self.refused(place, ValidationFailed)
            assert isinstance(error, ValidationFailed)
            assert {p.field for p in error.problems} == field_problems | menu_problems
        elif earlier is not None and earlier[:2] != (actor.user_id, command):
            self.refused(place, IdempotencyConflict)
        elif earlier is not None:
            outbox = self.pending()
            placement = place()
            assert placement.replayed and placement.order == earlier[2], "a replay answers the first order"
            assert self.pending() == outbox
        else:
            outbox = self.pending()
            placement = place()
            assert not placement.replayed
            assert self.pending() == outbox + 1
            self.accepted(actor, menu, command, placement.order)
            if key is not None:
                self.keys[(actor.restaurant_id, key)] = (actor.user_id, command, placement.order)

    def draw_order(self, data: st.DataObject, actor: Principal, menu: dict[MenuItemId, MenuItem], *,
                   mischief: bool) -> PlaceOrder:
        """An order body: well-formed from the actor's menu, or with any mistake a client can make."""
        mine = sorted((i for i in menu.values() if i.restaurant_id == actor.restaurant_id and i.is_available),
                      key=lambda i: str(i.id))
        if mischief or not mine:
            removed = [k.removed_dish for k in self.kitchens]
            dishes = st.sampled_from(sorted(menu, key=str) + removed + [UNKNOWN_DISH])
            size = data.draw(st.integers(0, 9), label="size")
            count = 0 if size == 0 else 51 if size == 9 else min(size, 3)
            quantities = st.sampled_from(QUANTITIES)
            instructions = st.sampled_from([None, "no basil", "x" * 501])
            names, phones, notes = sorted(NAMES), sorted(PHONES), list(NOTES)
        else:
            dishes = st.sampled_from([i.id for i in mine])
            count = data.draw(st.integers(1, 3), label="size")
            quantities = st.sampled_from([q for q in QUANTITIES if 1 <= q <= 99])
            instructions = st.sampled_from([None, "no basil"])
            names = [n for n in sorted(NAMES) if NAMES[n]]
            phones = [p for p in sorted(PHONES) if PHONES[p]]
            notes = [n for n in NOTES if NOTES[n]]
        lines = tuple(OrderLine(data.draw(dishes), data.draw(quantities), data.draw(instructions))
                      for _ in range(count))
        return PlaceOrder(
            data.draw(st.sampled_from(names), label="name"),
            data.draw(st.sampled_from(phones), label="phone"),
            data.draw(st.sampled_from(list(PaymentMethod)), label="payment"),
            lines, data.draw(st.sampled_from(notes), label="notes"))

    @staticmethod
    def problems_of(actor: Principal, menu: dict[MenuItemId, MenuItem],
                    command: PlaceOrder) -> tuple[set[str], set[str]]:
        """api.md's rules: the fields a client got wrong, and the lines whose dish it cannot order."""
        field_problems = {field for field, ok in (
            ("customer_name", NAMES[command.customer_name] is not None),
            ("customer_phone", PHONES[command.customer_phone] is not None),
            ("notes", NOTES[command.notes]),
            ("items", 1 <= len(command.items) <= 50)) if not ok}
        menu_problems = set()
        for i, ln in enumerate(command.items):
            if not 1 <= ln.quantity <= 99:
                field_problems.add(f"items[{i}].quantity")
            if ln.special_instructions is not None and len(ln.special_instructions) > 500:
                field_problems.add(f"items[{i}].special_instructions")
            item = menu.get(ln.menu_item_id)
            if item is None or item.restaurant_id != actor.restaurant_id or not item.is_available:
                menu_problems.add(f"items[{i}].menu_item_id")
        return field_problems, menu_problems

    def accepted(self, actor: Principal, menu: dict[MenuItemId, MenuItem], command: PlaceOrder,
                 order: Order) -> None:
        """A new order holds what was asked, priced from the menu, under the next number."""
        self.numbers[actor.restaurant_id] += 1
        assert order.order_number == self.numbers[actor.restaurant_id], "order numbers have a gap"
        assert (order.version, order.status, order.deleted_at) == (1, R, None)
        assert (order.restaurant_id, order.created_by) == (actor.restaurant_id, actor.user_id)
        assert (order.customer_name, order.customer_phone, order.notes, order.payment_method) == (
            NAMES[command.customer_name], PHONES[command.customer_phone], command.notes,
            command.payment_method)
        assert [(i.menu_item_id, i.quantity, i.unit_price_cents, i.name, i.special_instructions)
                for i in order.items] == [
            (ln.menu_item_id, ln.quantity, menu[ln.menu_item_id].price_cents, menu[ln.menu_item_id].name,
             ln.special_instructions) for ln in command.items]
        assert order.currency == self.kitchen_of(actor.restaurant_id).restaurant.currency
        self.orders[order.id] = order

    def draw_target(self, data: st.DataObject) -> tuple[Principal, Order, int | None]:
        order = self.orders[data.draw(st.sampled_from(sorted(self.orders, key=str)), label="order")]
        # NOTE: mostly someone of the order's restaurant, or most calls would end in NotFound.
        insider = data.draw(st.sampled_from([True, True, False]), label="insider")
        people = self.kitchen_of(order.restaurant_id).people if insider else self.people
        actor = data.draw(st.sampled_from(people), label="actor")
        versions = [None, None, order.version, order.version - 1]
        expected = data.draw(st.sampled_from(versions), label="if-match")
        return actor, order, expected

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), reason=st.sampled_from([None, "ok", "x" * 501]))
    def change_status(self, data: st.DataObject, reason: str | None) -> None:
        actor, order, expected_version = self.draw_target(data)
        onward = sorted(b for a, b in LEGAL if a is order.status)
        lawful = data.draw(st.booleans(), label="lawful") and onward
        target = data.draw(st.sampled_from(onward if lawful else list(OrderStatus)), label="status")
        self.move(actor, order, target, reason, expected_version)

    def open_orders(self) -> list[Order]:
        return sorted((o for o in self.orders.values() if not o.is_deleted and o.status not in FINISHED),
                      key=lambda o: str(o.id))

    @precondition(lambda self: self.open_orders())
    @rule(data=st.data())
    def the_kitchen_moves_an_order_along(self, data: st.DataObject) -> None:
        # NOTE: lawful moves by the kitchen, one to three in a row, so orders reach every status.
        order = data.draw(st.sampled_from(self.open_orders()), label="order")
        kitchen = self.kitchen_of(order.restaurant_id)
        for _ in range(data.draw(st.integers(1, 3), label="moves")):
            onward = sorted(b for a, b in LEGAL if a is order.status)
            if not onward:
                break
            actor = data.draw(st.sampled_from([kitchen.admin, kitchen.staff]), label="actor")
            target = data.draw(st.sampled_from(onward), label="status")
            expected_version = data.draw(st.sampled_from([None, order.version]), label="if-match")
            self.move(actor, order, target, None, expected_version)
            order = self.orders[order.id]

    def move(self, actor: Principal, order: Order, target: OrderStatus, reason: str | None,
             expected_version: int | None) -> None:
        """Ask for a status change; the oracle says how it must end."""
        call = lambda: self.oz.orders.change_status(  # noqa: E731
            actor, order.id, StatusChange(target, reason), expected_version=expected_version)
        if reason is not None and len(reason) > 500:
            self.refused(call, ValidationFailed)
        elif not sees(actor, order) or order.is_deleted:
            self.refused(call, NotFound)
        elif actor.role is Role.CUSTOMER and target is not C:
            self.refused(call, Forbidden)
        elif expected_version is not None and expected_version != order.version:
            self.refused(call, PreconditionFailed)
        elif (actor.role is Role.CUSTOMER and order.status is not R) or (order.status, target) not in LEGAL:
            self.refused(call, InvalidTransition)
        else:
            moved = self.changed(call, order)
            assert moved == evolve(order, status=target, version=moved.version, updated_at=moved.updated_at)

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), name=st.sampled_from([None, "Grace", " "]),
          notes=st.sampled_from(["x", None, "\x00"]), payment=st.sampled_from([None, PaymentMethod.CASH]))
    def edit_order(self, data: st.DataObject, name: str | None, notes: str | None,
                   payment: PaymentMethod | None) -> None:
        actor, order, expected_version = self.draw_target(data)
        edit = evolve(EditOrder(notes=notes), **({"customer_name": name} if name is not None else {}),
                      **({"payment_method": payment} if payment is not None else {}))
        call = lambda: self.oz.orders.edit(  # noqa: E731
            actor, order.id, edit, expected_version=expected_version)
        if name == " " or notes == "\x00":
            self.refused(call, ValidationFailed)
        elif not sees(actor, order) or order.is_deleted:
            self.refused(call, NotFound)
        elif actor.role is Role.CUSTOMER:
            self.refused(call, Forbidden)
        elif expected_version is not None and expected_version != order.version:
            self.refused(call, PreconditionFailed)
        elif order.status in FINISHED:
            self.refused(call, InvalidTransition)
        else:
            edited = self.changed(call, order)
            assert edited == evolve(order, version=edited.version, updated_at=edited.updated_at, notes=notes,
                                    customer_name=name or order.customer_name,
                                    payment_method=payment or order.payment_method)

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def delete_order(self, data: st.DataObject) -> None:
        actor, order, expected_version = self.draw_target(data)
        call = lambda: self.oz.orders.delete(actor, order.id, expected_version=expected_version)  # noqa: E731
        if not sees(actor, order) or order.is_deleted:
            self.refused(call, NotFound)
        elif actor.role is not Role.ADMIN:
            self.refused(call, Forbidden)
        elif expected_version is not None and expected_version != order.version:
            self.refused(call, PreconditionFailed)
        else:
            gone = self.changed(call, order)
            assert gone.deleted_at is not None
            assert gone == evolve(order, version=gone.version, updated_at=gone.updated_at,
                                  deleted_at=gone.deleted_at)

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def restore_order(self, data: st.DataObject) -> None:
        actor, order, expected_version = self.draw_target(data)
        call = lambda: self.oz.orders.restore(  # noqa: E731
            actor, order.id, expected_version=expected_version)
        if not sees(actor, order):
            self.refused(call, NotFound)
        elif actor.role is not Role.ADMIN:
            self.refused(call, Forbidden)
        elif expected_version is not None and expected_version != order.version:
            self.refused(call, PreconditionFailed)
        elif not order.is_deleted:
            self.refused(call, InvalidTransition)
        else:
            back = self.changed(call, order)
            assert back == evolve(order, version=back.version, updated_at=back.updated_at, deleted_at=None)

    @precondition(lambda self: self.orders)
    @rule(data=st.data(), include_deleted=st.booleans())
    def read_order(self, data: st.DataObject, include_deleted: bool) -> None:
        actor, order, _ = self.draw_target(data)
        admin_asks = include_deleted and actor.role is Role.ADMIN
        shown = sees(actor, order) and (not order.is_deleted or admin_asks)
        reads = [lambda: self.oz.orders.get(actor, order.id, include_deleted=include_deleted),
                 lambda: self.oz.reads.get(actor, order.id, include_deleted=include_deleted,
                                           min_version=order.version).order]
        for read in reads:
            if shown:
                assert read() == order
            else:
                self.refused(read, NotFound)
        # Without minVersion the mirror may lag, but never shows what the caller may not see.
        if not sees(actor, order):
            self.refused(lambda: self.oz.reads.get(actor, order.id), NotFound)
            return
        try:
            lagging = self.oz.reads.get(actor, order.id, include_deleted=include_deleted)
        except NotFound:
            assert not shown, "the mirror's lag hid an order the source shows"
            return
        assert lagging.order.id == order.id and lagging.order.version <= order.version
        if lagging.cache is CacheStatus.HIT:
            assert not lagging.order.is_deleted
        else:
            assert lagging.order == order and shown

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def read_history(self, data: st.DataObject) -> None:
        actor, order, _ = self.draw_target(data)
        call = lambda: self.oz.orders.events(actor, order.id)  # noqa: E731
        if not sees(actor, order) or (order.is_deleted and actor.role is not Role.ADMIN):
            self.refused(call, NotFound)
        else:
            events = call()
            assert [e.version for e in events] == list(range(1, order.version + 1))
            assert {(e.order_id, e.restaurant_id) for e in events} == {(order.id, order.restaurant_id)}

    @rule(data=st.data(), limit=st.integers(1, 4), sort=st.sampled_from(Sort), include_deleted=st.booleans(),
          statuses=st.sets(st.sampled_from(OrderStatus), max_size=2))
    def list_orders(self, data: st.DataObject, limit: int, sort: Sort, include_deleted: bool,
                    statuses: set[OrderStatus]) -> None:
        actor = data.draw(st.sampled_from(self.people), label="actor")
        listing = ListOrders(statuses=tuple(sorted(statuses)), limit=limit, sort=sort,
                             include_deleted=include_deleted)
        expected = [o for o in self.orders_of(actor.restaurant_id) if sees(actor, o)
                    and (not o.is_deleted or (include_deleted and actor.role is Role.ADMIN))
                    and (not statuses or o.status in statuses)]
        listed = self.walk(actor, listing)
        assert listed == (expected if sort is Sort.OLDEST_FIRST else expected[::-1])
        cached = self.walk(actor, listing, cached=True)
        assert len({o.id for o in cached}) == len(cached), "a cached walk listed an order twice"
        for o in cached:
            assert sees(actor, o), "a cached list showed an order its reader may not see"
            assert o.version <= self.orders[o.id].version

    @rule(data=st.data(), available=st.booleans(), price=st.sampled_from([0, 1, 1250, 10_000_000]))
    def change_the_menu(self, data: st.DataObject, available: bool, price: int) -> None:
        kitchen = data.draw(st.sampled_from(self.kitchens), label="kitchen")
        live = sorted(self.oz.menu.list(kitchen.admin, limit=200).items, key=lambda i: str(i.id))
        item = data.draw(st.sampled_from(live), label="dish")
        change = EditMenuItem(price_cents=price, is_available=available)
        edited = self.oz.menu.edit(kitchen.admin, item.id, change)
        assert (edited.price_cents, edited.is_available) == (price, available)

    @precondition(lambda self: self.world.cache is not None and self.orders)
    @rule(data=st.data())
    def the_mirror_misbehaves(self, data: st.DataObject) -> None:
        """The mirror fails the next few calls, or rejects every snapshot of one order from now on."""
        assert self.world.cache is not None
        if data.draw(st.booleans(), label="fail (else reject)"):
            self.world.cache.fail_next(data.draw(st.integers(1, 6), label="calls"))
        else:
            order_id = data.draw(st.sampled_from(sorted(self.orders, key=str)), label="rejected order")
            self.world.cache.reject(order_id, as_batch_error=data.draw(st.booleans(), label="as batch error"))

    @rule(relay=st.booleans())
    def the_background_works(self, relay: bool) -> None:
        """One relay step, or one round of cache repairs; either may meet a failing mirror."""
        if relay:
            self.oz.relay.step()
        else:
            self.oz.reads.run_repairs()

    @rule()
    def drain_and_compare(self) -> None:
        """Heal the mirror, re-queue parked rows, drain the relay: the mirror then equals the repository."""
        if self.world.cache is not None:
            self.world.cache.fail_next(0)
            self.world.cache.accept_all()
        self.oz.outbox.requeue(self.parked())
        for _ in range(100):
            self.oz.relay.drain()
            if self.pending() == 0:
                break
        assert self.pending() == 0, "the relay did not drain"
        assert self.parked() == [], "a parked row was not delivered after its re-queue"
        if not self.oz.cache.enabled:
            return
        # NOTE: queued repairs stay queued: the relay alone must have brought the mirror up to date.
        for kitchen in self.kitchens:
            stored = self.stored(kitchen)
            everything = OrderQuery(limit=200, sort=Sort.OLDEST_FIRST, include_deleted=True)
            mirrored = self.oz.cache.page(kitchen.restaurant.id, everything)
            assert mirrored == stored, "after the relay drained, the mirror differs from the repository"
            for reader in kitchen.people:
                visible = [o for o in stored if sees(reader, o) and not o.is_deleted]
                assert self.walk(reader, ListOrders(limit=3, sort=Sort.OLDEST_FIRST), cached=True) == visible

    # --- invariants ----------------------------------------------------------------------------------

    @invariant()
    def the_repository_holds_what_the_use_cases_answered(self) -> None:
        for kitchen in self.kitchens:
            stored = self.stored(kitchen)
            assert stored == self.orders_of(kitchen.restaurant.id), "a refused call changed an order"
            assert sorted(o.order_number for o in stored) == list(range(1, len(stored) + 1)), (
                "order numbers are not exactly 1..n")
            assert self.numbers[kitchen.restaurant.id] == len(stored)
            for order in stored:
                assert order.restaurant_id == kitchen.restaurant.id
                assert all(i.line_total_cents == i.quantity * i.unit_price_cents for i in order.items)
                assert order.total_cents == sum(i.line_total_cents for i in order.items)
                assert 1 <= len(order.items) <= 50 and all(1 <= i.quantity <= 99 for i in order.items)


TestKitchen = KitchenMachine.TestCase
TestKitchen.settings = settings(max_examples=200, stateful_step_count=50, deadline=None,
                                suppress_health_check=[HealthCheck.too_slow])
