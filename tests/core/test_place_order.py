"""Placing an order: priced from the menu, numbered without gaps, and every bad field reported at once
with nothing written."""

from __future__ import annotations

from uuid import UUID

import pytest

from orderzap_core.commands import EditMenuItem, ListOrders, OrderLine, PlaceOrder
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.events import EventType
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order, PaymentMethod
from orderzap_core.domain.pagination import Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import NotFound, ValidationFailed
from orderzap_core.ids import MenuItemId, RestaurantId, UserId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.core.builders import add_dish, an_order, line

NOT_ON_THE_MENU = "is not an available item of this restaurant's menu"
CONTROL = "must not contain control characters"
BAD_PHONE = "must be a valid phone number, e.g. +14155550123"


def problems_of(oz: Services, principal: Principal, command: PlaceOrder) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        oz.orders.place(principal, command)
    return [(p.field, p.message) for p in caught.value.problems]


def pending(oz: Services) -> int:
    return oz.outbox.stats(oz.clock.now()).pending


def test_an_order_is_priced_from_the_menu(oz: Services, customer: Principal, margherita: MenuItem,
                                          marinara: MenuItem) -> None:
    order = oz.orders.place(customer, an_order(line(margherita, 2, "no basil"), line(marinara, 1))).order
    assert [(i.menu_item_id, i.name, i.quantity, i.unit_price_cents, i.line_total_cents,
             i.special_instructions) for i in order.items] == [
        (margherita.id, "Margherita", 2, 1150, 2300, "no basil"),
        (marinara.id, "Marinara", 1, 900, 900, None)]
    assert order.total_cents == 3200 == sum(i.line_total_cents for i in order.items)
    assert order.currency == "USD"


def test_a_new_order_is_received_at_version_one_and_created_by_its_caller(
        oz: Services, customer: Principal, margherita: MenuItem) -> None:
    order = oz.orders.place(customer, an_order(line(margherita), notes="ring twice")).order
    assert (order.status, order.version, order.created_by, order.deleted_at) == (
        OrderStatus.RECEIVED, 1, customer.user_id, None)
    assert (order.restaurant_id, order.notes, order.payment_method) == (
        customer.restaurant_id, "ring twice", PaymentMethod.CARD)
    assert order.created_at == order.updated_at


def test_an_order_records_its_creation_and_queues_its_snapshot(oz: Services, staff: Principal,
                                                               margherita: MenuItem) -> None:
    before = pending(oz)
    order = oz.orders.place(staff, an_order(line(margherita))).order
    [event] = oz.orders.events(staff, order.id)
    assert (event.type, event.version, event.from_status, event.to_status, event.actor_id) == (
        EventType.CREATED, 1, None, OrderStatus.RECEIVED, staff.user_id)
    assert pending(oz) == before + 1


def test_the_name_is_trimmed_and_the_phone_stored_in_e164(oz: Services, staff: Principal,
                                                          margherita: MenuItem) -> None:
    order = oz.orders.place(staff, an_order(line(margherita), customer_name="  Grace Hopper ",
                                            customer_phone="(415) 555-0123")).order
    assert (order.customer_name, order.customer_phone) == ("Grace Hopper", "+14155550123")


def test_order_numbers_count_from_one_per_restaurant(oz: Services, staff: Principal, admin: Principal,
                                                     customer: Principal, margherita: MenuItem,
                                                     rival_staff: Principal, rival_dish: MenuItem) -> None:
    numbers = [oz.orders.place(p, an_order(line(margherita))).order.order_number
               for p in (staff, admin, customer)]
    rival_order = oz.orders.place(rival_staff, an_order(line(rival_dish))).order
    assert numbers == [1, 2, 3]
    assert (rival_order.order_number, rival_order.currency) == (1, "EUR")


