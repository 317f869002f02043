"""A body with type problems still has its well-typed fields checked, so one 422 names them all."""

from __future__ import annotations

from typing import Any

import pytest

from orderzap_core.commands import EditMenuItem, EditOrder, NewMenuItem, PlaceOrder, StatusChange
from orderzap_core.errors import ValidationFailed
from orderzap_core.wire import Wire

wire = Wire()
DISH = "00000000-0000-0000-0000-000000000001"


def problems(body: Any, kind: type) -> set[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        wire.parse(body, kind)
    return {(p.field, p.message) for p in caught.value.problems}


def test_a_mistyped_quantity_and_a_bad_name_and_phone_are_reported_together() -> None:
    body = {"customerName": "A\x00b", "customerPhone": "abc", "paymentMethod": "card",
            "items": [{"menuItemId": DISH, "quantity": "2"}, {"menuItemId": DISH, "quantity": 0}]}
    assert problems(body, PlaceOrder) == {
        ("items[0].quantity", "must be an integer"),
        ("customer_name", "must not contain control characters"),
        ("customer_phone", "must be a valid phone number, e.g. +14155550123"),
        ("items[1].quantity", "must be between 1 and 99"),
    }


def test_a_placeholder_never_adds_a_problem_where_the_type_problem_already_stands() -> None:
    body = {"customerName": 7, "customerPhone": "+14155550123", "paymentMethod": "card",
            "items": [{"menuItemId": "not-a-uuid", "quantity": 1.5}]}
    assert problems(body, PlaceOrder) == {
        ("customer_name", "must be a string"),
        ("items[0].menu_item_id", "must be a UUID string"),
        ("items[0].quantity", "must be an integer"),
    }


def test_a_rule_above_a_mistyped_leaf_is_still_checked() -> None:
    items = [{"menuItemId": DISH, "quantity": 1}] * 50 + [{"menuItemId": DISH, "quantity": "1"}]
    body = {"customerName": "Ada", "customerPhone": "+14155550123", "paymentMethod": "card", "items": items}
    assert problems(body, PlaceOrder) == {
        ("items[50].quantity", "must be an integer"),
        ("items", "must hold between 1 and 50 items"),
    }


def test_items_that_are_not_a_list_are_one_problem_not_two() -> None:
    body = {"customerName": "", "customerPhone": "+14155550123", "paymentMethod": "card", "items": "x"}
    assert problems(body, PlaceOrder) == {("items", "must be a JSON array"),
                                          ("customer_name", "must not be empty")}


@pytest.mark.parametrize(("kind", "body", "expected"), [
    (EditOrder, {"customerName": 5, "notes": "a\x00"},
     {("customer_name", "must be a string"), ("notes", "must not contain control characters")}),
    (StatusChange, {"status": "later", "reason": "y" * 501},
     {("status", "must be one of received, preparing, ready, completed, cancelled"),
      ("reason", "must be at most 500 characters")}),
    (NewMenuItem, {"name": " ", "priceCents": "5"},
     {("price_cents", "must be an integer"), ("name", "must not be empty")}),
    (EditMenuItem, {"name": 5, "priceCents": -1},
     {("name", "must be a string"), ("price_cents", "must be between 0 and 10000000")}),
])
def test_every_command_a_client_sends_gets_its_rules_checked_beside_its_types(
        kind: type, body: dict[str, Any], expected: set[tuple[str, str]]) -> None:
    assert problems(body, kind) == expected
