"""Money: integer minor units plus an ISO 4217 currency; arithmetic never mixes currencies."""

from __future__ import annotations

from attrs import evolve, field, frozen, validators


class CurrencyMismatch(ValueError):
    """Two amounts of different currencies were combined."""

    def __init__(self, left: str, right: str) -> None:
        super().__init__(f"cannot combine {left} with {right}")


@frozen
class Money:
    """An amount in minor units (cents) of one currency."""

    cents: int = field(validator=validators.instance_of(int))
    currency: str = field(validator=validators.matches_re(r"[A-Z]{3}"))

    @classmethod
    def zero(cls, currency: str) -> Money:
        """Nothing, in ``currency``."""
        return cls(0, currency)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return evolve(self, cents=self.cents + other.cents)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            return NotImplemented
        if other.currency != self.currency:
            raise CurrencyMismatch(self.currency, other.currency)
        return evolve(self, cents=self.cents - other.cents)

    def __mul__(self, times: int) -> Money:
        # NOTE: bool is an int; a quantity of True is a bug, not 1.
        if not isinstance(times, int) or isinstance(times, bool):
            return NotImplemented
        return evolve(self, cents=self.cents * times)

    __rmul__ = __mul__
