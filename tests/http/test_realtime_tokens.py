"""Realtime tokens: the ES256 key (configured, or the embedded default's), its kid and JWKS, the
tokens Convex verifies, and ``POST /v1/realtime/token`` with and without a mirror."""

from __future__ import annotations

import base64
import json
import multiprocessing
import re
import stat
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import falcon.testing
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from orderzap_core.domain.accounts import Role
from orderzap_core.ids import RestaurantId, UserId
from orderzap_core.policy import Principal
from orderzap_core.services import Services
from orderzap_http.app import create_app
from orderzap_http.openapi import document
from orderzap_http.realtime import (
    AUDIENCE,
    ISSUER,
    JWKS_VARIABLE,
    KEY_FILE,
    RealtimeKey,
    RealtimeTokens,
    embedded_key,
    jwk_thumbprint,
    load_key,
)
from orderzap_http.settings import Settings, SettingsError, private_file_once
from tests.http.support import Tenant, assert_error, http_settings

REMOTE = {"DATABASE_URL": "postgresql://owner@db.example/orderzap", "JWT_SECRET": "s" * 32}
CONVEX_URL = "https://happy-otter-123.convex.cloud"     # never called: minting is local
AUTH_CONFIG = Path(__file__).parents[2] / "convex" / "auth.config.ts"
ROLES = ["admin", "staff", "customer"]
NOW = datetime(2026, 11, 24, 12, 0, 0, tzinfo=UTC)


def pem_of(key: Any, password: bytes | None = None) -> str:
    encryption = (serialization.BestAvailableEncryption(password) if password
                  else serialization.NoEncryption())
    return str(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 encryption).decode())


def a_principal(role: Role = Role.STAFF) -> Principal:
    return Principal(UserId(uuid4()), RestaurantId(uuid4()), role)


def public_key_of(jwks: dict[str, Any], kid: str) -> Any:
    """The verification key a JWKS document names: what Convex has, and nothing private."""
    return jwt.PyJWKSet.from_dict(jwks)[kid].key


def decode(token: str, jwks: dict[str, Any], **options: Any) -> dict[str, Any]:
    kid = jwt.get_unverified_header(token)["kid"]
    claims: dict[str, Any] = jwt.decode(token, public_key_of(jwks, kid), algorithms=["ES256"],
                                        issuer=ISSUER, audience=AUDIENCE, **options)
    return claims


def jwks_of_data_uri(uri: str) -> dict[str, Any]:
    prefix, _, data = uri.partition(",")
    assert prefix == "data:text/plain;charset=utf-8;base64"
    document_: dict[str, Any] = json.loads(base64.b64decode(data, validate=True))
    return document_


@pytest.fixture(scope="module")
def key() -> RealtimeKey:
    return RealtimeKey.generate()


# --- the key ----------------------------------------------------------------------------------


def test_the_embedded_default_generates_a_key_readable_by_its_owner_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    made = load_key(Settings(data_dir=data_dir))
    path = data_dir / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert RealtimeKey.from_pem(path.read_bytes()).kid == made.kid
    assert sorted(p.name for p in data_dir.iterdir()) == [KEY_FILE]     # no draft left behind


def test_the_embedded_default_reuses_its_key_on_every_later_start(tmp_path: Path) -> None:
    first = load_key(Settings(data_dir=tmp_path))
    written = (tmp_path / KEY_FILE).read_bytes()
    again = load_key(Settings(data_dir=tmp_path))
    assert again.kid == first.kid
    assert again.public_jwk == first.public_jwk
    assert (tmp_path / KEY_FILE).read_bytes() == written


def _start(data_dir: str, ready: Any, kids: Any) -> None:
    ready.wait()                              # every process asks for the key at the same moment
    kids.put(embedded_key(Path(data_dir)).kid)


def test_concurrent_first_starts_agree_on_one_key(tmp_path: Path) -> None:
    starts = 8
    context = multiprocessing.get_context("fork")
    ready, kids = context.Barrier(starts), context.Queue()
    processes = [context.Process(target=_start, args=(str(tmp_path), ready, kids)) for _ in range(starts)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(30)
        assert process.exitcode == 0
    seen = {kids.get(timeout=5) for _ in range(starts)}
    assert seen == {embedded_key(tmp_path).kid}
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_FILE]


