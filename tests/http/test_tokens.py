"""Tokens: what TokenService issues, and every forged, stale or malformed token refused as 401
UNAUTHENTICATED with nothing changed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import falcon.testing
import jwt
import pytest

from orderzap_adapters.memory import MemoryWorld
from orderzap_core.domain.accounts import Role
from orderzap_core.errors import Unauthenticated
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.settings import SettingsError
from orderzap_http.tokens import TokenService
from tests.http.support import SECRET, Tenant, assert_error, http_settings, nothing_changes, order_body


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def claims_of(tenant: Tenant, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"sub": str(tenant.staff.user.id), "restaurantId": str(tenant.restaurant.id),
              "email": "staff@example.com", "role": "staff", "iat": now, "exp": now + 3600}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not ...}


def signed(claims: dict[str, Any], key: str = SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def hand_signed(header: dict[str, Any], claims: Any, key: bytes | None) -> str:
    """A token built by hand: any header, signed with HMAC-SHA256 over ``key`` (or unsigned)."""
    head = b64(json.dumps(header).encode()) + "." + b64(json.dumps(claims).encode())
    signature = b"" if key is None else hmac.new(key, head.encode(), hashlib.sha256).digest()
    return head + "." + b64(signature)


def hs512(claims: dict[str, Any]) -> str:
    """Signed with our secret, by an algorithm the server does not accept."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # pyjwt warns that the key is short for HS512
        return signed(claims, algorithm="HS512")


def tampered(tenant: Tenant) -> str:
    """A staff token whose claims were swapped for admin ones, keeping the signature."""
    head, _, signature = signed(claims_of(tenant)).split(".")
    return f"{head}.{b64(json.dumps(claims_of(tenant, role='admin')).encode())}.{signature}"


def _now() -> int:
    return int(time.time())


FORGERIES: dict[str, Callable[[Tenant], str | None]] = {
    "no token": lambda t: None,
    "empty bearer": lambda t: "",
    "alg none": lambda t: hand_signed({"alg": "none", "typ": "JWT"}, claims_of(t), None),
    "alg None": lambda t: hand_signed({"alg": "None", "typ": "JWT"}, claims_of(t), None),
    "another key": lambda t: signed(claims_of(t), key="another-secret-that-is-also-32-bytes-long!"),
    "RS256 header, HS secret": lambda t: hand_signed({"alg": "RS256", "typ": "JWT"}, claims_of(t),
                                                     SECRET.encode()),
    "ES256 header, HS secret": lambda t: hand_signed({"alg": "ES256", "typ": "JWT"}, claims_of(t),
                                                     SECRET.encode()),
    "HS512, not accepted": lambda t: hs512(claims_of(t)),
    "tampered claims": tampered,
    "expired": lambda t: signed(claims_of(t, iat=_now() - 7200, exp=_now() - 3600)),
    "not yet valid (nbf)": lambda t: signed(claims_of(t, nbf=_now() + 3600)),
    "issued in the future": lambda t: signed(claims_of(t, iat=_now() + 3600, exp=_now() + 7200)),
    "no restaurantId": lambda t: signed(claims_of(t, restaurantId=...)),
    "no sub": lambda t: signed(claims_of(t, sub=...)),
    "no role": lambda t: signed(claims_of(t, role=...)),
    "no email": lambda t: signed(claims_of(t, email=...)),
    "no exp": lambda t: signed(claims_of(t, exp=...)),
    "no iat": lambda t: signed(claims_of(t, iat=...)),
    "unknown role": lambda t: signed(claims_of(t, role="owner")),
    "role of another case": lambda t: signed(claims_of(t, role="ADMIN")),
    "sub not a uuid": lambda t: signed(claims_of(t, sub="staff")),
    "sub a number": lambda t: signed(claims_of(t, sub=12)),
    "restaurantId a number": lambda t: signed(claims_of(t, restaurantId=1)),
    "restaurantId a list": lambda t: signed(claims_of(t, restaurantId=[str(t.restaurant.id)])),
    "role a list": lambda t: signed(claims_of(t, role=["admin"])),
    "exp a string": lambda t: signed(claims_of(t, exp=str(_now() + 3600))),
    "iat a string": lambda t: signed(claims_of(t, iat=str(_now()))),
    "exp a boolean": lambda t: signed(claims_of(t, exp=True)),
    "email a number": lambda t: signed(claims_of(t, email=5)),
    "an aud nobody configured": lambda t: signed(claims_of(t, aud="someone-else")),
    "8 KiB": lambda t: signed(claims_of(t, padding="x" * 8192)),
    "garbage": lambda t: "not.a.token",
    "one segment": lambda t: "abcdef",
    "binary garbage": lambda t: b64(bytes(range(256))),
    "a JSON array payload": lambda t: hand_signed({"alg": "HS256"}, [1, 2], SECRET.encode()),
}