def test_the_same_dish_may_appear_on_several_lines(oz: Services, staff: Principal,
                                                   margherita: MenuItem) -> None:
    order = oz.orders.place(staff, an_order(line(margherita, 1), line(margherita, 2, "well done"))).order
    assert [i.quantity for i in order.items] == [1, 2]
    assert order.total_cents == 3450


@pytest.mark.parametrize("count", [1, 50])
def test_an_order_holds_1_to_50_items(oz: Services, staff: Principal, margherita: MenuItem,
                                      count: int) -> None:
    order = oz.orders.place(staff, an_order(*[line(margherita, 99)] * count)).order
    assert len(order.items) == count
    assert order.total_cents == count * 99 * 1150


def test_a_zero_price_dish_makes_a_free_line(oz: Services, admin: Principal) -> None:
    water = add_dish(oz, admin, "Tap water", 0)
    assert oz.orders.place(admin, an_order(line(water, 3))).order.total_cents == 0


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "expected"), [
    ({"customer_name": ""}, ("customer_name", "must not be empty")),
    ({"customer_name": "   "}, ("customer_name", "must not be empty")),
    ({"customer_name": "x" * 101}, ("customer_name", "must be at most 100 characters")),
    ({"customer_name": "x" * 500}, ("customer_name", "must be at most 100 characters")),
    ({"customer_name": "Ada\x00"}, ("customer_name", CONTROL)),
    ({"customer_name": "Ada\x1b[31m"}, ("customer_name", CONTROL)),
    ({"customer_phone": "not a number"}, ("customer_phone", BAD_PHONE)),
    ({"customer_phone": "12345"}, ("customer_phone", BAD_PHONE)),
    ({"customer_phone": "+1415\x005550123"}, ("customer_phone", BAD_PHONE)),
    ({"customer_phone": ""}, ("customer_phone", BAD_PHONE)),
    ({"notes": "x" * 501}, ("notes", "must be at most 500 characters")),
    ({"notes": "\x00"}, ("notes", CONTROL)),
], ids=lambda v: repr(v)[:40])
def test_a_bad_customer_field_is_named(oz: Services, staff: Principal, margherita: MenuItem,
                                       changes: dict[str, str], expected: tuple[str, str]) -> None:
    fields = {"customer_name": "Ada", "customer_phone": "+14155550123", "notes": None, **changes}
    command = an_order(line(margherita), **fields)  # type: ignore[arg-type]
    assert problems_of(oz, staff, command) == [expected]


@pytest.mark.parametrize("quantity", [0, -1, 100, 10**12])
def test_a_quantity_outside_1_to_99_is_named_with_its_line(oz: Services, staff: Principal,
                                                           margherita: MenuItem, quantity: int) -> None:
    command = an_order(line(margherita), line(margherita, quantity))
    assert problems_of(oz, staff, command) == [("items[1].quantity", "must be between 1 and 99")]


@pytest.mark.parametrize(("instructions", "message"), [
    ("x" * 501, "must be at most 500 characters"), ("no\x00basil", CONTROL), ("\x7f", CONTROL)])
def test_bad_special_instructions_are_named_with_their_line(oz: Services, staff: Principal,
                                                            margherita: MenuItem, instructions: str,
                                                            message: str) -> None:
    command = an_order(line(margherita, 1, instructions))
    assert problems_of(oz, staff, command) == [("items[0].special_instructions", message)]


def test_an_order_needs_an_item(oz: Services, staff: Principal) -> None:
    assert problems_of(oz, staff, an_order()) == [("items", "must hold between 1 and 50 items")]


def test_an_order_holds_at_most_50_items(oz: Services, staff: Principal, margherita: MenuItem) -> None:
    assert problems_of(oz, staff, an_order(*[line(margherita)] * 51)) == [
        ("items", "must hold between 1 and 50 items")]


