"""Money: integer minor units of one currency; arithmetic never mixes currencies."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_core.domain.money import CurrencyMismatch, Money
from orderzap_core.domain.orders import Order, OrderItem, PaymentMethod
from orderzap_core.ids import MenuItemId, OrderId, OrderItemId, RestaurantId, UserId

currencies = st.sampled_from(["USD", "EUR", "JPY"])
cents = st.integers(min_value=-(10**15), max_value=10**15)


@st.composite
def amounts(draw: st.DrawFn, currency: str | None = None) -> Money:
    return Money(draw(cents), currency or draw(currencies))


def test_an_amount_keeps_its_cents_and_currency() -> None:
    assert Money(1150, "USD").cents == 1150
    assert Money(1150, "USD").currency == "USD"


def test_zero_is_nothing_in_a_currency() -> None:
    assert Money.zero("EUR") == Money(0, "EUR")


def test_amounts_of_one_currency_add_and_subtract() -> None:
    assert Money(1150, "USD") + Money(900, "USD") == Money(2050, "USD")
    assert Money(1150, "USD") - Money(1200, "USD") == Money(-50, "USD")


def test_an_amount_times_a_quantity_is_the_line_total() -> None:
    assert Money(1150, "USD") * 3 == Money(3450, "USD")
    assert 3 * Money(1150, "USD") == Money(3450, "USD")


@pytest.mark.parametrize("combine", [Money.__add__, Money.__sub__])
def test_two_currencies_never_mix(combine: object) -> None:
    with pytest.raises(CurrencyMismatch, match="cannot combine USD with EUR"):
        combine(Money(100, "USD"), Money(100, "EUR"))  # type: ignore[operator]


def test_a_float_is_not_an_amount() -> None:
    with pytest.raises(TypeError):
        Money(11.5, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("currency", ["usd", "US", "USDX", "", "12A"])
def test_a_currency_is_three_capital_letters(currency: str) -> None:
    with pytest.raises(ValueError):
        Money(100, currency)


@pytest.mark.parametrize("times", [True, 1.5, "2"])
def test_an_amount_is_multiplied_only_by_an_integer(times: object) -> None:
    with pytest.raises(TypeError):
        Money(100, "USD") * times  # type: ignore[operator]


def test_an_amount_adds_only_to_an_amount() -> None:
    with pytest.raises(TypeError):
        Money(100, "USD") + 5  # type: ignore[operator]


@given(amounts("USD"), amounts("USD"))
def test_addition_is_commutative(a: Money, b: Money) -> None:
    assert a + b == b + a


@given(amounts("USD"), amounts("USD"), amounts("USD"))
def test_addition_is_associative(a: Money, b: Money, c: Money) -> None:
    assert (a + b) + c == a + (b + c)


@given(amounts())
def test_zero_adds_nothing(a: Money) -> None:
    assert a + Money.zero(a.currency) == a


@given(amounts("EUR"), amounts("EUR"))
def test_subtracting_undoes_adding(a: Money, b: Money) -> None:
    assert a + b - b == a


@given(amounts("USD"), amounts("USD"), st.integers(min_value=0, max_value=10**6))
def test_multiplying_distributes_over_adding(a: Money, b: Money, n: int) -> None:
    assert (a + b) * n == a * n + b * n


@given(amounts("USD"), st.integers(min_value=0, max_value=60))
def test_multiplying_is_repeated_adding(a: Money, n: int) -> None:
    assert a * n == sum([a] * n, Money.zero("USD"))


@given(amounts("USD"), amounts("EUR"))
def test_a_mismatch_is_refused_whatever_the_amounts(a: Money, b: Money) -> None:
    with pytest.raises(CurrencyMismatch):
        a + b


@given(st.lists(st.tuples(st.integers(1, 99), st.integers(0, 10_000_000)), min_size=1, max_size=50))
def test_an_orders_total_is_exactly_the_sum_of_its_lines(lines: list[tuple[int, int]]) -> None:
    items = [OrderItem.priced(OrderItemId(UUID(int=i + 1)), MenuItemId(UUID(int=1000 + i)), f"dish {i}",
                              quantity, price)
             for i, (quantity, price) in enumerate(lines)]
    order, _ = Order.place(
        id=OrderId(UUID(int=1)), restaurant_id=RestaurantId(UUID(int=2)), order_number=1,
        customer_name="Ada", customer_phone="+14155550123", payment_method=PaymentMethod.CASH,
        notes=None, items=items, currency="USD", by=UserId(UUID(int=3)),
        at=datetime(2026, 11, 24, tzinfo=UTC))
    assert all(i.line_total_cents == i.quantity * i.unit_price_cents for i in order.items)
    assert order.total_cents == sum(q * p for q, p in lines)
    assert type(order.total_cents) is int
