"""Restaurants, users and logins: one InvalidCredentials for every wrong value."""

from __future__ import annotations

from uuid import UUID

import pytest

from orderzap_core.commands import Login, NewRestaurant, NewUser
from orderzap_core.domain.accounts import Restaurant, Role
from orderzap_core.errors import Forbidden, InvalidCredentials, NotFound, Unauthenticated, ValidationFailed
from orderzap_core.ids import OPERATOR_ID, UserId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from tests.core.builders import PASSWORD, join, random_slug

EMAIL = "ada@example.com"


def problems_of(call: object, *args: object) -> list[tuple[str, str]]:
    with pytest.raises(ValidationFailed) as caught:
        call(*args)  # type: ignore[operator]
    return [(p.field, p.message) for p in caught.value.problems]


@pytest.fixture
def ada(oz: Services, restaurant: Restaurant) -> Principal:
    """A staff member who logs in as ada@example.com."""
    return join(oz, restaurant, Role.STAFF, email=EMAIL)


# --- restaurants -------------------------------------------------------------------------------------

def test_an_operator_opens_a_restaurant(oz: Services) -> None:
    slug = random_slug()
    restaurant = oz.accounts.create_restaurant(NewRestaurant("  Trattoria da Ada ", slug, "EUR"))
    assert (restaurant.name, restaurant.slug, restaurant.currency) == ("Trattoria da Ada", slug, "EUR")
    assert oz.accounts.restaurant(slug) == restaurant
    assert restaurant in oz.accounts.list_restaurants()


def test_every_bad_field_of_a_new_restaurant_is_named(oz: Services) -> None:
    assert problems_of(oz.accounts.create_restaurant, NewRestaurant("", "Bad Slug", "usd")) == [
        ("name", "must not be empty"),
        ("slug", "must be 1-64 lower-case letters, digits or inner hyphens"),
        ("currency", "must be an ISO 4217 currency code such as USD"),
    ]


@pytest.mark.parametrize(("name", "message"), [
    ("Trattoria\x00", "must not contain control characters"), ("x" * 101, "must be at most 100 characters")])
def test_a_refused_restaurant_is_not_created(oz: Services, name: str, message: str) -> None:
    before = list(oz.accounts.list_restaurants())
    slug = random_slug()
    assert problems_of(oz.accounts.create_restaurant, NewRestaurant(name, slug)) == [("name", message)]
    assert list(oz.accounts.list_restaurants()) == before
    with pytest.raises(NotFound):
        oz.accounts.restaurant(slug)


def test_a_slug_belongs_to_one_restaurant(oz: Services, restaurant: Restaurant) -> None:
    assert problems_of(oz.accounts.create_restaurant, NewRestaurant("Copy", restaurant.slug)) == [
        ("slug", "is already taken")]
    assert oz.accounts.restaurant(restaurant.slug) == restaurant


def test_an_unknown_slug_is_not_found(oz: Services) -> None:
    with pytest.raises(NotFound, match="restaurant not found"):
        oz.accounts.restaurant(random_slug())


def test_an_operator_acts_as_an_admin_without_a_user(oz: Services, restaurant: Restaurant) -> None:
    assert oz.accounts.operator(restaurant.slug) == Principal(OPERATOR_ID, restaurant.id, Role.ADMIN)


# --- users -------------------------------------------------------------------------------------------

def test_an_admin_adds_a_user_with_a_lower_cased_email(oz: Services, admin: Principal,
                                                       restaurant: Restaurant) -> None:
    user = oz.accounts.create_user(admin, NewUser("  Grace@Example.COM ", Role.STAFF, PASSWORD))
    assert (user.email, user.role, user.restaurant_id) == ("grace@example.com", Role.STAFF, restaurant.id)
    assert user.password_hash != PASSWORD
    assert oz.accounts.user_by_email(restaurant.slug, "GRACE@example.com") == (user, restaurant)


@pytest.mark.parametrize("role", ["staff", "customer"])
def test_only_an_admin_adds_users(oz: Services, request: pytest.FixtureRequest, role: str) -> None:
    with pytest.raises(Forbidden, match="only an admin may create users"):
        oz.accounts.create_user(request.getfixturevalue(role), NewUser("x@example.com", Role.ADMIN, PASSWORD))


def test_every_bad_field_of_a_new_user_is_named(oz: Services, admin: Principal) -> None:
    assert problems_of(oz.accounts.create_user, admin, NewUser("not-an-email", Role.STAFF, "short")) == [
        ("email", "must be a valid email address"), ("password", "must be between 8 and 1024 characters")]


