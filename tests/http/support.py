"""Builders and assertions shared by the HTTP tests."""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import falcon.testing
from attrs import frozen

from orderzap_adapters.memory import MemoryWorld
from orderzap_core.commands import NewMenuItem, NewRestaurant, NewUser
from orderzap_core.domain.accounts import Restaurant, Role, User
from orderzap_core.domain.menu import MenuItem
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from orderzap_http.settings import Settings
from orderzap_http.tokens import TokenService

SECRET = "http-tests-secret-" + "s" * 32
ORIGIN = "https://kitchen.example"
PHONE = "+14155550123"
PASSWORD = "correct horse battery"


def http_settings(**changes: Any) -> Settings:
    """Settings for the app under test: a 32+ byte secret and one allowed origin."""
    return Settings(**{"jwt_secret": SECRET, "allowed_origins": (ORIGIN,), **changes})


@frozen
class Member:
    """A user of a restaurant with a valid token."""

    user: User
    token: str

    @property
    def principal(self) -> Principal:
        """The user as a principal."""
        return Principal(self.user.id, self.user.restaurant_id, self.user.role)

    @property
    def headers(self) -> dict[str, str]:
        """The Authorization header."""
        return {"Authorization": f"Bearer {self.token}"}


@frozen
class Tenant:
    """A restaurant of one test: an admin, a staff member, two customers and a small menu."""

    restaurant: Restaurant
    admin: Member
    staff: Member
    customer: Member
    other_customer: Member
    pizza: MenuItem
    pasta: MenuItem
    unavailable: MenuItem

    def member(self, role: str) -> Member:
        """The member named ``admin``, ``staff``, ``customer`` or ``other_customer``."""
        member: Member = getattr(self, role)
        return member

    def headers(self, role: str) -> dict[str, str]:
        """The Authorization header of a role."""
        return self.member(role).headers


def open_tenant(oz: Services, settings: Settings) -> Tenant:
    """A new restaurant with a random slug, its users and menu."""
    slug = f"http-{secrets.token_hex(6)}"
    restaurant = oz.accounts.create_restaurant(NewRestaurant(f"Diner {slug}", slug))
    operator = oz.accounts.operator(slug)
    tokens = TokenService(settings)

    def member(email: str, role: Role) -> Member:
        user = oz.accounts.create_user(operator, NewUser(email, role, PASSWORD))
        return Member(user, tokens.issue(user, restaurant).token)

    return Tenant(
        restaurant=restaurant,
        admin=member("admin@example.com", Role.ADMIN),
        staff=member("staff@example.com", Role.STAFF),
        customer=member("ada@example.com", Role.CUSTOMER),
        other_customer=member("bob@example.com", Role.CUSTOMER),
        pizza=oz.menu.create(operator, NewMenuItem("Margherita", 1150)),
        pasta=oz.menu.create(operator, NewMenuItem("Carbonara", 1300)),
        unavailable=oz.menu.create(operator, NewMenuItem("Calzone", 1400, False)),
    )


def order_body(tenant: Tenant, **changes: Any) -> dict[str, Any]:
    """A valid POST /v1/orders body."""
    return {
        "customerName": "Ada",
        "customerPhone": PHONE,
        "paymentMethod": "card",
        "items": [{"menuItemId": str(tenant.pizza.id), "quantity": 2, "specialInstructions": "no basil"},
                  {"menuItemId": str(tenant.pasta.id), "quantity": 1}],
        **changes,
    }


def place(client: falcon.testing.TestClient, tenant: Tenant, role: str = "staff",
          **changes: Any) -> dict[str, Any]:
    """Place an order over HTTP; the order object."""
    result = client.simulate_post("/v1/orders", headers=tenant.headers(role),
                                  json=order_body(tenant, **changes))
    assert result.status_code == 201, result.text
    order: dict[str, Any] = result.json["data"]
    return order


def assert_error(result: falcon.testing.Result, status: int, code: str) -> dict[str, Any]:
    """The answer is the error envelope with ``code``, the request id, and nothing internal."""
    assert result.status_code == status, result.text
    assert result.headers["content-type"] == "application/json; charset=utf-8"
    body = result.json
    assert body["success"] is False
    assert body["error"]["code"] == code, body
    assert body["error"]["requestId"] == result.headers["X-Request-Id"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    for leak in ("Traceback", 'File "', "psycopg", "falcon", "cattrs", "jwt.", "SELECT "):
        assert leak not in result.text
    error: dict[str, Any] = body["error"]
    return error


def log_lines(path: Path) -> list[dict[str, Any]]:
    """The JSON log lines of a log file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def fields_of(error: dict[str, Any]) -> list[str]:
    """The field paths of a validation error's details."""
    return [d["field"] for d in error["details"]]


@contextmanager
def nothing_changes(world: MemoryWorld) -> Iterator[None]:
    """Every table (orders, events, menu, outbox, idempotency keys, counters) is the same after."""
    before = world.store.tables.copy()
    yield
    assert world.store.tables == before
