"""The wire converter: strict JSON types (no coercion), every bad field named by its path, camelCase
keys, RFC 3339 times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_core.commands import (
    UNSET,
    EditMenuItem,
    EditOrder,
    ListOrders,
    Login,
    NewMenuItem,
    OrderLine,
    PlaceOrder,
    StatusChange,
)
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order, OrderItem, PaymentMethod
from orderzap_core.domain.pagination import Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import Problem, ValidationFailed
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId, RestaurantId, UserId
from orderzap_core.wire import Wire, rfc3339, to_camel

ITEM_ID = "00000000-0000-0000-0000-00000000000a"
GOOD_ORDER: dict[str, Any] = {
    "customerName": "Ada", "customerPhone": "+14155550123", "paymentMethod": "card",
    "items": [{"menuItemId": ITEM_ID, "quantity": 2}],
}
GOOD_LINE: dict[str, Any] = {"menuItemId": ITEM_ID, "quantity": 2}
wire = Wire()

NOT_INT = ["5", 2.5, 1e2, float("inf"), True, False, None, [], {}]
NOT_BOOL = [1, 0, "true", "false", None, 1.0, []]
NOT_STR = [123, 1.5, True, [], {}, None]


def problems(body: Any, kind: type) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        wire.parse(body, kind)
    return [(p.field, p.message) for p in caught.value.problems]


# --- strict primitives -------------------------------------------------------------------------------

@pytest.mark.parametrize("value", NOT_INT, ids=repr)
@pytest.mark.parametrize(("kind", "body", "field", "path"), [
    (PlaceOrder, GOOD_ORDER, None, "items[0].quantity"),
    (NewMenuItem, {"name": "Margherita", "priceCents": 1150}, "priceCents", "price_cents"),
    (EditMenuItem, {}, "priceCents", "price_cents"),
    (ListOrders, {}, "limit", "limit"),
], ids=["quantity", "priceCents", "priceCents (PATCH)", "limit"])
def test_an_integer_field_takes_only_a_json_integer(kind: type, body: dict[str, Any], field: str | None,
                                                    path: str, value: Any) -> None:
    sent = {**body, field: value} if field else {**body, "items": [{**GOOD_LINE, "quantity": value}]}
    assert problems(sent, kind) == [(path, "must be an integer")]


@pytest.mark.parametrize("value", NOT_BOOL, ids=repr)
@pytest.mark.parametrize(("kind", "body", "field", "path"), [
    (NewMenuItem, {"name": "Margherita", "priceCents": 1150}, "isAvailable", "is_available"),
    (EditMenuItem, {}, "isAvailable", "is_available"),
    (ListOrders, {}, "includeDeleted", "include_deleted"),
], ids=["isAvailable", "isAvailable (PATCH)", "includeDeleted"])
def test_a_boolean_field_takes_only_true_or_false(kind: type, body: dict[str, Any], field: str, path: str,
                                                  value: Any) -> None:
    assert problems({**body, field: value}, kind) == [(path, "must be true or false")]


@pytest.mark.parametrize("value", NOT_STR, ids=repr)
@pytest.mark.parametrize(("kind", "body", "field", "path"), [
    (PlaceOrder, GOOD_ORDER, "customerName", "customer_name"),
    (PlaceOrder, GOOD_ORDER, "customerPhone", "customer_phone"),
    (NewMenuItem, {"name": "x", "priceCents": 1}, "name", "name"),
    (EditOrder, {}, "customerName", "customer_name"),
    (EditOrder, {}, "customerPhone", "customer_phone"),
    (EditMenuItem, {}, "name", "name"),
    (Login, {"restaurantSlug": "a", "email": "b", "password": "c"}, "restaurantSlug", "restaurant_slug"),
    (Login, {"restaurantSlug": "a", "email": "b", "password": "c"}, "email", "email"),
    (Login, {"restaurantSlug": "a", "email": "b", "password": "c"}, "password", "password"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_a_string_field_takes_only_a_json_string(kind: type, body: dict[str, Any], field: str, path: str,
                                                 value: Any) -> None:
    assert problems({**body, field: value}, kind) == [(path, "must be a string")]


@pytest.mark.parametrize("value", [v for v in NOT_STR if v is not None], ids=repr)
@pytest.mark.parametrize(("kind", "body", "field", "path"), [
    (PlaceOrder, GOOD_ORDER, "notes", "notes"),
    (EditOrder, {}, "notes", "notes"),
    (StatusChange, {"status": "ready"}, "reason", "reason"),
], ids=["notes", "notes (PATCH)", "reason"])
def test_an_optional_string_takes_a_string_or_null_only(kind: type, body: dict[str, Any], field: str,
                                                        path: str, value: Any) -> None:
    assert problems({**body, field: value}, kind) == [(path, "must be a string")]
    wire.parse({**body, field: None}, kind)
    wire.parse({**body, field: "fine"}, kind)


def test_special_instructions_take_a_string_or_null_only() -> None:
    assert problems({**GOOD_ORDER, "items": [{**GOOD_LINE, "specialInstructions": 5}]}, PlaceOrder) == [
        ("items[0].special_instructions", "must be a string")]
    parsed = wire.parse({**GOOD_ORDER, "items": [{**GOOD_LINE, "specialInstructions": None}]}, PlaceOrder)
    assert parsed.items[0].special_instructions is None


# --- enums, ids, times, arrays, objects --------------------------------------------------------------

@pytest.mark.parametrize("value", ["bitcoin", "CARD", "Card", " card", 1, None, True])
def test_a_payment_method_is_one_of_cash_card_online(value: Any) -> None:
    assert problems({**GOOD_ORDER, "paymentMethod": value}, PlaceOrder) == [
        ("payment_method", "must be one of cash, card, online")]


@pytest.mark.parametrize("value", ["done", "Ready", 2, None])
def test_a_status_is_one_of_the_five(value: Any) -> None:
    assert problems({"status": value}, StatusChange) == [
        ("status", "must be one of received, preparing, ready, completed, cancelled")]


@pytest.mark.parametrize("value", ["x", "", 5, None, "00000000-0000-0000-0000-00000000000g", []])
def test_a_menu_item_id_is_a_uuid_string(value: Any) -> None:
    assert problems({**GOOD_ORDER, "items": [{**GOOD_LINE, "menuItemId": value}]}, PlaceOrder) == [
        ("items[0].menu_item_id", "must be a UUID string")]


@pytest.mark.parametrize(("value", "message"), [
    ("2026-11-24T12:00:00", "must be an RFC 3339 timestamp with a time zone"),
    ("yesterday", "must be an RFC 3339 timestamp string"),
    (1732449600, "must be an RFC 3339 timestamp string"),
])
def test_a_time_is_an_rfc3339_string_with_a_zone(value: Any, message: str) -> None:
    assert problems({"createdAfter": value}, ListOrders) == [("created_after", message)]


def test_a_time_with_an_offset_is_read_as_utc() -> None:
    parsed = wire.parse({"createdAfter": "2026-11-24T13:00:00+01:00"}, ListOrders)
    assert parsed.created_after == datetime(2026, 11, 24, 12, tzinfo=UTC)


@pytest.mark.parametrize("value", [{"0": GOOD_LINE}, "items", 5, None])
def test_items_is_a_json_array(value: Any) -> None:
    assert problems({**GOOD_ORDER, "items": value}, PlaceOrder) == [("items", "must be a JSON array")]


@pytest.mark.parametrize("value", [5, "x", None, [GOOD_LINE]])
def test_each_item_is_a_json_object(value: Any) -> None:
    assert problems({**GOOD_ORDER, "items": [GOOD_LINE, value]}, PlaceOrder) == [
        ("items[1]", "must be a JSON object")]


@pytest.mark.parametrize("body", [[], "x", 5, None, [GOOD_ORDER]])
def test_a_body_is_a_json_object(body: Any) -> None:
    assert problems(body, PlaceOrder) == [("body", "must be a JSON object")]


@pytest.mark.parametrize("field", ["customerName", "customerPhone", "paymentMethod", "items"])
def test_a_missing_field_is_required(field: str) -> None:
    body = {k: v for k, v in GOOD_ORDER.items() if k != field}
    assert problems(body, PlaceOrder) == [(to_snake(field), "is required")]


def to_snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


def test_every_bad_field_of_a_body_is_named_at_once_with_its_path() -> None:
    body = {
        "customerName": 7, "paymentMethod": "bitcoin", "notes": ["x"],
        "items": [
            {"menuItemId": ITEM_ID, "quantity": "2"},
            {"menuItemId": 5, "quantity": 2.5, "specialInstructions": True},
            GOOD_LINE,
            {"quantity": True},
            "pizza",
        ],
    }
    assert problems(body, PlaceOrder) == [
        ("customer_name", "must be a string"),
        ("customer_phone", "is required"),
        ("payment_method", "must be one of cash, card, online"),
        ("items[0].quantity", "must be an integer"),
        ("items[1].menu_item_id", "must be a UUID string"),
        ("items[1].quantity", "must be an integer"),
        ("items[1].special_instructions", "must be a string"),
        ("items[3].menu_item_id", "is required"),
        ("items[3].quantity", "must be an integer"),
        ("items[4]", "must be a JSON object"),
        ("notes", "must be a string"),
    ]


def test_problem_paths_camelize_to_the_clients_field_names() -> None:
    assert to_camel("items[12].menu_item_id") == "items[12].menuItemId"
    assert to_camel("items[0].special_instructions") == "items[0].specialInstructions"
    assert to_camel("customer_phone") == "customerPhone"
    assert to_camel("body") == "body"


def test_a_huge_integer_passes_the_wire_and_is_left_to_the_rules() -> None:
    parsed = wire.parse({**GOOD_ORDER, "items": [{**GOOD_LINE, "quantity": 10**12}]}, PlaceOrder)
    assert parsed.items[0].quantity == 10**12


def test_fields_a_client_may_not_set_are_ignored_on_create() -> None:
    body = {**GOOD_ORDER, "totalCents": 1, "status": "completed", "restaurantId": ITEM_ID,
            "items": [{**GOOD_LINE, "unitPriceCents": 1, "lineTotalCents": 1}]}
    assert wire.parse(body, PlaceOrder) == wire.parse(GOOD_ORDER, PlaceOrder)


def test_a_valid_order_body_parses_into_the_command() -> None:
    parsed = wire.parse({**GOOD_ORDER, "notes": "ring twice",
                         "items": [{**GOOD_LINE, "specialInstructions": "no basil"}]}, PlaceOrder)
    assert parsed == PlaceOrder("Ada", "+14155550123", PaymentMethod.CARD,
                                (OrderLine(MenuItemId(UUID(ITEM_ID)), 2, "no basil"),), "ring twice")


def test_a_listing_query_parses_statuses_and_sort() -> None:
    parsed = wire.parse({"statuses": ["received", "ready"], "sort": "createdAt", "limit": 10,
                         "cursor": "abc", "includeDeleted": True}, ListOrders)
    assert parsed == ListOrders(statuses=(OrderStatus.RECEIVED, OrderStatus.READY), sort=Sort.OLDEST_FIRST,
                                limit=10, cursor="abc", include_deleted=True)


# --- PATCH bodies ------------------------------------------------------------------------------------

def test_a_patch_sets_only_the_fields_it_names() -> None:
    edit = wire.parse({"customerName": "Grace"}, EditOrder)
    assert edit.given() == {"customer_name": "Grace"}
    assert edit.notes is UNSET


def test_a_patch_may_clear_notes_with_null() -> None:
    assert wire.parse({"notes": None}, EditOrder).given() == {"notes": None}


@pytest.mark.parametrize(("kind", "field", "path", "message"), [
    (EditOrder, "customerName", "customer_name", "must be a string"),
    (EditOrder, "customerPhone", "customer_phone", "must be a string"),
    (EditOrder, "paymentMethod", "payment_method", "must be one of cash, card, online"),
    (EditMenuItem, "name", "name", "must be a string"),
    (EditMenuItem, "priceCents", "price_cents", "must be an integer"),
    (EditMenuItem, "isAvailable", "is_available", "must be true or false"),
])
def test_a_patch_refuses_null_where_the_field_is_not_nullable(kind: type, field: str, path: str,
                                                              message: str) -> None:
    assert problems({field: None}, kind) == [(path, message)]


@pytest.mark.parametrize("kind", [EditOrder, EditMenuItem])
def test_a_patch_refuses_unknown_fields_and_names_them(kind: type) -> None:
    assert problems({"status": "ready", "totalCents": 5}, kind) == [
        ("status", "is not a field that can be changed"),
        ("totalCents", "is not a field that can be changed"),
    ]


def test_a_patch_gathers_unknown_and_mistyped_fields_together() -> None:
    assert problems({"customerName": 5, "restaurantId": ITEM_ID, "notes": 1}, EditOrder) == [
        ("customer_name", "must be a string"),
        ("restaurantId", "is not a field that can be changed"),
        ("notes", "must be a string"),
    ]


def test_a_status_change_refuses_unknown_fields_with_its_other_problems() -> None:
    assert problems({"status": "done", "version": 9}, StatusChange) == [
        ("status", "must be one of received, preparing, ready, completed, cancelled"),
        ("version", "is not a field that can be changed"),
    ]


def test_an_unknown_key_keeps_the_clients_spelling_so_the_shell_does_not_rename_it() -> None:
    with pytest.raises(ValidationFailed) as caught:
        wire.parse({"customer_name": "Ada"}, EditOrder)
    (problem,) = caught.value.problems
    assert (problem.field, problem.literal) == ("customer_name", True)


@pytest.mark.parametrize("body", [[], "x", None])
def test_a_patch_body_is_a_json_object(body: Any) -> None:
    assert problems(body, EditOrder) == [("body", "must be a JSON object")]


# --- out: camelCase, RFC 3339 ------------------------------------------------------------------------

AT = datetime(2026, 11, 24, 12, 0, 0, 123456, tzinfo=UTC)


def an_order(at: datetime = AT) -> Order:
    item = OrderItem.priced(OrderItemId(UUID(int=3)), MenuItemId(UUID(int=4)), "Margherita", 2, 1150,
                            "no basil")
    order, _ = Order.place(
        id=OrderId(UUID(int=1)), restaurant_id=RestaurantId(UUID(int=2)), order_number=42,
        customer_name="Ada", customer_phone="+14155550123", payment_method=PaymentMethod.CARD,
        notes=None, items=[item], currency="USD", by=UserId(UUID(int=5)), at=at)
    return order


def test_an_order_leaves_with_the_api_contracts_camel_case_fields() -> None:
    dumped = wire.dump(an_order())
    assert list(dumped) == [
        "id", "restaurantId", "orderNumber", "customerName", "customerPhone", "status", "paymentMethod",
        "notes", "items", "totalCents", "currency", "version", "createdBy", "createdAt", "updatedAt",
        "deletedAt"]
    assert dumped["items"] == [{
        "id": str(UUID(int=3)), "menuItemId": str(UUID(int=4)), "name": "Margherita", "quantity": 2,
        "unitPriceCents": 1150, "lineTotalCents": 2300, "specialInstructions": "no basil"}]
    assert (dumped["id"], dumped["status"], dumped["paymentMethod"], dumped["totalCents"]) == (
        str(UUID(int=1)), "received", "card", 2300)
    assert (dumped["notes"], dumped["deletedAt"]) == (None, None)


def test_times_leave_as_utc_with_milliseconds_and_z() -> None:
    assert wire.dump(an_order())["createdAt"] == "2026-11-24T12:00:00.123Z"
    assert rfc3339(datetime(2026, 11, 24, 13, 30, tzinfo=timezone(timedelta(hours=1)))) == (
        "2026-11-24T12:30:00.000Z")


def test_a_menu_item_leaves_with_camel_case_fields() -> None:
    item = MenuItem(MenuItemId(UUID(int=4)), RestaurantId(UUID(int=2)), "Margherita", 1150, True, AT, AT)
    dumped = wire.dump(item)
    assert {k: dumped[k] for k in ("id", "restaurantId", "name", "priceCents", "isAvailable", "createdAt",
                                   "updatedAt")} == {
        "id": str(UUID(int=4)), "restaurantId": str(UUID(int=2)), "name": "Margherita", "priceCents": 1150,
        "isAvailable": True, "createdAt": "2026-11-24T12:00:00.123Z", "updatedAt": "2026-11-24T12:00:00.123Z"}


def test_an_order_snapshot_comes_back_as_the_same_order() -> None:
    placed = an_order(at=AT.replace(microsecond=123000))
    snapshot, _ = placed.delete(by=UserId(UUID(int=5)), at=AT.replace(microsecond=456000))
    assert wire.parse(wire.dump(snapshot), Order) == snapshot


texts = st.text(max_size=30)


@given(texts, texts, st.sampled_from(PaymentMethod), st.one_of(st.none(), texts),
       st.lists(st.tuples(st.uuids(), st.integers(), st.one_of(st.none(), texts)), max_size=5))
def test_every_order_body_survives_a_round_trip(name: str, phone: str, method: PaymentMethod,
                                                notes: str | None,
                                                lines: list[tuple[UUID, int, str | None]]) -> None:
    command = PlaceOrder(name, phone, method, tuple(OrderLine(MenuItemId(i), q, s) for i, q, s in lines),
                         notes)
    assert wire.parse(wire.dump(command), PlaceOrder) == command


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                    max_leaves=10))
def test_any_json_value_either_parses_or_fails_as_one_validation_error(value: Any) -> None:
    for kind in (PlaceOrder, EditOrder, StatusChange, NewMenuItem, EditMenuItem, Login, ListOrders):
        try:
            wire.parse({"items": value, "customerName": value, "status": value, "name": value}, kind)
        except ValidationFailed as error:
            assert error.problems and all(isinstance(p, Problem) for p in error.problems)