def test_a_start_that_loses_the_race_reads_the_winners_file(tmp_path: Path) -> None:
    path = tmp_path / KEY_FILE
    winner = RealtimeKey.generate().pem()

    def lose() -> str:
        path.write_text(winner)               # another process publishes while this one writes
        return RealtimeKey.generate().pem()

    assert private_file_once(path, lose) == winner
    assert embedded_key(tmp_path).kid == RealtimeKey.from_pem(winner.encode()).kid
    assert sorted(p.name for p in tmp_path.iterdir()) == [KEY_FILE]


def sec1(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
                             serialization.NoEncryption()).decode()


@pytest.mark.parametrize("spell", [
    pytest.param(lambda pem, _: pem, id="inline PKCS#8"),
    pytest.param(lambda pem, _: pem.strip().replace("\n", "\\n"), id="inline, one line with \\n"),
    pytest.param(lambda _, key: sec1(key), id="inline SEC 1 (EC PRIVATE KEY)"),
    pytest.param("file", id="@file"),
])
def test_a_configured_key_is_used_as_given(tmp_path: Path, spell: Any) -> None:
    private = ec.generate_private_key(ec.SECP256R1())
    expected = RealtimeKey.of(private).kid
    if spell == "file":
        (tmp_path / "key.pem").write_text(pem_of(private))
        value = f"@{tmp_path / 'key.pem'}"
    else:
        value = spell(pem_of(private), private)
    settings = Settings.from_env({**REMOTE, "ORDERZAP_REALTIME_KEY": value})
    assert load_key(settings).kid == expected


def test_a_configured_key_wins_over_the_embedded_default(tmp_path: Path, key: RealtimeKey) -> None:
    settings = Settings(data_dir=tmp_path, realtime_key=key.pem())
    assert load_key(settings).kid == key.kid
    assert not (tmp_path / KEY_FILE).exists()


MALFORMED: dict[str, Callable[[], str]] = {
    "not a key": lambda: "hello",
    "a truncated PEM": lambda: RealtimeKey.generate().pem()[:120],
    "an RSA key": lambda: pem_of(rsa.generate_private_key(public_exponent=65537, key_size=2048)),
    "a P-384 key": lambda: pem_of(ec.generate_private_key(ec.SECP384R1())),
    "an encrypted key": lambda: pem_of(ec.generate_private_key(ec.SECP256R1()), b"secret"),
    "a public key": lambda: ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
}


@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_key_is_one_line_naming_the_variable(kind: str) -> None:
    value = MALFORMED[kind]()
    with pytest.raises(SettingsError) as raised:
        load_key(Settings.from_env({**REMOTE, "ORDERZAP_REALTIME_KEY": value}))
    message = str(raised.value)
    assert message.startswith("ORDERZAP_REALTIME_KEY is invalid: must be ")
    assert "\n" not in message
    assert value.strip().splitlines()[-1] not in message      # a private key is never echoed


def test_a_malformed_key_file_is_one_line_naming_the_variable_and_the_file(tmp_path: Path) -> None:
    (tmp_path / "empty.pem").write_text("")
    for name, why in (("missing.pem", "cannot be read: No such file or directory"),
                      ("empty.pem", "is invalid: must be an unencrypted PEM private key")):
        with pytest.raises(SettingsError) as raised:
            load_key(Settings.from_env({**REMOTE, "ORDERZAP_REALTIME_KEY": f"@{tmp_path / name}"}))
        assert str(raised.value).startswith(f"ORDERZAP_REALTIME_KEY=@{tmp_path / name} {why}")
        assert "\n" not in str(raised.value)


def test_a_corrupt_key_file_in_the_data_directory_is_one_line_saying_what_to_do(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE).write_text("not a key\n")
    with pytest.raises(SettingsError) as raised:
        load_key(Settings(data_dir=tmp_path))
    message = str(raised.value)
    assert message.startswith(f"{tmp_path / KEY_FILE} is invalid: ") and "\n" not in message
    assert "remove it" in message and JWKS_VARIABLE in message


