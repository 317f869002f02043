"""Listing orders: keyset pages that return every order exactly once, even while orders arrive;
filters; and cursors that only this server could have issued."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_adapters import memory
from orderzap_core.commands import ListOrders, StatusChange
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import Cursor, Position, Sort, Source
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import BadRequest
from orderzap_core.ids import OrderId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.core.builders import add_dish, an_order, join, line, open_restaurant


def walk(oz: Services, principal: Principal, listing: ListOrders) -> list[Order]:
    """Every order of a cursor walk, page after page."""
    seen: list[Order] = []
    cursor = None
    while True:
        page = oz.orders.list(principal, ListOrders(
            statuses=listing.statuses, created_after=listing.created_after,
            created_before=listing.created_before, limit=listing.limit, sort=listing.sort, cursor=cursor,
            include_deleted=listing.include_deleted))
        assert len(page.items) <= listing.limit
        seen += page.items
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def place(oz: Services, principal: Principal, dish: MenuItem, count: int = 1) -> list[Order]:
    return [oz.orders.place(principal, an_order(line(dish))).order for _ in range(count)]


def kitchen() -> tuple[Services, Principal, MenuItem]:
    oz = memory.services()
    restaurant = open_restaurant(oz)
    admin = join(oz, restaurant, Role.ADMIN)
    return oz, admin, add_dish(oz, admin)


def ids(orders: list[Order]) -> list[OrderId]:
    return [o.id for o in orders]


@given(initial=st.integers(0, 25), limit=st.integers(1, 7), sort=st.sampled_from(Sort),
       arrivals=st.lists(st.integers(0, 4), max_size=12))
def test_a_cursor_walk_returns_every_order_exactly_once_while_orders_arrive(
        initial: int, limit: int, sort: Sort, arrivals: list[int]) -> None:
    oz, admin, dish = kitchen()
    before = place(oz, admin, dish, initial)
    seen: list[Order] = []
    added: list[Order] = []
    cursor = None
    for turn in range(100):
        page = oz.orders.list(admin, ListOrders(limit=limit, sort=sort, cursor=cursor))
        seen += page.items
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
        added += place(oz, admin, dish, arrivals[turn] if turn < len(arrivals) else 0)
    else:
        pytest.fail("the walk did not end")
    assert len(ids(seen)) == len(set(ids(seen))), "an order was listed twice"
    assert set(ids(before)) <= set(ids(seen)), "an order that existed before the walk was skipped"
    assert set(ids(seen)) <= set(ids(before + added))
    keys = [(o.created_at, o.id) for o in seen]
    assert keys == sorted(keys, reverse=sort is Sort.NEWEST_FIRST)
    if sort is Sort.OLDEST_FIRST:
        assert ids(seen) == ids(before + added), "oldest first, every arrival lands at the end of the walk"


@pytest.mark.parametrize("sort", list(Sort))
@pytest.mark.parametrize(("count", "limit"), [(0, 5), (5, 5), (6, 5), (10, 5), (3, 1), (7, 200)])
def test_pages_split_the_orders_and_the_last_page_has_no_cursor(oz: Services, admin: Principal,
                                                                margherita: MenuItem, sort: Sort, count: int,
                                                                limit: int) -> None:
    orders = place(oz, admin, margherita, count)
    sizes = []
    cursor = None
    while True:
        page = oz.orders.list(admin, ListOrders(limit=limit, sort=sort, cursor=cursor))
        sizes.append(len(page.items))
        assert page.limit == limit
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    full, rest = divmod(count, limit)
    assert sizes == [limit] * full + ([rest] if rest or not full else [])
    assert ids(walk(oz, admin, ListOrders(limit=limit, sort=sort))) == ids(
        orders if sort is Sort.OLDEST_FIRST else orders[::-1])


def test_the_default_listing_is_newest_first_fifty_at_a_time(oz: Services, staff: Principal,
                                                             margherita: MenuItem) -> None:
    orders = place(oz, staff, margherita, 51)
    page = oz.orders.list(staff, ListOrders())
    assert (page.limit, len(page.items), page.items[0].id) == (50, 50, orders[-1].id)
    assert page.next_cursor is not None


def test_a_customer_lists_only_its_own_orders(oz: Services, customer: Principal, other_customer: Principal,
                                              staff: Principal, margherita: MenuItem) -> None:
    mine = place(oz, customer, margherita, 3)
    place(oz, other_customer, margherita, 2)
    place(oz, staff, margherita, 1)
    assert ids(walk(oz, customer, ListOrders(limit=2, sort=Sort.OLDEST_FIRST))) == ids(mine)
    assert len(walk(oz, staff, ListOrders(limit=2))) == 6


def test_nobody_lists_another_restaurants_orders(oz: Services, admin: Principal, margherita: MenuItem,
                                                 rival_admin: Principal, rival_dish: MenuItem) -> None:
    place(oz, admin, margherita, 3)
    theirs = place(oz, rival_admin, rival_dish, 2)
    listed = walk(oz, rival_admin, ListOrders(include_deleted=True, sort=Sort.OLDEST_FIRST))
    assert ids(listed) == ids(theirs)


def test_a_status_filter_keeps_the_named_statuses(oz: Services, staff: Principal,
                                                  margherita: MenuItem) -> None:
    received, preparing, ready = place(oz, staff, margherita, 3)
    oz.orders.change_status(staff, preparing.id, StatusChange(OrderStatus.PREPARING))
    oz.orders.change_status(staff, ready.id, StatusChange(OrderStatus.PREPARING))
    oz.orders.change_status(staff, ready.id, StatusChange(OrderStatus.READY))
    listing = ListOrders(statuses=(OrderStatus.RECEIVED, OrderStatus.READY), sort=Sort.OLDEST_FIRST)
    assert ids(walk(oz, staff, listing)) == [received.id, ready.id]
    assert ids(walk(oz, staff, ListOrders(statuses=(OrderStatus.COMPLETED,)))) == []


def test_time_filters_are_exclusive_bounds(oz: Services, staff: Principal, margherita: MenuItem) -> None:
    first, second, third = place(oz, staff, margherita, 3)
    listing = ListOrders(created_after=first.created_at, created_before=third.created_at)
    assert ids(walk(oz, staff, listing)) == [second.id]
    later = ListOrders(created_after=third.created_at + timedelta(seconds=1))
    assert walk(oz, staff, later) == []


def test_deleted_orders_are_listed_only_for_an_admin_who_asks(oz: Services, admin: Principal,
                                                              staff: Principal, margherita: MenuItem) -> None:
    kept, gone = place(oz, staff, margherita, 2)
    oz.orders.delete(admin, gone.id)
    assert ids(walk(oz, admin, ListOrders())) == [kept.id]
    everything = ListOrders(include_deleted=True, sort=Sort.OLDEST_FIRST)
    assert ids(walk(oz, admin, everything)) == [kept.id, gone.id]
    assert ids(walk(oz, staff, ListOrders(include_deleted=True))) == [kept.id]


@pytest.mark.parametrize("limit", [0, -1, 201, 10**6])
def test_a_limit_outside_1_to_200_is_a_bad_request(oz: Services, staff: Principal, limit: int) -> None:
    with pytest.raises(BadRequest, match="limit must be between 1 and 200"):
        oz.orders.list(staff, ListOrders(limit=limit))


def test_a_cursor_of_the_other_sort_order_is_a_bad_request(oz: Services, staff: Principal,
                                                           margherita: MenuItem) -> None:
    place(oz, staff, margherita, 3)
    cursor = oz.orders.list(staff, ListOrders(limit=1, sort=Sort.NEWEST_FIRST)).next_cursor
    with pytest.raises(BadRequest, match="another sort order"):
        oz.orders.list(staff, ListOrders(limit=1, sort=Sort.OLDEST_FIRST, cursor=cursor))


@pytest.mark.parametrize("cursor", ["", "abc", "!!!", "é", "=", "eyJ4IjoxfQ", "a" * 5000])
def test_a_garbled_cursor_is_a_bad_request(oz: Services, staff: Principal, cursor: str) -> None:
    with pytest.raises(BadRequest, match="cursor is not one this server issued"):
        oz.orders.list(staff, ListOrders(cursor=cursor))


@given(st.text(max_size=200))
def test_no_text_but_an_issued_cursor_is_accepted(text: str) -> None:
    try:
        cursor = Cursor.decode(text)
    except BadRequest:
        return
    assert Cursor.decode(cursor.encode()) == cursor  # only a well-formed cursor gets through


def signed(body: str) -> str:
    """A cursor body with the right checksum: the checksum keeps out typos, not a determined client."""
    raw = body.encode()
    check = hashlib.sha256(b"orderzap-cursor:" + raw).hexdigest()[:12].encode()
    return base64.urlsafe_b64encode(raw + b"|" + check).decode().rstrip("=")


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=10),
                           lambda inner: st.lists(inner, max_size=4), max_leaves=8)


@given(st.lists(json_values, min_size=4, max_size=4) | json_values)
def test_a_crafted_cursor_with_the_right_checksum_but_wrong_content_is_a_bad_request(body: object) -> None:
    try:
        Cursor.decode(signed(json.dumps(body)))
    except BadRequest:
        pass


@pytest.mark.parametrize("body", [
    '["2026-11-24T12:00:00+00:00", 5, "createdAt", "db"]',
    '["2026-11-24T12:00:00+00:00", {"a": 1}, "createdAt", "db"]',
    '["2026-11-24T12:00:00", "00000000-0000-0000-0000-000000000001", "createdAt", "db"]',
    '["2026-11-24T12:00:00+00:00", "00000000-0000-0000-0000-000000000001", "up", "db"]',
    '["2026-11-24T12:00:00+00:00", "00000000-0000-0000-0000-000000000001", "createdAt", "disk"]',
    "[" * 100_000 + "]" * 100_000,
], ids=["int id", "object id", "naive time", "unknown sort", "unknown source", "deep nesting"])
def test_a_crafted_cursor_is_a_bad_request_never_a_crash(oz: Services, staff: Principal, body: str) -> None:
    with pytest.raises(BadRequest):
        oz.orders.list(staff, ListOrders(cursor=signed(body)))


@given(st.datetimes(timezones=st.just(UTC)), st.uuids(), st.sampled_from(Sort), st.sampled_from(Source))
def test_a_cursor_survives_its_own_encoding(at: datetime, ident: UUID, sort: Sort, source: Source) -> None:
    cursor = Cursor(Position(at, ident), sort, source)
    encoded = cursor.encode()
    assert Cursor.decode(encoded) == cursor
    assert all(c.isalnum() or c in "-_" for c in encoded), "cursors are URL-safe"
