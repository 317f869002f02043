"""Field rules: each returns every problem it finds with its message, and never raises."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_core import rules
from orderzap_core.errors import Problem, ValidationFailed

CONTROLS = ["\x00", "\x07", "\x1b", "\r", "\x7f", "\x85", "\ud800"]
CONTROL_IDS = ["NUL", "BEL", "ESC", "CR", "DEL", "NEL", "lone surrogate"]


def messages(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in problems]


# --- free text -------------------------------------------------------------------------------------

def test_an_absent_optional_text_is_fine() -> None:
    assert rules.text("notes", None) == []


def test_an_absent_required_text_is_required() -> None:
    assert messages(rules.text("notes", None, required=True)) == [("notes", "is required")]


def test_an_empty_optional_text_is_fine() -> None:
    assert rules.text("notes", "") == []


@pytest.mark.parametrize("control", CONTROLS, ids=CONTROL_IDS)
def test_a_text_with_a_control_character_is_refused(control: str) -> None:
    assert messages(rules.text("notes", f"extra{control}cheese")) == [
        ("notes", "must not contain control characters")]


def test_newline_and_tab_are_the_control_characters_a_text_may_hold() -> None:
    assert rules.text("notes", "line one\nline two\tindented") == []


def test_a_text_is_at_most_500_characters() -> None:
    assert rules.text("notes", "x" * 500) == []
    assert messages(rules.text("notes", "x" * 501)) == [("notes", "must be at most 500 characters")]


# --- names -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["", " ", " \t\n ", "\u200b", " \u200d\u200e\u2060 ", "\ufeff"])
def test_a_name_that_is_empty_after_trimming_is_refused(value: str) -> None:
    assert messages(rules.name("customer_name", value)) == [("customer_name", "must not be empty")]


@pytest.mark.parametrize("value", ["A", "x" * 100, "  " + "x" * 100 + "  ", "\u200fשלום", "👩\u200d🍳"])
def test_a_name_of_1_to_100_characters_after_trimming_is_fine(value: str) -> None:
    assert rules.name("customer_name", value) == []


@pytest.mark.parametrize("length", [101, 500])
def test_a_name_over_100_characters_is_refused(length: int) -> None:
    assert messages(rules.name("customer_name", "x" * length)) == [
        ("customer_name", "must be at most 100 characters")]


@pytest.mark.parametrize("control", CONTROLS, ids=CONTROL_IDS)
def test_a_name_with_a_control_character_is_refused(control: str) -> None:
    assert messages(rules.name("name", f"Ada{control}")) == [("name", "must not contain control characters")]


@given(st.text(alphabet=st.characters(categories=["Cc"], exclude_characters="\n\t"), min_size=1),
       st.text(max_size=20), st.text(max_size=20))
def test_any_forbidden_control_character_anywhere_is_found(controls: str, before: str, after: str) -> None:
    assert rules.has_forbidden_controls(before + controls + after)


@given(st.text(alphabet=st.characters(exclude_categories=["Cc", "Cs"], include_characters="\n\t")))
def test_text_without_control_characters_other_than_newline_and_tab_passes(value: str) -> None:
    assert not rules.has_forbidden_controls(value)


# --- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [0, -1, 100, 10**12, -(10**12)])
def test_a_quantity_outside_1_to_99_is_refused(value: int) -> None:
    assert messages(rules.quantity("items[0].quantity", value)) == [
        ("items[0].quantity", "must be between 1 and 99")]


@pytest.mark.parametrize("value", [1, 2, 99])
def test_a_quantity_of_1_to_99_is_fine(value: int) -> None:
    assert rules.quantity("items[0].quantity", value) == []


@pytest.mark.parametrize("value", [-1, 10_000_001, 10**12, -(10**12)])
def test_a_price_outside_0_to_ten_million_cents_is_refused(value: int) -> None:
    assert messages(rules.price_cents("price_cents", value)) == [
        ("price_cents", "must be between 0 and 10000000")]


@pytest.mark.parametrize("value", [0, 1150, 10_000_000])
def test_a_price_of_0_to_ten_million_cents_is_fine(value: int) -> None:
    assert rules.price_cents("price_cents", value) == []


@given(st.integers(), st.integers(-100, 100), st.integers(-100, 100))
def test_an_integer_is_in_range_exactly_when_between_the_bounds(value: int, low: int, high: int) -> None:
    assert (rules.int_range("n", value, low, high) == []) is (low <= value <= high)


# --- phones ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["", "not a number", "12", "+1 415 555 012x", "555", "+999 123",
                                   "+1415555012345678901234567890123", "+1415\x005550123", "١٢٣"])
def test_a_phone_that_is_not_a_phone_number_is_refused(value: str) -> None:
    assert messages(rules.phone("customer_phone", value)) == [
        ("customer_phone", "must be a valid phone number, e.g. +14155550123")]
    assert rules.normalise_phone(value) is None


@pytest.mark.parametrize(("value", "e164"), [
    ("+14155550123", "+14155550123"),
    ("(415) 555-0123", "+14155550123"),
    ("415.555.0123", "+14155550123"),
    ("+44 20 7946 0958", "+442079460958"),
    ("+49 30 901820", "+4930901820"),
])
def test_a_phone_number_is_stored_in_e164(value: str, e164: str) -> None:
    assert rules.phone("customer_phone", value) == []
    assert rules.normalise_phone(value) == e164


# --- accounts --------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["", "ada", "ada@", "@example.com", "ada@example", "a da@example.com",
                                   "ada@@example.com", "ada\x00@example.com", "x" * 65 + "@example.com",
                                   "ada@" + "x" * 250 + ".com"])
def test_an_email_that_is_not_plausible_is_refused(value: str) -> None:
    assert messages(rules.email("email", value)) == [("email", "must be a valid email address")]


def test_an_email_is_stored_trimmed_and_lower_cased() -> None:
    assert rules.email("email", "  Ada@Example.COM ") == []
    assert rules.normalise_email("  Ada@Example.COM ") == "ada@example.com"


@pytest.mark.parametrize("value", ["", "-trattoria", "trattoria-", "Trattoria", "trat toria", "trättoria",
                                   "x" * 65, "trat_toria"])
def test_a_slug_that_is_not_lower_case_letters_digits_and_inner_hyphens_is_refused(value: str) -> None:
    assert messages(rules.slug("slug", value)) == [
        ("slug", "must be 1-64 lower-case letters, digits or inner hyphens")]


@pytest.mark.parametrize("value", ["a", "trattoria-da-ada", "x" * 64, "42"])
def test_a_slug_of_lower_case_letters_digits_and_inner_hyphens_is_fine(value: str) -> None:
    assert rules.slug("slug", value) == []


@pytest.mark.parametrize("value", ["usd", "ABC", "US", "", "XXX"])
def test_a_currency_that_is_not_an_active_iso_4217_code_is_refused(value: str) -> None:
    assert messages(rules.currency("currency", value)) == [
        ("currency", "must be an ISO 4217 currency code such as USD")]


@pytest.mark.parametrize("value", ["USD", "EUR", "JPY", "CHF"])
def test_an_active_iso_4217_code_is_a_currency(value: str) -> None:
    assert rules.currency("currency", value) == []


@pytest.mark.parametrize("value", ["", "short", "x" * 7, "x" * 1025])
def test_a_password_outside_8_to_1024_characters_is_refused(value: str) -> None:
    assert messages(rules.password("password", value)) == [
        ("password", "must be between 8 and 1024 characters")]


def test_a_password_with_a_control_character_is_refused() -> None:
    assert messages(rules.password("password", "correct\x00horse")) == [
        ("password", "must not contain control characters")]


@pytest.mark.parametrize("value", ["x" * 8, "x" * 1024, "correct horse battery staple"])
def test_a_password_of_8_to_1024_characters_is_fine(value: str) -> None:
    assert rules.password("password", value) == []


# --- the error that carries them -------------------------------------------------------------------

def test_a_validation_failure_carries_every_problem_in_order() -> None:
    error = ValidationFailed([Problem("a", "x"), Problem("b", "y")])
    assert error.problems == (Problem("a", "x"), Problem("b", "y"))
    assert (error.code, error.message) == ("VALIDATION_ERROR", "request validation failed")


def test_a_validation_failure_needs_a_problem() -> None:
    with pytest.raises(ValueError):
        ValidationFailed([])


def test_a_validation_failure_of_one_problem() -> None:
    error = ValidationFailed.one("name", "must not be empty")
    assert error.problems == (Problem("name", "must not be empty"),)