def test_a_real_database_with_a_mirror_needs_a_configured_key() -> None:
    settings = Settings.from_env({**REMOTE, "CONVEX_URL": CONVEX_URL, "CONVEX_ADMIN_KEY": "key"})
    with pytest.raises(SettingsError, match=r"^ORDERZAP_REALTIME_KEY is required when DATABASE_URL is set"):
        RealtimeTokens.from_settings(settings)


def test_without_a_mirror_there_is_no_minter_and_no_key_is_generated(tmp_path: Path) -> None:
    assert RealtimeTokens.from_settings(Settings(data_dir=tmp_path)) is None
    assert not (tmp_path / KEY_FILE).exists()


def test_a_bad_key_stops_start_up_even_without_a_mirror() -> None:
    with pytest.raises(SettingsError, match=r"^ORDERZAP_REALTIME_KEY is invalid"):
        RealtimeTokens.from_settings(Settings.from_env({**REMOTE, "ORDERZAP_REALTIME_KEY": "nope"}))


def test_with_a_mirror_the_minter_uses_the_settings_key_url_and_lifetime(key: RealtimeKey) -> None:
    settings = Settings.from_env({**REMOTE, "CONVEX_URL": CONVEX_URL, "CONVEX_ADMIN_KEY": "key",
                                  "ORDERZAP_REALTIME_KEY": key.pem(), "ORDERZAP_REALTIME_TOKEN_TTL": "5m"})
    minter = RealtimeTokens.from_settings(settings)
    assert minter is not None
    assert (minter.key.kid, minter.convex_url) == (key.kid, CONVEX_URL)
    claims = decode(minter.issue(a_principal()).token, key.jwks())
    assert claims["exp"] - claims["iat"] == 300


# --- the lifetime setting ---------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (None, timedelta(minutes=15)), ("30m", timedelta(minutes=30)), ("1h", timedelta(hours=1)),
    ("60m", timedelta(hours=1)), ("90s", timedelta(seconds=90)),
])
def test_the_token_lifetime_is_15_minutes_unless_set(value: str | None, expected: timedelta) -> None:
    environ = {**REMOTE, **({"ORDERZAP_REALTIME_TOKEN_TTL": value} if value else {})}
    assert Settings.from_env(environ).realtime_token_ttl == expected


@pytest.mark.parametrize(("value", "why"), [
    ("2h", "must be at most 1h"), ("61m", "must be at most 1h"), ("1d", "must be at most 1h"),
    ("0m", "must be a positive duration"), ("15", "must be a positive duration"),
])
def test_a_token_lifetime_over_an_hour_or_malformed_is_one_line(value: str, why: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**REMOTE, "ORDERZAP_REALTIME_TOKEN_TTL": value})
    assert str(raised.value).startswith(f"ORDERZAP_REALTIME_TOKEN_TTL={value!r} is invalid: {why}")
    assert "\n" not in str(raised.value)


def test_the_minter_refuses_a_lifetime_over_an_hour(key: RealtimeKey) -> None:
    with pytest.raises(ValueError):
        RealtimeTokens(key, CONVEX_URL, lifetime=timedelta(hours=1, seconds=1))


def test_the_settings_repr_never_shows_the_private_key(key: RealtimeKey) -> None:
    assert "PRIVATE KEY" not in repr(Settings(realtime_key=key.pem()))


# --- kid, JWKS and the data: URI --------------------------------------------------------------

#: RFC 7638 §3.1: the example RSA key and its published SHA-256 thumbprint.
RFC_7638_JWK = {
    "kty": "RSA",
    "n": ("0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJE"
          "CPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2Q"
          "vzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6"
          "WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"),
    "e": "AQAB",
    "alg": "RS256",
    "kid": "2011-04-29",
}


def test_the_thumbprint_of_rfc_7638s_example_is_the_published_one() -> None:
    assert jwk_thumbprint(RFC_7638_JWK) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_the_kid_is_the_thumbprint_of_the_public_jwk(key: RealtimeKey) -> None:
    (published,) = key.jwks()["keys"]
    assert published["kid"] == key.kid == jwk_thumbprint(published)
    assert published == {**key.public_jwk, "kid": key.kid, "use": "sig", "alg": "ES256"}


