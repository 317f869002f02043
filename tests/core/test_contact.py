"""Contact details as values: phone numbers in E.164, email addresses trimmed and lower-cased."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_core.domain.contact import Email, PhoneNumber


@pytest.mark.parametrize(("text", "e164"), [
    ("+14155550123", "+14155550123"), ("(415) 555-0123", "+14155550123"),
    ("+44 20 7946 0958", "+442079460958")])
def test_a_phone_number_is_held_in_e164(text: str, e164: str) -> None:
    number = PhoneNumber.parse(text)
    assert (number.e164, str(number)) == (e164, e164)


@pytest.mark.parametrize("text", ["", "call me", "12", "+1 415 555 01234 5", "+" + "1" * 40])
def test_text_that_is_no_phone_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        PhoneNumber.parse(text)


def test_a_number_without_a_country_code_is_read_as_a_us_number() -> None:
    assert PhoneNumber.parse("415-555-0123").e164 == "+14155550123"
    assert PhoneNumber.parse("020 7946 0958", region="GB").e164 == "+442079460958"


@given(st.text(max_size=40))
def test_a_parsed_phone_number_parses_to_itself(text: str) -> None:
    try:
        number = PhoneNumber.parse(text)
    except ValueError:
        return
    assert PhoneNumber.parse(number.e164) == number


def test_an_email_is_held_trimmed_and_lower_cased() -> None:
    email = Email.parse("  Ada.Lovelace@Example.COM ")
    assert (email.address, str(email)) == ("ada.lovelace@example.com", "ada.lovelace@example.com")


@pytest.mark.parametrize("text", ["", "ada", "ada@example", "@example.com", "a b@example.com",
                                  "ada@" + "x" * 250 + ".com"])
def test_text_that_is_no_email_address_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Email.parse(text)
