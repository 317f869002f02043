"""Realtime tokens: short-lived ES256 JWTs that the Convex mirror accepts, for kitchen screens that
subscribe to it directly (``POST /v1/realtime/token``).

Convex trusts them through a ``customJwt`` provider in ``convex/auth.config.ts``: the issuer and
application id below (``aud``), ES256 (Convex takes only RS256 and ES256, never HS256), and the
public JWKS as a ``data:`` URI in the deployment's ``ORDERZAP_REALTIME_JWKS``, so Convex fetches
nothing. Convex requires the header's ``kid``, ``alg`` and ``typ`` and the claims ``sub``, ``iss``
and ``exp``; its clients refresh by ``iat``; ``restaurantId`` and ``role`` are custom claims that
``kitchen:orders`` reads from the identity.

The signing key is ``ORDERZAP_REALTIME_KEY`` (a PEM EC P-256 private key, inline or
``@/path/to/key.pem``). Unset on the embedded default, one is generated once into
``<data dir>/realtime-key.pem`` (0600) and reused; elsewhere it is required once a mirror is
configured. The ``kid`` is the key's RFC 7638 thumbprint: the same key always has the same kid, a
new key another one. ``orderzap realtime jwks`` prints what Convex needs.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from attrs import field, frozen
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from orderzap_core.policy import Principal
from orderzap_http.settings import (
    REALTIME_TOKEN_TTL,
    REALTIME_TOKEN_TTL_MAX,
    Settings,
    SettingsError,
    private_file_once,
)
from orderzap_http.tokens import IssuedToken

#: ``iss``; must equal ``issuer`` in convex/auth.config.ts (a test reads that file).
ISSUER = "orderzap"
#: ``aud``; must equal ``applicationID`` in convex/auth.config.ts.
AUDIENCE = "orderzap-realtime"
ALGORITHM = "ES256"
#: The Convex environment variable auth.config.ts reads the JWKS data: URI from.
JWKS_VARIABLE = "ORDERZAP_REALTIME_JWKS"
KEY_VARIABLE = "ORDERZAP_REALTIME_KEY"
#: The embedded default's key, in the data directory.
KEY_FILE = "realtime-key.pem"
#: The form Convex's docs give for an inline JWKS (standard base64 of the JSON).
DATA_URI_PREFIX = "data:text/plain;charset=utf-8;base64,"

__all__ = ["ALGORITHM", "AUDIENCE", "ISSUER", "JWKS_VARIABLE", "KEY_FILE", "KEY_VARIABLE",
           "REALTIME_TOKEN_TTL", "REALTIME_TOKEN_TTL_MAX", "RealtimeKey", "RealtimeTokens",
           "embedded_key", "jwk_thumbprint", "load_key"]

#: RFC 7638 §3.2: the required members of each key type, the only ones a thumbprint hashes.
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"),
                       "OKP": ("crv", "kty", "x"), "oct": ("k", "kty")}
_NOT_PEM = "must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- or EC PRIVATE KEY)"
_NOT_P256 = "must be an EC P-256 key (ES256)"


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """The RFC 7638 SHA-256 thumbprint of a JWK, base64url without padding. Raises ValueError
    for a key type without known members or a JWK missing one."""
    members = _THUMBPRINT_MEMBERS.get(str(jwk.get("kty")))
    if members is None or any(name not in jwk for name in members):
        raise ValueError("not a JWK whose thumbprint RFC 7638 defines")
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"),
                           sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@frozen
class RealtimeKey:
    """An ES256 signing key, prepared once: the key object, its public JWK and its kid."""

    private_key: ec.EllipticCurvePrivateKey = field(repr=False)
    public_jwk: Mapping[str, str]            # kty, crv, x, y: no private member
    kid: str

    @classmethod
    def of(cls, private_key: ec.EllipticCurvePrivateKey) -> RealtimeKey:
        """The key with its public JWK and thumbprint kid. Raises ValueError unless P-256."""
        if not isinstance(private_key.curve, ec.SECP256R1):
            raise ValueError(_NOT_P256)
        public: dict[str, str] = ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
        return cls(private_key, public, jwk_thumbprint(public))

    @classmethod
    def from_pem(cls, pem: bytes) -> RealtimeKey:
        """The key a PEM private key (PKCS#8 or SEC 1) holds. Raises ValueError for anything but
        an unencrypted EC P-256 private key."""
        try:
            loaded = serialization.load_pem_private_key(pem, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):    # TypeError: it is encrypted
            raise ValueError(_NOT_PEM) from None
        if not isinstance(loaded, ec.EllipticCurvePrivateKey):
            raise ValueError(_NOT_P256)
        return cls.of(loaded)

    @classmethod
    def generate(cls) -> RealtimeKey:
        """A new random P-256 key."""
        return cls.of(ec.generate_private_key(ec.SECP256R1()))

    def pem(self) -> str:
        """The private key as unencrypted PKCS#8 PEM."""
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()).decode("ascii")

    def jwks(self) -> dict[str, Any]:
        """The public JWKS Convex verifies tokens with: this one key, with its kid, use and alg."""
        return {"keys": [{**self.public_jwk, "kid": self.kid, "use": "sig", "alg": ALGORITHM}]}

    def data_uri(self) -> str:
        """The JWKS as the ``data:`` URI auth.config.ts takes for ``jwks``."""
        document = json.dumps(self.jwks(), separators=(",", ":"))
        return DATA_URI_PREFIX + base64.b64encode(document.encode("utf-8")).decode("ascii")