def test_the_jwks_holds_only_the_public_p256_key(key: RealtimeKey) -> None:
    (published,) = key.jwks()["keys"]
    assert set(published) == {"kty", "crv", "x", "y", "kid", "use", "alg"}
    assert (published["kty"], published["crv"]) == ("EC", "P-256")
    verifier = public_key_of(key.jwks(), key.kid)
    assert verifier.public_numbers() == key.private_key.public_key().public_numbers()


def test_the_data_uri_is_the_jwks_json_in_base64(key: RealtimeKey) -> None:
    assert jwks_of_data_uri(key.data_uri()) == key.jwks()


def test_issuer_audience_and_jwks_variable_are_the_ones_convex_auth_config_trusts() -> None:
    config = AUTH_CONFIG.read_text()
    assert f'"{ISSUER}"' in config and f'"{AUDIENCE}"' in config
    assert re.search(rf'issuer:\s*"{ISSUER}"', config)
    assert re.search(rf'applicationID:\s*"{AUDIENCE}"', config)
    assert re.search(r'algorithm:\s*"ES256"', config)
    assert f"process.env.{JWKS_VARIABLE}" in config


# --- tokens -----------------------------------------------------------------------------------


def test_a_token_verifies_with_the_public_jwks_alone(key: RealtimeKey) -> None:
    principal = a_principal()
    issued = RealtimeTokens(key, CONVEX_URL).issue(principal)
    claims = decode(issued.token, jwks_of_data_uri(key.data_uri()))
    assert claims["sub"] == str(principal.user_id)


@pytest.mark.parametrize("role", list(Role))
def test_a_token_carries_exactly_the_header_and_claims_of_the_contract(key: RealtimeKey, role: Role) -> None:
    principal = a_principal(role)
    minter = RealtimeTokens(key, CONVEX_URL, lifetime=timedelta(minutes=10), clock=lambda: NOW)
    issued = minter.issue(principal)
    assert jwt.get_unverified_header(issued.token) == {"alg": "ES256", "kid": key.kid, "typ": "JWT"}
    claims = jwt.decode(issued.token, options={"verify_signature": False})
    iat = int(NOW.timestamp())
    assert claims == {"iss": "orderzap", "aud": "orderzap-realtime", "sub": str(principal.user_id),
                      "restaurantId": str(principal.restaurant_id), "role": role.value,
                      "iat": iat, "exp": iat + 600}
    assert issued.expires_at == NOW + timedelta(minutes=10)


