"""Idempotency keys: the same key and body replay the first order; another body or user conflicts;
a failed request stores nothing; keys are scoped to the restaurant and kept 24 hours."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orderzap_adapters.memory.system import TickingClock
from orderzap_core.commands import EditMenuItem, StatusChange
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import BadRequest, IdempotencyConflict, ValidationFailed
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.core.builders import an_order, line


def pending(oz: Services) -> int:
    return oz.outbox.stats(oz.clock.now()).pending


def test_the_same_key_and_body_replay_the_first_order(oz: Services, customer: Principal,
                                                      margherita: MenuItem) -> None:
    body = an_order(line(margherita, 2))
    first = oz.orders.place(customer, body, idempotency_key="k-1")
    outbox = pending(oz)
    again = oz.orders.place(customer, body, idempotency_key="k-1")
    assert (first.replayed, again.replayed) == (False, True)
    assert again.order == first.order
    assert pending(oz) == outbox, "a replay writes nothing"
    assert oz.orders.place(customer, body).order.order_number == 2, "a replay burns no order number"


def test_a_replay_answers_the_first_response_even_after_the_order_changed(oz: Services, staff: Principal,
                                                                          margherita: MenuItem) -> None:
    body = an_order(line(margherita))
    first = oz.orders.place(staff, body, idempotency_key="k").order
    oz.orders.change_status(staff, first.id, StatusChange(OrderStatus.PREPARING))
    assert oz.orders.place(staff, body, idempotency_key="k").order == first


def test_the_same_key_with_another_body_is_a_conflict(oz: Services, customer: Principal, margherita: MenuItem,
                                                      marinara: MenuItem) -> None:
    oz.orders.place(customer, an_order(line(margherita)), idempotency_key="k")
    outbox = pending(oz)
    with pytest.raises(IdempotencyConflict, match="another request"):
        oz.orders.place(customer, an_order(line(marinara)), idempotency_key="k")
    with pytest.raises(IdempotencyConflict):
        oz.orders.place(customer, an_order(line(margherita), notes="x"), idempotency_key="k")
    assert pending(oz) == outbox


def test_the_same_key_from_another_user_of_the_restaurant_is_a_conflict(oz: Services, customer: Principal,
                                                                        other_customer: Principal,
                                                                        margherita: MenuItem) -> None:
    body = an_order(line(margherita))
    oz.orders.place(customer, body, idempotency_key="k")
    with pytest.raises(IdempotencyConflict):
        oz.orders.place(other_customer, body, idempotency_key="k")


def test_keys_are_scoped_to_the_restaurant(oz: Services, staff: Principal, margherita: MenuItem,
                                           rival_staff: Principal, rival_dish: MenuItem) -> None:
    mine = oz.orders.place(staff, an_order(line(margherita)), idempotency_key="shared").order
    theirs = oz.orders.place(rival_staff, an_order(line(rival_dish)), idempotency_key="shared")
    assert not theirs.replayed
    assert theirs.order.restaurant_id != mine.restaurant_id


def test_a_failed_request_stores_nothing_so_the_client_may_correct_it(oz: Services, staff: Principal,
                                                                      admin: Principal,
                                                                      sold_out: MenuItem) -> None:
    body = an_order(line(sold_out))
    with pytest.raises(ValidationFailed):
        oz.orders.place(staff, body, idempotency_key="k")
    oz.menu.edit(admin, sold_out.id, EditMenuItem(is_available=True))
    placed = oz.orders.place(staff, body, idempotency_key="k")
    assert (placed.replayed, placed.order.order_number) == (False, 1)


def test_a_bad_body_with_a_used_key_is_a_validation_failure(oz: Services, staff: Principal,
                                                            margherita: MenuItem) -> None:
    oz.orders.place(staff, an_order(line(margherita)), idempotency_key="k")
    with pytest.raises(ValidationFailed):
        oz.orders.place(staff, an_order(line(margherita, 0)), idempotency_key="k")


def test_a_key_is_kept_for_24_hours(oz: Services, clock: TickingClock, staff: Principal,
                                    margherita: MenuItem) -> None:
    body = an_order(line(margherita))
    first = oz.orders.place(staff, body, idempotency_key="k").order
    clock.advance(timedelta(hours=23, minutes=59))
    assert oz.orders.place(staff, body, idempotency_key="k").order == first
    clock.advance(timedelta(minutes=2))
    fresh = oz.orders.place(staff, body, idempotency_key="k")
    assert (fresh.replayed, fresh.order.order_number) == (False, 2)
    assert oz.orders.place(staff, body, idempotency_key="k").order == fresh.order


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\tkey", "nul\x00", "new\nline", "\x7f"])
def test_a_malformed_key_is_a_bad_request(oz: Services, staff: Principal, margherita: MenuItem,
                                          key: str) -> None:
    with pytest.raises(BadRequest, match="Idempotency-Key must be 1-255 printable ASCII characters"):
        oz.orders.place(staff, an_order(line(margherita)), idempotency_key=key)
    assert pending(oz) == 0


@pytest.mark.parametrize("key", ["a", "x" * 255, "order 42 / try #1 ~"])
def test_a_key_of_1_to_255_printable_ascii_characters_is_accepted(oz: Services, staff: Principal,
                                                                  margherita: MenuItem, key: str) -> None:
    assert not oz.orders.place(staff, an_order(line(margherita)), idempotency_key=key).replayed
    assert oz.orders.place(staff, an_order(line(margherita)), idempotency_key=key).replayed