def test_an_email_belongs_to_one_user_of_a_restaurant(oz: Services, admin: Principal, ada: Principal) -> None:
    again = NewUser("ADA@example.com", Role.CUSTOMER, PASSWORD)
    assert problems_of(oz.accounts.create_user, admin, again) == [
        ("email", "is already a user of this restaurant")]


def test_a_refused_user_is_not_created(oz: Services, admin: Principal, restaurant: Restaurant) -> None:
    with pytest.raises(ValidationFailed):
        oz.accounts.create_user(admin, NewUser("grace@example.com", Role.STAFF, "pass\x00word"))
    with pytest.raises(NotFound):
        oz.accounts.user_by_email(restaurant.slug, "grace@example.com")


def test_the_same_email_may_be_a_user_of_another_restaurant(oz: Services, ada: Principal,
                                                            rival_admin: Principal) -> None:
    assert oz.accounts.create_user(rival_admin, NewUser(EMAIL, Role.CUSTOMER, PASSWORD)).email == EMAIL


def test_an_unknown_user_is_not_found(oz: Services, restaurant: Restaurant) -> None:
    with pytest.raises(NotFound, match="user not found"):
        oz.accounts.user_by_email(restaurant.slug, "nobody@example.com")


# --- login -------------------------------------------------------------------------------------------

def test_a_user_logs_in_with_slug_email_and_password(oz: Services, restaurant: Restaurant,
                                                     ada: Principal) -> None:
    user, at = oz.accounts.authenticate(Login(restaurant.slug, EMAIL, PASSWORD))
    assert (user.id, user.role, at) == (ada.user_id, Role.STAFF, restaurant)


def test_the_email_of_a_login_is_not_case_sensitive(oz: Services, restaurant: Restaurant,
                                                    ada: Principal) -> None:
    user, _ = oz.accounts.authenticate(Login(restaurant.slug, " ADA@Example.com ", PASSWORD))
    assert user.id == ada.user_id


@pytest.mark.parametrize(("slug", "email", "password"), [
    ("unknown-restaurant", EMAIL, PASSWORD),
    ("NOT A SLUG", EMAIL, PASSWORD),
    ("", EMAIL, PASSWORD),
    (None, "nobody@example.com", PASSWORD),
    (None, "", PASSWORD),
    (None, "ada\x00@example.com", PASSWORD),
    (None, EMAIL, "wrong password"),
    (None, EMAIL, ""),
    (None, EMAIL, PASSWORD.upper()),
    (None, EMAIL, PASSWORD + "\x00"),
], ids=["unknown slug", "malformed slug", "empty slug", "unknown email", "empty email", "NUL in email",
        "wrong password", "empty password", "password in capitals", "NUL in password"])
def test_every_wrong_value_of_a_login_is_the_same_invalid_credentials(
        oz: Services, restaurant: Restaurant, ada: Principal, slug: str | None, email: str,
        password: str) -> None:
    with pytest.raises(InvalidCredentials) as caught:
        oz.accounts.authenticate(Login(restaurant.slug if slug is None else slug, email, password))
    assert (caught.value.code, caught.value.message) == (
        "INVALID_CREDENTIALS", "invalid restaurant, email or password")


def test_a_user_of_another_restaurant_cannot_log_in_here(oz: Services, restaurant: Restaurant,
                                                         rival: Restaurant, ada: Principal) -> None:
    with pytest.raises(InvalidCredentials):
        oz.accounts.authenticate(Login(rival.slug, EMAIL, PASSWORD))


# --- identity ----------------------------------------------------------------------------------------

def test_me_is_the_caller_and_its_restaurant(oz: Services, restaurant: Restaurant, ada: Principal) -> None:
    user, at = oz.accounts.me(ada)
    assert (user.id, user.email, at) == (ada.user_id, EMAIL, restaurant)


@pytest.mark.parametrize("change", ["another role", "another restaurant", "no such user"])
def test_a_principal_whose_user_is_gone_or_changed_is_unauthenticated(oz: Services, ada: Principal,
                                                                      rival: Restaurant, change: str) -> None:
    stale = {
        "another role": Principal(ada.user_id, ada.restaurant_id, Role.ADMIN),
        "another restaurant": Principal(ada.user_id, rival.id, Role.STAFF),
        "no such user": Principal(UserId(UUID(int=999_999)), ada.restaurant_id, Role.STAFF),
    }[change]
    with pytest.raises(Unauthenticated):
        oz.accounts.me(stale)