@pytest.mark.parametrize("case", list(FORGERIES))
def test_a_bad_token_is_unauthenticated_and_changes_nothing(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld, case: str) -> None:
    token = FORGERIES[case](tenant)
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    with nothing_changes(world):
        result = client.simulate_post("/v1/orders", headers=headers, json=order_body(tenant))
        assert_error(result, 401, "UNAUTHENTICATED")
        assert_error(client.simulate_get("/v1/orders", headers=headers), 401, "UNAUTHENTICATED")


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer  ", "Token abc", "Bearer a b",
                                    "bearer"])
def test_a_malformed_authorization_header_is_unauthenticated(
        client: falcon.testing.TestClient, tenant: Tenant, header: str) -> None:
    assert_error(client.simulate_get("/v1/me", headers={"Authorization": header}), 401, "UNAUTHENTICATED")


def test_the_bearer_scheme_is_case_insensitive(client: falcon.testing.TestClient, tenant: Tenant) -> None:
    result = client.simulate_get("/v1/me", headers={"Authorization": f"bearer {tenant.staff.token}"})
    assert result.status_code == 200


@pytest.mark.parametrize(("method", "path"), [
    ("GET", "/v1/orders"), ("POST", "/v1/orders"), ("GET", "/v1/orders/{order}"),
    ("PATCH", "/v1/orders/{order}"), ("DELETE", "/v1/orders/{order}"),
    ("PATCH", "/v1/orders/{order}/status"), ("GET", "/v1/orders/{order}/events"),
    ("POST", "/v1/orders/{order}/restore"), ("GET", "/v1/menu-items"), ("POST", "/v1/menu-items"),
    ("GET", "/v1/menu-items/{item}"), ("PATCH", "/v1/menu-items/{item}"),
    ("DELETE", "/v1/menu-items/{item}"), ("GET", "/v1/me"), ("POST", "/v1/realtime/token"),
])
def test_every_v1_route_but_login_needs_a_token(
        client: falcon.testing.TestClient, tenant: Tenant, world: MemoryWorld,
        method: str, path: str) -> None:
    order = client.simulate_post("/v1/orders", headers=tenant.headers("staff"), json=order_body(tenant))
    url = path.format(order=order.json["data"]["id"], item=tenant.pizza.id)
    with nothing_changes(world):
        assert_error(client.simulate_request(method, url, json={"status": "ready"}), 401, "UNAUTHENTICATED")


def test_an_issued_token_carries_the_claims_of_the_contract(tenant: Tenant) -> None:
    fixed = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    issued = TokenService(http_settings(jwt_issuer="orderzap", jwt_audience="kitchen"), clock=lambda: fixed) \
        .issue(tenant.admin.user, tenant.restaurant, expires_in=timedelta(hours=12))
    claims = jwt.decode(issued.token, SECRET, algorithms=["HS256"], audience="kitchen",
                        options={"verify_exp": False, "verify_iat": False})
    assert claims == {"sub": str(tenant.admin.user.id), "restaurantId": str(tenant.restaurant.id),
                      "email": "admin@example.com", "role": "admin", "iat": int(fixed.timestamp()),
                      "exp": int(fixed.timestamp()) + 12 * 3600, "iss": "orderzap", "aud": "kitchen"}
    assert jwt.get_unverified_header(issued.token)["alg"] == "HS256"
    assert issued.expires_at == fixed + timedelta(hours=12)


def test_tokens_last_jwt_expires_in_by_default(tenant: Tenant) -> None:
    fixed = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    issued = TokenService(http_settings(jwt_expires_in=timedelta(days=2)), clock=lambda: fixed).issue(
        tenant.admin.user, tenant.restaurant)
    assert issued.expires_at == fixed + timedelta(days=2)