def load_key(settings: Settings) -> RealtimeKey:
    """The configured signing key: ORDERZAP_REALTIME_KEY, else (embedded default only) the one
    kept in the data directory, generated on first use. Raises SettingsError in one line: an
    unreadable or malformed key, or none outside the embedded default."""
    if settings.realtime_key is not None:
        return _configured_key(settings.realtime_key)
    if settings.embedded:
        return embedded_key(settings.resolved_data_dir)
    raise SettingsError(f"{KEY_VARIABLE} is required when DATABASE_URL is set "
                        "(a PEM EC P-256 private key, or @/path/to/key.pem)")


def embedded_key(data_dir: Path) -> RealtimeKey:
    """The embedded default's key, ``<data_dir>/realtime-key.pem``: created once (0600), so that
    processes starting at once agree on it, and read on every later start. Raises SettingsError."""
    path = data_dir / KEY_FILE
    pem = private_file_once(path, lambda: RealtimeKey.generate().pem())
    try:
        return RealtimeKey.from_pem(pem.encode("ascii", "replace"))
    except ValueError as error:
        raise SettingsError(f"{path} is invalid: {error} (remove it to generate a new key, then "
                            f"set the new {JWKS_VARIABLE} on Convex)") from None


def _configured_key(value: str) -> RealtimeKey:
    text = value.strip()
    if text.startswith("@"):
        path = Path(text[1:]).expanduser()
        name = f"{KEY_VARIABLE}=@{path}"
        try:
            pem = path.read_bytes()
        except OSError as error:
            raise SettingsError(f"{name} cannot be read: {error.strerror}") from None
    else:
        # NOTE: .env files and dashboards often hold a PEM on one line with literal \n escapes.
        name, pem = KEY_VARIABLE, text.replace("\\n", "\n").encode("utf-8")
    try:
        return RealtimeKey.from_pem(pem)
    except ValueError as error:
        # SECURITY: the value is a private key: the message names the variable, never echoes it.
        raise SettingsError(f"{name} is invalid: {error}") from None


def _now() -> datetime:
    return datetime.now(UTC)


class RealtimeTokens:
    """Mints realtime tokens for one Convex deployment; the key is prepared once, at start-up."""

    def __init__(self, key: RealtimeKey, convex_url: str, *, lifetime: timedelta = REALTIME_TOKEN_TTL,
                 clock: Callable[[], datetime] = _now) -> None:
        """Raises ValueError for a lifetime outside (0, 1 h]."""
        if not timedelta(0) < lifetime <= REALTIME_TOKEN_TTL_MAX:
            raise ValueError("a realtime token lives more than 0 s and at most 1 h")
        self.key = key
        self.convex_url = convex_url
        self._lifetime = max(1, int(lifetime.total_seconds()))
        self._headers = {"kid": key.kid, "typ": "JWT"}
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> RealtimeTokens | None:
        """The minter of the configured mirror, or None without CONVEX_URL. A configured
        ORDERZAP_REALTIME_KEY is checked even then, so a bad one stops start-up at once.
        Raises SettingsError."""
        if settings.convex_url is None:
            if settings.realtime_key is not None:
                load_key(settings)
            return None
        return cls(load_key(settings), settings.convex_url, lifetime=settings.realtime_token_ttl)

    def issue(self, principal: Principal) -> IssuedToken:
        """A token naming ``principal``'s user, restaurant and role, valid for the lifetime."""
        issued_at = int(self._clock().timestamp())
        expires_at = issued_at + self._lifetime
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(principal.user_id),
            "restaurantId": str(principal.restaurant_id),
            "role": principal.role.value,
            "iat": issued_at,
            "exp": expires_at,
        }
        token = jwt.encode(claims, self.key.private_key, algorithm=ALGORITHM, headers=self._headers)
        return IssuedToken(token, datetime.fromtimestamp(expires_at, UTC))
