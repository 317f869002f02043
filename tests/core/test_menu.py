"""The menu: everyone reads it, admins manage it; names are unique among live items, prices in range."""

from __future__ import annotations

from uuid import UUID

import pytest

from orderzap_core.commands import EditMenuItem, NewMenuItem
from orderzap_core.domain.menu import MenuItem
from orderzap_core.errors import BadRequest, Forbidden, NotFound, ValidationFailed
from orderzap_core.ids import MenuItemId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.core.builders import add_dish

TAKEN = "is already the name of another item on this menu"
PRICE = "must be between 0 and 10000000"


def problems_of(call: object, *args: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        call(*args)  # type: ignore[operator]
    return [(p.field, p.message) for p in caught.value.problems]


def test_an_admin_adds_a_dish_with_a_trimmed_name(oz: Services, admin: Principal) -> None:
    item = oz.menu.create(admin, NewMenuItem("  Quattro Formaggi ", 1450))
    assert (item.name, item.price_cents, item.is_available, item.restaurant_id, item.deleted_at) == (
        "Quattro Formaggi", 1450, True, admin.restaurant_id, None)
    assert oz.menu.get(admin, item.id) == item


@pytest.mark.parametrize("reader", ["admin", "staff", "customer"])
def test_everyone_of_the_restaurant_reads_the_menu(oz: Services, margherita: MenuItem, marinara: MenuItem,
                                                   request: pytest.FixtureRequest, reader: str) -> None:
    principal = request.getfixturevalue(reader)
    assert list(oz.menu.list(principal).items) == [margherita, marinara]
    assert oz.menu.get(principal, margherita.id) == margherita


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_only_an_admin_manages_the_menu(oz: Services, margherita: MenuItem, request: pytest.FixtureRequest,
                                        role: str) -> None:
    principal = request.getfixturevalue(role)
    with pytest.raises(Forbidden):
        oz.menu.create(principal, NewMenuItem("Diavola", 1300))
    with pytest.raises(Forbidden):
        oz.menu.edit(principal, margherita.id, EditMenuItem(price_cents=1))
    with pytest.raises(Forbidden):
        oz.menu.delete(principal, margherita.id)
    assert oz.menu.get(principal, margherita.id) == margherita


@pytest.mark.parametrize(("name", "message"), [
    ("", "must not be empty"), ("   ", "must not be empty"), ("x" * 101, "must be at most 100 characters"),
    ("x" * 500, "must be at most 100 characters"), ("Pizza\x00", "must not contain control characters")])
def test_a_bad_name_is_named(oz: Services, admin: Principal, name: str, message: str) -> None:
    assert problems_of(oz.menu.create, admin, NewMenuItem(name, 100)) == [("name", message)]


@pytest.mark.parametrize("price", [-1, 10_000_001, 10**12])
def test_a_price_out_of_range_is_named(oz: Services, admin: Principal, price: int) -> None:
    assert problems_of(oz.menu.create, admin, NewMenuItem("Diavola", price)) == [("price_cents", PRICE)]


@pytest.mark.parametrize("price", [0, 10_000_000])
def test_prices_from_0_to_ten_million_cents_are_fine(oz: Services, admin: Principal, price: int) -> None:
    assert oz.menu.create(admin, NewMenuItem(f"dish {price}", price)).price_cents == price


def test_a_refused_dish_leaves_the_menu_as_it_was(oz: Services, admin: Principal,
                                                  margherita: MenuItem) -> None:
    for bad in (NewMenuItem("Margherita", 100), NewMenuItem("Diavola\x00", 100), NewMenuItem("Diavola", -1)):
        with pytest.raises(ValidationFailed):
            oz.menu.create(admin, bad)
    assert list(oz.menu.list(admin).items) == [margherita]


def test_a_bad_name_and_a_bad_price_are_named_together(oz: Services, admin: Principal) -> None:
    assert problems_of(oz.menu.create, admin, NewMenuItem("", -5)) == [
        ("name", "must not be empty"), ("price_cents", PRICE)]


@pytest.mark.parametrize("name", ["Margherita", "  Margherita  "])
def test_a_name_is_unique_among_the_live_items(oz: Services, admin: Principal, margherita: MenuItem,
                                               name: str) -> None:
    assert problems_of(oz.menu.create, admin, NewMenuItem(name, 100)) == [("name", TAKEN)]


def test_a_taken_name_and_a_bad_price_are_named_together(oz: Services, admin: Principal,
                                                         margherita: MenuItem) -> None:
    assert problems_of(oz.menu.create, admin, NewMenuItem("Margherita", -1)) == [
        ("name", TAKEN), ("price_cents", PRICE)]


def test_a_deleted_dishs_name_may_be_used_again(oz: Services, admin: Principal, margherita: MenuItem) -> None:
    oz.menu.delete(admin, margherita.id)
    assert oz.menu.create(admin, NewMenuItem("Margherita", 1200)).id != margherita.id


def test_another_restaurant_may_use_the_same_name(oz: Services, margherita: MenuItem,
                                                  rival_admin: Principal) -> None:
    assert oz.menu.create(rival_admin, NewMenuItem("Margherita", 999)).name == "Margherita"


def test_an_admin_edits_a_dish(oz: Services, admin: Principal, margherita: MenuItem) -> None:
    edited = oz.menu.edit(admin, margherita.id, EditMenuItem(name=" Margherita DOP ", price_cents=1400,
                                                            is_available=False))
    assert (edited.name, edited.price_cents, edited.is_available) == ("Margherita DOP", 1400, False)
    assert edited.updated_at > margherita.updated_at
    assert edited.created_at == margherita.created_at
    assert oz.menu.get(admin, margherita.id) == edited


def test_a_dish_keeps_its_own_name_on_edit(oz: Services, admin: Principal, margherita: MenuItem) -> None:
    assert oz.menu.edit(admin, margherita.id, EditMenuItem(name="Margherita", price_cents=1)).price_cents == 1


def test_an_edit_to_a_taken_name_is_refused(oz: Services, admin: Principal, margherita: MenuItem,
                                            marinara: MenuItem) -> None:
    assert problems_of(oz.menu.edit, admin, marinara.id, EditMenuItem(name="Margherita")) == [("name", TAKEN)]
    assert oz.menu.get(admin, marinara.id) == marinara


def test_every_bad_field_of_an_edit_is_named(oz: Services, admin: Principal, margherita: MenuItem) -> None:
    assert problems_of(oz.menu.edit, admin, margherita.id, EditMenuItem(name="\x00", price_cents=-1)) == [
        ("name", "must not contain control characters"), ("price_cents", PRICE)]
    assert oz.menu.get(admin, margherita.id) == margherita


def test_an_empty_edit_is_refused(oz: Services, admin: Principal, margherita: MenuItem) -> None:
    assert problems_of(oz.menu.edit, admin, margherita.id, EditMenuItem()) == [
        ("body", "must set at least one of name, priceCents, isAvailable")]


def test_a_deleted_dish_leaves_the_menu(oz: Services, admin: Principal, margherita: MenuItem,
                                        marinara: MenuItem) -> None:
    gone = oz.menu.delete(admin, margherita.id)
    assert gone.deleted_at is not None
    assert list(oz.menu.list(admin).items) == [marinara]
    for call in (lambda: oz.menu.get(admin, margherita.id), lambda: oz.menu.delete(admin, margherita.id),
                 lambda: oz.menu.edit(admin, margherita.id, EditMenuItem(price_cents=1))):
        with pytest.raises(NotFound, match="menu item not found"):
            call()


@pytest.mark.parametrize("stranger", ["rival_admin", "rival_customer"])
def test_another_restaurants_dish_is_not_found(oz: Services, margherita: MenuItem,
                                               request: pytest.FixtureRequest, stranger: str) -> None:
    principal = request.getfixturevalue(stranger)
    with pytest.raises(NotFound):
        oz.menu.get(principal, margherita.id)
    if stranger == "rival_admin":
        with pytest.raises(NotFound):
            oz.menu.edit(principal, margherita.id, EditMenuItem(price_cents=1))
        with pytest.raises(NotFound):
            oz.menu.delete(principal, margherita.id)
    assert margherita not in oz.menu.list(principal).items


def test_an_unknown_dish_is_not_found(oz: Services, admin: Principal) -> None:
    with pytest.raises(NotFound):
        oz.menu.get(admin, MenuItemId(UUID(int=31337)))


def test_the_available_filter_keeps_the_dishes_that_can_be_ordered(oz: Services, staff: Principal,
                                                                   margherita: MenuItem,
                                                                   sold_out: MenuItem) -> None:
    assert list(oz.menu.list(staff, available=True).items) == [margherita]
    assert list(oz.menu.list(staff, available=False).items) == [sold_out]
    assert list(oz.menu.list(staff).items) == [margherita, sold_out]


def test_the_menu_is_paged_oldest_first(oz: Services, admin: Principal) -> None:
    dishes = [add_dish(oz, admin) for _ in range(5)]
    seen: list[MenuItem] = []
    cursor = None
    while True:
        page = oz.menu.list(admin, limit=2, cursor=cursor)
        seen += page.items
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == dishes


@pytest.mark.parametrize("limit", [0, 201])
def test_a_menu_limit_outside_1_to_200_is_a_bad_request(oz: Services, staff: Principal, limit: int) -> None:
    with pytest.raises(BadRequest):
        oz.menu.list(staff, limit=limit)


def test_a_garbled_menu_cursor_is_a_bad_request(oz: Services, staff: Principal) -> None:
    with pytest.raises(BadRequest):
        oz.menu.list(staff, cursor="not-a-cursor")