def test_a_verified_token_names_its_principal(tenant: Tenant) -> None:
    tokens = TokenService(http_settings())
    principal = tokens.verify(tokens.issue(tenant.customer.user, tenant.restaurant).token)
    assert (principal.user_id, principal.restaurant_id, principal.role) == (
        tenant.customer.user.id, tenant.restaurant.id, Role.CUSTOMER)


def test_a_token_within_the_leeway_of_its_expiry_is_still_accepted(tenant: Tenant) -> None:
    now = int(time.time())
    token = signed(claims_of(tenant, iat=now - 3600, exp=now - 5))
    assert TokenService(http_settings()).verify(token).role is Role.STAFF


@pytest.mark.parametrize(("issuer", "audience"), [
    (None, None), ("someone-else", "kitchen"), ("orderzap", "someone-else"), ("orderzap", None),
    (None, "kitchen"), ("orderzap", ["kitchen", "other"]),
])
def test_with_issuer_and_audience_configured_both_are_required(
        tenant: Tenant, issuer: str | None, audience: Any) -> None:
    tokens = TokenService(http_settings(jwt_issuer="orderzap", jwt_audience="kitchen"))
    token = signed(claims_of(tenant, iss=issuer if issuer is not None else ...,
                             aud=audience if audience is not None else ...))
    with pytest.raises(Unauthenticated):
        tokens.verify(token)
    assert tokens.verify(signed(claims_of(tenant, iss="orderzap", aud="kitchen"))).role is Role.STAFF


@pytest.mark.parametrize("secret", [None, "", "short", "x" * 31])
def test_a_missing_or_short_secret_stops_the_app_from_starting(oz: Services, secret: str | None) -> None:
    with pytest.raises(SettingsError):
        create_app(oz, http_settings(jwt_secret=secret))


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_a_short_secret_is_tolerated_in_the_embedded_demo(tenant: Tenant) -> None:
    tokens = TokenService(http_settings(jwt_secret="demo-secret", demo=True))
    assert tokens.verify(tokens.issue(tenant.admin.user, tenant.restaurant).token).role is Role.ADMIN


@pytest.mark.parametrize("algorithms", [(), ("RS256",), ("HS256", "none"), ("ES256",)])
def test_only_hmac_algorithms_can_be_configured(oz: Services, algorithms: tuple[str, ...]) -> None:
    with pytest.raises(SettingsError):
        TokenService(http_settings(jwt_algorithms=algorithms))


def _later(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    """Move the clock the remembered tokens are checked against ``seconds`` ahead."""
    real = time.time
    monkeypatch.setattr("orderzap_http.tokens.time.time", lambda: real() + seconds)


def test_a_remembered_token_is_refused_once_it_expires(tenant: Tenant, monkeypatch: pytest.MonkeyPatch
                                                       ) -> None:
    tokens = TokenService(http_settings())
    token = signed(claims_of(tenant, exp=_now() + 60))
    assert tokens.verify(token).user_id == tenant.staff.user.id      # verified, and remembered
    _later(monkeypatch, 60 + 29)                                     # within the 30 s leeway
    assert tokens.verify(token).user_id == tenant.staff.user.id
    _later(monkeypatch, 60 + 31)
    with pytest.raises(Unauthenticated):
        tokens.verify(token)


def test_a_remembered_token_is_refused_before_its_nbf(tenant: Tenant, monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    tokens = TokenService(http_settings())
    token = signed(claims_of(tenant, nbf=_now() + 20))              # within the leeway: accepted now
    assert tokens.verify(token).role == Role.STAFF
    _later(monkeypatch, -20)                                         # the clock stepped back
    with pytest.raises(Unauthenticated):
        tokens.verify(token)


def test_remembering_tokens_keeps_a_bounded_number(tenant: Tenant, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("orderzap_http.tokens.VERIFIED_CACHE_SIZE", 3)
    tokens = TokenService(http_settings())
    issued = [signed(claims_of(tenant, exp=_now() + 3600 + n)) for n in range(5)]
    for token in issued:
        tokens.verify(token)
    assert len(tokens._verified) == 3
    assert [t for t in issued if tokens._verified.get(t) is not None] == issued[2:]
