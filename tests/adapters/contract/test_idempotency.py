"""Contract: idempotency records, the first answer to a key for 24 hours."""

from __future__ import annotations

from datetime import timedelta

from attrs import evolve

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.ports.idempotency import IDEMPOTENCY_TTL, IdempotencyRecord
from tests.adapters.contract.conftest import Backend

KEY = "order-7f3c ~!@#$%^&*()_+{}|:<>?"


def test_an_unknown_key_has_no_record(backend: Backend, restaurant: Restaurant) -> None:
    with backend.uow(restaurant.id) as uow:
        assert uow.idempotency.find(KEY, newer_than=backend.now() - IDEMPOTENCY_TTL) is None


def test_a_stored_answer_is_found_with_its_order_as_it_was(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id, 1)
    order = backend.place(restaurant.id, [dish])
    record = IdempotencyRecord(KEY, "f" * 64, order, backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.idempotency.put(record)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.idempotency.find(KEY, newer_than=record.created_at - IDEMPOTENCY_TTL) == record


def test_an_expired_record_is_not_found_and_may_be_replaced(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id, 1)
    first, second = (backend.place(restaurant.id, [dish]) for _ in range(2))
    old = IdempotencyRecord(KEY, "first", first, backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.idempotency.put(old)
        uow.commit()
    later = old.created_at + IDEMPOTENCY_TTL + timedelta(seconds=1)
    new = IdempotencyRecord(KEY, "second", second, later)
    with backend.uow(restaurant.id) as uow:
        assert uow.idempotency.find(KEY, newer_than=later - IDEMPOTENCY_TTL) is None
        uow.idempotency.put(new)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert uow.idempotency.find(KEY, newer_than=later - IDEMPOTENCY_TTL) == new


def test_keys_are_scoped_to_their_restaurant(backend: Backend) -> None:
    mine, theirs = backend.open_restaurant(), backend.open_restaurant()
    dish, = backend.add_dishes(theirs.id, 1)
    order = backend.place(theirs.id, [dish])
    record = IdempotencyRecord(KEY, "print", order, backend.now())
    with backend.uow(theirs.id) as uow:
        uow.idempotency.put(record)
        uow.commit()
    with backend.uow(mine.id) as uow:
        assert uow.idempotency.find(KEY, newer_than=record.created_at - IDEMPOTENCY_TTL) is None


def test_a_record_read_back_keeps_its_order_exactly(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id, 1)
    order = backend.place(restaurant.id, [dish])
    edited, _ = order.edit({"notes": "«quote» 'single' \"double\" \\ backslash 🧾"}, by=order.created_by,
                           at=backend.now())
    record = IdempotencyRecord(KEY, "print", edited, backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.idempotency.put(record)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        found = uow.idempotency.find(KEY, newer_than=record.created_at - IDEMPOTENCY_TTL)
    assert found is not None and found.order == edited
    assert evolve(found, order=order) == evolve(record, order=order)