def test_a_token_lives_15_minutes_by_default(key: RealtimeKey) -> None:
    issued = RealtimeTokens(key, CONVEX_URL, clock=lambda: NOW).issue(a_principal())
    claims = jwt.decode(issued.token, options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert issued.expires_at == NOW + timedelta(minutes=15)


def test_an_expired_token_is_refused(key: RealtimeKey) -> None:
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    issued = RealtimeTokens(key, CONVEX_URL, clock=lambda: an_hour_ago).issue(a_principal())
    with pytest.raises(jwt.ExpiredSignatureError):
        decode(issued.token, key.jwks())


def test_a_token_of_another_key_is_refused(key: RealtimeKey) -> None:
    other = RealtimeKey.generate()
    issued = RealtimeTokens(other, CONVEX_URL).issue(a_principal())
    trusted = key.jwks()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(issued.token, public_key_of(trusted, key.kid), algorithms=["ES256"],
                   issuer=ISSUER, audience=AUDIENCE)
    with pytest.raises(KeyError):
        public_key_of(trusted, other.kid)          # its kid is not in the trusted JWKS either


# --- POST /v1/realtime/token ------------------------------------------------------------------

PATH = "/v1/realtime/token"


@pytest.fixture
def mirrored(oz: Services, key: RealtimeKey) -> falcon.testing.TestClient:
    """The app with a (fake) Convex mirror configured: it mints tokens, and never calls Convex."""
    return falcon.testing.TestClient(create_app(oz, http_settings(convex_url=CONVEX_URL),
                                                realtime=RealtimeTokens(key, CONVEX_URL)))


@pytest.mark.parametrize("role", ROLES)
def test_without_a_mirror_the_route_is_not_found(client: falcon.testing.TestClient, tenant: Tenant,
                                                 role: str) -> None:
    assert_error(client.simulate_post(PATH, headers=tenant.headers(role)), 404, "NOT_FOUND")


@pytest.mark.parametrize("role", ROLES)
def test_with_a_mirror_every_role_gets_a_token_for_its_own_restaurant(
        mirrored: falcon.testing.TestClient, tenant: Tenant, key: RealtimeKey, role: str) -> None:
    result = mirrored.simulate_post(PATH, headers=tenant.headers(role))
    assert result.status_code == 200, result.text
    assert result.headers["cache-control"] == "no-store"
    assert result.json["success"] is True
    data = result.json["data"]
    assert set(data) == {"token", "expiresAt", "convexUrl"}
    assert data["convexUrl"] == CONVEX_URL
    claims = decode(data["token"], key.jwks())
    member = tenant.member(role)
    assert (claims["sub"], claims["restaurantId"], claims["role"]) == (
        str(member.user.id), str(tenant.restaurant.id), role)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", data["expiresAt"])
    assert data["expiresAt"] == datetime.fromtimestamp(claims["exp"], UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.mark.parametrize("body", [None, b"", b"{}", b"  { }  "],
                         ids=["no body", "empty", "{}", "{ } with spaces"])
def test_the_token_request_takes_no_body_or_an_empty_object(
        mirrored: falcon.testing.TestClient, tenant: Tenant, body: bytes | None) -> None:
    headers = {**tenant.headers("staff"), **({"Content-Type": "application/json"} if body else {})}
    assert mirrored.simulate_post(PATH, headers=headers, body=body).status_code == 200


def test_a_token_request_with_fields_is_422_naming_each(
        mirrored: falcon.testing.TestClient, tenant: Tenant, rival: Tenant) -> None:
    result = mirrored.simulate_post(PATH, headers=tenant.headers("staff"),
                                    json={"restaurantId": str(rival.restaurant.id), "role": "admin"})
    error = assert_error(result, 422, "VALIDATION_ERROR")
    assert error["details"] == [{"field": "restaurantId", "message": "is not a field of this request"},
                                {"field": "role", "message": "is not a field of this request"}]


@pytest.mark.parametrize("body", [b"[]", b'"token"', b"null", b"{", b"{}{}"])
def test_a_token_request_body_that_is_not_one_json_object_is_400(
        mirrored: falcon.testing.TestClient, tenant: Tenant, body: bytes) -> None:
    headers = {**tenant.headers("staff"), "Content-Type": "application/json"}
    assert_error(mirrored.simulate_post(PATH, headers=headers, body=body), 400, "BAD_REQUEST")


def test_a_token_request_body_that_is_not_json_is_415(mirrored: falcon.testing.TestClient,
                                                     tenant: Tenant) -> None:
    headers = {**tenant.headers("staff"), "Content-Type": "text/plain"}
    assert_error(mirrored.simulate_post(PATH, headers=headers, body=b"{}"), 415, "UNSUPPORTED_MEDIA_TYPE")


def test_a_token_request_without_a_token_is_401(mirrored: falcon.testing.TestClient) -> None:
    assert_error(mirrored.simulate_post(PATH), 401, "UNAUTHENTICATED")


def test_the_answer_is_the_one_the_document_describes(mirrored: falcon.testing.TestClient,
                                                      tenant: Tenant) -> None:
    doc = document()
    ok = doc["paths"][PATH]["post"]["responses"]["200"]
    assert ok["headers"]["Cache-Control"]["required"] is True
    assert doc["paths"][PATH]["post"]["requestBody"]["required"] is False
    shape = doc["components"]["schemas"]["RealtimeToken"]
    data = mirrored.simulate_post(PATH, headers=tenant.headers("admin")).json["data"]
    assert set(data) == set(shape["properties"]) == set(shape["required"])
