"""API tokens: HS256 JWTs signed with JWT_SECRET (pyjwt), and the one place they are checked.

Claims (api.md): ``sub`` (user id), ``restaurantId``, ``email``, ``role``, ``iat``, ``exp`` and,
when configured, ``iss`` and ``aud`` (then required). Verification pins the accepted algorithms
(``Settings.jwt_algorithms``, HS256 by default, so ``alg: none`` and an RS256/ES256 header signed
with the shared secret are refused), requires every claim, checks ``exp``/``iat``/``nbf`` with a
small leeway, and checks the type of every claim itself: pyjwt would accept ``"exp": "123"``.
Every failure is the same ``Unauthenticated``; the reason is never shown to the client.

A token that verified is remembered (up to ``VERIFIED_CACHE_SIZE``, per process) with the window
of time it is valid in: the same string has the same signature and claims, so only the clock
checks are repeated for it, the way pyjwt makes them. Checking the signature is most of the cost
of a token, and a client sends the same one with every request.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
from attrs import frozen

from orderzap_core.bounded import BoundedMap
from orderzap_core.domain.accounts import Restaurant, Role, User
from orderzap_core.errors import Unauthenticated
from orderzap_core.ids import RestaurantId, UserId
from orderzap_core.policy import Principal
from orderzap_http.settings import Settings, SettingsError

#: Shortest secret accepted outside the embedded demo (RFC 7518 §3.2: a key of the hash's size).
MIN_SECRET_BYTES = 32
#: Clock skew tolerated on exp, iat and nbf.
LEEWAY = timedelta(seconds=30)
#: A token longer than this is refused before it is decoded (ours are about 400 characters).
MAX_TOKEN_CHARS = 4096
#: Algorithms a shared secret can verify; anything else in jwt_algorithms is a configuration error.
HMAC_ALGORITHMS = frozenset({"HS256", "HS384", "HS512"})
#: Verified tokens remembered per process (the oldest is forgotten first).
VERIFIED_CACHE_SIZE = 10_000

_REQUIRED = ["sub", "restaurantId", "email", "role", "iat", "exp"]


@frozen
class _Verified:
    """A verified token's principal and the seconds (epoch) it is accepted from and until."""

    principal: Principal
    accepted_from: float
    accepted_until: float


@frozen
class IssuedToken:
    """A signed token and the moment it stops being accepted."""

    token: str
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC)


def _uuid_claim(claims: dict[str, Any], name: str) -> UUID:
    value = claims.get(name)
    if type(value) is not str:
        raise Unauthenticated("the token is not valid")
    try:
        parsed = UUID(value)
    except ValueError:
        raise Unauthenticated("the token is not valid") from None
    if str(parsed) != value.lower():          # only the canonical form we issue
        raise Unauthenticated("the token is not valid")
    return parsed


def _int_claim(claims: dict[str, Any], name: str, *, required: bool = True) -> None:
    if name not in claims and not required:
        return
    if type(claims.get(name)) is not int:
        raise Unauthenticated("the token is not valid")


class TokenService:
    """Issues and verifies API tokens with the settings' secret, algorithms, issuer and audience."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = _now) -> None:
        """Raises SettingsError for a missing secret, one shorter than 32 bytes (outside the
        embedded demo), or an algorithm a shared secret cannot verify."""
        secret = settings.jwt_secret
        if not secret:
            raise SettingsError("JWT_SECRET is required")
        if len(secret.encode("utf-8")) < MIN_SECRET_BYTES and not settings.demo:
            raise SettingsError(f"JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes long")
        algorithms = list(settings.jwt_algorithms)
        if not algorithms or not set(algorithms) <= HMAC_ALGORITHMS:
            raise SettingsError("JWT algorithms must be among HS256, HS384, HS512")
        self._secret = secret.encode("utf-8")
        self._algorithms = algorithms
        self._issuer = settings.jwt_issuer
        self._audience = settings.jwt_audience
        self._lifetime = settings.jwt_expires_in
        self._clock = clock
        self._verified: BoundedMap[str, _Verified] = BoundedMap(VERIFIED_CACHE_SIZE)

    def issue(self, user: User, restaurant: Restaurant, expires_in: timedelta | None = None) -> IssuedToken:
        """A token for ``user`` of ``restaurant``, valid for ``expires_in`` (default JWT_EXPIRES_IN)."""
        issued_at = int(self._clock().timestamp())
        expires_at = issued_at + max(1, int((expires_in or self._lifetime).total_seconds()))
        claims: dict[str, Any] = {
            "sub": str(user.id),
            "restaurantId": str(restaurant.id),
            "email": user.email,
            "role": user.role.value,
            "iat": issued_at,
            "exp": expires_at,
        }
        if self._issuer is not None:
            claims["iss"] = self._issuer
        if self._audience is not None:
            claims["aud"] = self._audience
        token = jwt.encode(claims, self._secret, algorithm=self._algorithms[0])
        return IssuedToken(token, datetime.fromtimestamp(expires_at, UTC))

    def verify(self, token: str) -> Principal:
        """The principal a token names. Raises Unauthenticated for anything but a valid token."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            raise Unauthenticated("the token is not valid")
        known = self._verified.get(token)
        if known is not None:
            # NOTE: pyjwt's own clock checks (exp <= now - leeway is expired; iat or nbf after
            # now + leeway is not yet valid), against the same clock it reads.
            if known.accepted_from <= time.time() < known.accepted_until:
                return known.principal
            self._verified.forget(token)
            raise Unauthenticated("the token is not valid")
        principal, claims = self._verify_signed(token)
        leeway = LEEWAY.total_seconds()
        verified = _Verified(principal, max(claims["iat"], claims.get("nbf", claims["iat"])) - leeway,
                             claims["exp"] + leeway)
        self._verified.put(token, verified)
        return principal

    def _verify_signed(self, token: str) -> tuple[Principal, dict[str, Any]]:
        required = _REQUIRED + [name for name, value in (("iss", self._issuer), ("aud", self._audience))
                                if value is not None]
        try:
            claims = jwt.decode(
                token, self._secret, algorithms=self._algorithms, leeway=LEEWAY,
                issuer=self._issuer, audience=self._audience,
                options={"require": required, "strict_aud": self._audience is not None})
        except jwt.PyJWTError:
            raise Unauthenticated("the token is not valid") from None
        except (ValueError, TypeError):   # NOTE: defensive: pyjwt should wrap every decoding error
            raise Unauthenticated("the token is not valid") from None
        for name in ("iat", "exp"):
            _int_claim(claims, name)
        _int_claim(claims, "nbf", required=False)
        if type(claims.get("email")) is not str:
            raise Unauthenticated("the token is not valid")
        role = claims.get("role")
        if type(role) is not str or role not in {r.value for r in Role}:
            raise Unauthenticated("the token is not valid")
        return Principal(UserId(_uuid_claim(claims, "sub")),
                         RestaurantId(_uuid_claim(claims, "restaurantId")), Role(role)), claims
