"""Contract: restaurants and their users."""

from __future__ import annotations

import pytest

from orderzap_core.domain.accounts import Restaurant, Role
from orderzap_core.errors import Problem, ValidationFailed
from tests.adapters.contract.conftest import Backend
from tests.adapters.samples import a_restaurant, a_user


def test_a_restaurant_reads_back_as_it_was_created(backend: Backend) -> None:
    restaurant = backend.open_restaurant(name="Ristorante «Lüm» 🍕 مطعم", currency="EUR")
    with backend.uow(restaurant.id) as uow:
        assert uow.restaurant.get() == restaurant


def test_a_new_restaurant_starts_its_order_numbers_at_one(backend: Backend, restaurant: Restaurant) -> None:
    with backend.uow(restaurant.id) as uow:
        assert uow.orders.next_number() == 1


def test_a_taken_slug_is_a_validation_error_on_slug(backend: Backend, restaurant: Restaurant) -> None:
    twin = a_restaurant(backend.now())
    twin = type(twin)(twin.id, "Twin", restaurant.slug, "USD", twin.created_at)
    with pytest.raises(ValidationFailed) as refused, backend.uow(twin.id) as uow:
        uow.restaurant.add(twin)
        uow.commit()
    assert refused.value.problems == (Problem("slug", "is already taken"),)
    with backend.uow(twin.id) as uow:
        assert uow.restaurant.get() is None


def test_users_read_back_by_id_and_email_and_list_oldest_first(backend: Backend,
                                                               restaurant: Restaurant) -> None:
    users = [a_user(restaurant.id, backend.now(), role=role) for role in Role]
    with backend.uow(restaurant.id) as uow:
        for user in reversed(users):
            uow.users.add(user)
        uow.commit()
    with backend.uow(restaurant.id) as uow:
        assert [uow.users.get(u.id) for u in users] == users
        assert [uow.users.by_email(u.email) for u in users] == users
        assert list(uow.users.list()) == users
        assert uow.users.by_email("nobody@example.com") is None


def test_an_email_is_unique_within_a_restaurant_only(backend: Backend) -> None:
    first, second = backend.open_restaurant(), backend.open_restaurant()
    user = a_user(first.id, backend.now())
    with backend.uow(first.id) as uow:
        uow.users.add(user)
        uow.commit()
    with pytest.raises(ValidationFailed) as refused, backend.uow(first.id) as uow:
        uow.users.add(a_user(first.id, backend.now(), email=user.email))
        uow.commit()
    assert refused.value.problems == (Problem("email", "is already a user of this restaurant"),)
    elsewhere = a_user(second.id, backend.now(), email=user.email)
    with backend.uow(second.id) as uow:
        uow.users.add(elsewhere)
        uow.commit()
    with backend.uow(second.id) as uow:
        assert uow.users.by_email(user.email) == elsewhere


@pytest.mark.parametrize("email", ["ada\x00@example.com", "x" * 10_000, "'; DROP TABLE users; --"])
def test_looking_up_an_impossible_email_finds_nobody(backend: Backend,
                                                     restaurant: Restaurant, email: str) -> None:
    with backend.uow(restaurant.id) as uow:
        assert uow.users.by_email(email) is None