@pytest.mark.parametrize("dish", ["unknown", "sold_out", "removed", "rival_dish"])
def test_a_dish_that_cannot_be_ordered_here_is_named_with_its_line(
        oz: Services, staff: Principal, margherita: MenuItem, request: pytest.FixtureRequest,
        dish: str) -> None:
    item_id = MenuItemId(UUID(int=987654321)) if dish == "unknown" else request.getfixturevalue(dish).id
    command = an_order(line(margherita), line(item_id))
    assert problems_of(oz, staff, command) == [("items[1].menu_item_id", NOT_ON_THE_MENU)]


def test_every_bad_field_is_named_in_one_failure(oz: Services, staff: Principal, margherita: MenuItem,
                                                 sold_out: MenuItem, rival_dish: MenuItem) -> None:
    command = PlaceOrder(
        customer_name=" ", customer_phone="call me", payment_method=PaymentMethod.CASH, notes="\x00",
        items=(OrderLine(margherita.id, 0), OrderLine(sold_out.id, 2, "x" * 501),
               OrderLine(rival_dish.id, 100), OrderLine(MenuItemId(UUID(int=1)), 1),
               OrderLine(margherita.id, 1)))
    assert sorted(problems_of(oz, staff, command)) == sorted([
        ("customer_name", "must not be empty"),
        ("customer_phone", BAD_PHONE),
        ("notes", CONTROL),
        ("items[0].quantity", "must be between 1 and 99"),
        ("items[1].special_instructions", "must be at most 500 characters"),
        ("items[1].menu_item_id", NOT_ON_THE_MENU),
        ("items[2].quantity", "must be between 1 and 99"),
        ("items[2].menu_item_id", NOT_ON_THE_MENU),
        ("items[3].menu_item_id", NOT_ON_THE_MENU),
    ])


def test_too_many_items_and_their_own_problems_are_named_together(oz: Services, staff: Principal,
                                                                  margherita: MenuItem,
                                                                  sold_out: MenuItem) -> None:
    command = an_order(*[line(margherita)] * 50, line(sold_out, 0))
    assert problems_of(oz, staff, command) == [
        ("items", "must hold between 1 and 50 items"),
        ("items[50].quantity", "must be between 1 and 99"),
        ("items[50].menu_item_id", NOT_ON_THE_MENU),
    ]


@pytest.mark.parametrize("command", [
    an_order(customer_name=""),
    an_order(line(MenuItemId(UUID(int=5)))),
], ids=["a bad field", "a dish that is not on the menu"])
def test_a_failed_order_writes_nothing_and_burns_no_number(oz: Services, staff: Principal, admin: Principal,
                                                           margherita: MenuItem, command: PlaceOrder) -> None:
    first = oz.orders.place(staff, an_order(line(margherita))).order
    outbox_before = pending(oz)
    with pytest.raises(ValidationFailed):
        oz.orders.place(staff, command)
    assert pending(oz) == outbox_before
    listing = oz.orders.list(admin, ListOrders(include_deleted=True, sort=Sort.OLDEST_FIRST))
    assert [o.id for o in listing.items] == [first.id]
    assert oz.orders.place(staff, an_order(line(margherita))).order.order_number == 2


def test_a_dish_changed_or_deleted_after_ordering_stays_on_the_order_as_it_was(
        oz: Services, admin: Principal, margherita: MenuItem, placed_order: Order) -> None:
    oz.menu.edit(admin, margherita.id, EditMenuItem(name="Margherita DOP", price_cents=1400))
    oz.menu.delete(admin, margherita.id)
    kept = oz.orders.get(admin, placed_order.id)
    assert kept.items == placed_order.items
    assert (kept.items[0].name, kept.items[0].unit_price_cents) == ("Margherita", 1150)
    assert kept.total_cents == 3200


def test_a_restaurant_that_does_not_exist_takes_no_orders(oz: Services) -> None:
    ghost = Principal(UserId(UUID(int=77)), RestaurantId(UUID(int=78)), Role.STAFF)
    with pytest.raises(NotFound):
        oz.orders.place(ghost, an_order(line(MenuItemId(UUID(int=5)))))
