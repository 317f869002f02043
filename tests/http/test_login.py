"""POST /v1/auth/login and GET /v1/me."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import falcon.testing
import jwt
import pytest
from attrs import evolve

from orderzap_adapters.memory import MemoryWorld
from orderzap_core.commands import NewUser
from orderzap_core.domain.accounts import Role
from orderzap_core.ids import UserId
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.settings import Settings
from orderzap_http.tokens import TokenService
from tests.http.support import PASSWORD, Tenant, assert_error, fields_of, http_settings, nothing_changes


def login(client: falcon.testing.TestClient, **body: object) -> falcon.testing.Result:
    return client.simulate_post("/v1/auth/login", json=body)


def test_a_login_answers_a_token_for_the_user(
        client: falcon.testing.TestClient, tenant: Tenant, settings: Settings) -> None:
    result = login(client, restaurantSlug=tenant.restaurant.slug, email="Staff@Example.com ",
                   password=PASSWORD)
    assert result.status_code == 200
    data = result.json["data"]
    assert data["user"] == {"id": str(tenant.staff.user.id), "email": "staff@example.com", "role": "staff",
                            "restaurantId": str(tenant.restaurant.id)}
    assert "passwordHash" not in result.text and "plain$" not in result.text
    assert data["expiresAt"].endswith("Z")
    principal = TokenService(settings).verify(data["token"])
    assert principal.user_id == tenant.staff.user.id
    me = client.simulate_get("/v1/me", headers={"Authorization": f"Bearer {data['token']}"})
    assert me.status_code == 200


def test_a_login_token_lives_as_long_as_jwt_expires_in(
        oz: Services, tenant: Tenant) -> None:
    client = falcon.testing.TestClient(create_app(oz, http_settings(jwt_expires_in=timedelta(hours=12))))
    data = login(client, restaurantSlug=tenant.restaurant.slug, email="staff@example.com",
                 password=PASSWORD).json["data"]
    claims = jwt.decode(data["token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 12 * 3600


@pytest.mark.parametrize("wrong", [
    {"password": "wrong password"}, {"password": ""}, {"email": "nobody@example.com"},
    {"email": "bad\x00@example.com"}, {"restaurantSlug": "no-such-restaurant"},
    {"restaurantSlug": "NOT A SLUG"}, {"email": ""},
])
def test_every_wrong_value_is_the_same_invalid_credentials(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, wrong: dict[str, str]) -> None:
    body = {"restaurantSlug": tenant.restaurant.slug, "email": "staff@example.com", "password": PASSWORD,
            **wrong}
    with nothing_changes(world):
        error = assert_error(login(client, **body), 401, "INVALID_CREDENTIALS")
    assert error["message"] == "invalid restaurant, email or password"


def test_a_user_of_another_restaurant_cannot_log_in_here(
        client: falcon.testing.TestClient, tenant: Tenant, rival: Tenant, oz: Services) -> None:
    oz.accounts.create_user(oz.accounts.operator(rival.restaurant.slug),
                            NewUser("only-there@example.com", Role.ADMIN, PASSWORD))
    assert_error(login(client, restaurantSlug=tenant.restaurant.slug, email="only-there@example.com",
                       password=PASSWORD), 401, "INVALID_CREDENTIALS")


@pytest.mark.parametrize("missing", ["restaurantSlug", "email", "password"])
def test_a_login_body_missing_a_field_is_a_validation_error(
        client: falcon.testing.TestClient, tenant: Tenant, missing: str) -> None:
    body = {"restaurantSlug": tenant.restaurant.slug, "email": "staff@example.com", "password": PASSWORD}
    del body[missing]
    assert fields_of(assert_error(login(client, **body), 422, "VALIDATION_ERROR")) == [missing]


def test_a_login_with_a_number_for_a_password_is_a_validation_error(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    result = login(client, restaurantSlug=tenant.restaurant.slug, email="staff@example.com",
                   password=12345678)
    assert fields_of(assert_error(result, 422, "VALIDATION_ERROR")) == ["password"]


def test_login_needs_no_token_and_ignores_a_bad_one(
        client: falcon.testing.TestClient, tenant: Tenant) -> None:
    result = client.simulate_post("/v1/auth/login", headers={"Authorization": "Bearer garbage"}, json={
        "restaurantSlug": tenant.restaurant.slug, "email": "admin@example.com", "password": PASSWORD})
    assert result.status_code == 200


@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_me_names_the_caller_and_its_restaurant(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    result = client.simulate_get("/v1/me", headers=tenant.headers(role))
    assert result.status_code == 200
    user = tenant.member(role).user
    assert result.json["data"] == {
        "user": {"id": str(user.id), "email": user.email, "role": role},
        "restaurant": {"id": str(tenant.restaurant.id), "name": tenant.restaurant.name,
                       "slug": tenant.restaurant.slug, "currency": "USD"},
    }


def test_me_with_a_token_of_a_user_that_does_not_exist_is_unauthenticated(
        client: falcon.testing.TestClient, tenant: Tenant, settings: Settings) -> None:
    ghost = evolve(tenant.staff.user, id=UserId(uuid4()))
    token = TokenService(settings).issue(ghost, tenant.restaurant).token
    assert_error(client.simulate_get("/v1/me", headers={"Authorization": f"Bearer {token}"}),
                 401, "UNAUTHENTICATED")


def test_me_with_a_token_claiming_a_role_the_user_does_not_have_is_unauthenticated(
        client: falcon.testing.TestClient, tenant: Tenant, settings: Settings) -> None:
    promoted = evolve(tenant.staff.user, role=Role.ADMIN)
    token = TokenService(settings).issue(promoted, tenant.restaurant).token
    assert_error(client.simulate_get("/v1/me", headers={"Authorization": f"Bearer {token}"}),
                 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("role", ["admin", "staff", "customer"])
def test_the_realtime_token_is_not_found_while_no_mirror_is_configured(
        client: falcon.testing.TestClient, tenant: Tenant, role: str) -> None:
    assert_error(client.simulate_post("/v1/realtime/token", headers=tenant.headers(role)), 404, "NOT_FOUND")
