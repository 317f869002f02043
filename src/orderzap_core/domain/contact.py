"""Contact details as values: phone numbers in E.164 and email addresses, normalised once."""

from __future__ import annotations

import re

import phonenumbers
from attrs import frozen

#: Numbers written without a leading + are read as numbers of this region.
DEFAULT_PHONE_REGION = "US"
PHONE_MAX = 32
EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@frozen
class PhoneNumber:
    """A valid phone number, held in E.164 (``+14155550123``)."""

    e164: str

    @classmethod
    def parse(cls, text: str, region: str = DEFAULT_PHONE_REGION) -> PhoneNumber:
        """The number ``text`` denotes. Raises ValueError when it is not a valid phone number."""
        if len(text) > PHONE_MAX:
            raise ValueError("too long for a phone number")
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            raise ValueError("not a phone number") from None
        if not phonenumbers.is_valid_number(parsed):
            raise ValueError("not a valid phone number")
        return cls(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))

    def __str__(self) -> str:
        return self.e164


@frozen
class Email:
    """An email address as stored: trimmed and lower-cased."""

    address: str

    @classmethod
    def parse(cls, text: str) -> Email:
        """The address ``text`` denotes. Raises ValueError when it is not plausible."""
        cleaned = text.strip().lower()
        if len(cleaned) > EMAIL_MAX or not _EMAIL.match(cleaned):
            raise ValueError("not an email address")
        return cls(cleaned)

    def __str__(self) -> str:
        return self.address
