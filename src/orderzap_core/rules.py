"""Field rules, each returning the problems it finds (never raising), so a use case can report
every bad field of a request at once.

Paths use Python names (``items[2].quantity``); the HTTP shell renames them to camelCase.
"""

from __future__ import annotations

import re
import unicodedata

from orderzap_core.domain.contact import Email, PhoneNumber
from orderzap_core.errors import Problem

NAME_MAX = 100
TEXT_MAX = 500
MIN_ITEMS, MAX_ITEMS = 1, 50
MIN_QUANTITY, MAX_QUANTITY = 1, 99
MIN_PRICE_CENTS, MAX_PRICE_CENTS = 0, 10_000_000
PASSWORD_MIN, PASSWORD_MAX = 8, 1024

_ALLOWED_CONTROLS = {"\n", "\t"}
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
# Active ISO 4217 codes (2026), so "ABC" is refused rather than stored.
CURRENCIES = frozenset("""
AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD
CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD
GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT
LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR
NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP
STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG
XOF XPF YER ZAR ZMW ZWG
""".split())


def has_forbidden_controls(text: str) -> bool:
    """Whether ``text`` holds a control character other than newline and tab (NUL included)."""
    return any(
        unicodedata.category(ch) in ("Cc", "Cs") and ch not in _ALLOWED_CONTROLS for ch in text
    )


def is_visible(text: str) -> bool:
    """Whether ``text`` shows anything: not only spaces and invisible format characters
    (zero-width space, joiners, direction marks)."""
    return any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text)


def text(path: str, value: str | None, *, max_len: int = TEXT_MAX, required: bool = False,
         min_len: int = 0) -> list[Problem]:
    """Problems of a free text field: length bounds (after trimming, when required) and controls."""
    if value is None:
        return [Problem(path, "is required")] if required else []
    if has_forbidden_controls(value):
        return [Problem(path, "must not contain control characters")]
    length = len(value.strip()) if required else len(value)
    if length < max(min_len, 1 if required else 0) or (required and not is_visible(value)):
        return [Problem(path, "must not be empty")]
    if length > max_len:
        return [Problem(path, f"must be at most {max_len} characters")]
    return []


def name(path: str, value: str) -> list[Problem]:
    """A required name: 1–100 characters after trimming, no control characters."""
    return text(path, value, max_len=NAME_MAX, required=True)


def int_range(path: str, value: int, low: int, high: int) -> list[Problem]:
    """An integer within ``low``..``high`` inclusive."""
    if not low <= value <= high:
        return [Problem(path, f"must be between {low} and {high}")]
    return []


def quantity(path: str, value: int) -> list[Problem]:
    """A line quantity: 1–99."""
    return int_range(path, value, MIN_QUANTITY, MAX_QUANTITY)


def price_cents(path: str, value: int) -> list[Problem]:
    """A menu price in minor units: 0–10,000,000."""
    return int_range(path, value, MIN_PRICE_CENTS, MAX_PRICE_CENTS)


def normalise_phone(value: str) -> str | None:
    """``value`` in E.164, or None when it is not a valid phone number."""
    if has_forbidden_controls(value):
        return None
    try:
        return PhoneNumber.parse(value).e164
    except ValueError:
        return None


def phone(path: str, value: str) -> list[Problem]:
    """A phone number that normalises to E.164."""
    if normalise_phone(value) is None:
        return [Problem(path, "must be a valid phone number, e.g. +14155550123")]
    return []


def normalise_email(value: str) -> str:
    """An email address as stored: trimmed and lower-cased (valid or not: lookups use it too)."""
    return value.strip().lower()


def email(path: str, value: str) -> list[Problem]:
    """A plausible email address, at most 254 characters."""
    try:
        Email.parse(value)
    except ValueError:
        return [Problem(path, "must be a valid email address")]
    return [Problem(path, "must be a valid email address")] if has_forbidden_controls(value) else []


def slug(path: str, value: str) -> list[Problem]:
    """A restaurant slug: lower-case letters, digits and inner hyphens, 1–64 characters."""
    if not _SLUG.match(value):
        return [Problem(path, "must be 1-64 lower-case letters, digits or inner hyphens")]
    return []


def currency(path: str, value: str) -> list[Problem]:
    """An active ISO 4217 currency code."""
    if value not in CURRENCIES:
        return [Problem(path, "must be an ISO 4217 currency code such as USD")]
    return []


def password(path: str, value: str) -> list[Problem]:
    """A new password: 8–1024 characters, no control characters."""
    if has_forbidden_controls(value):
        return [Problem(path, "must not contain control characters")]
    if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
        return [Problem(path, f"must be between {PASSWORD_MIN} and {PASSWORD_MAX} characters")]
    return []
