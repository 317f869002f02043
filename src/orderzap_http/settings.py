"""Settings: the environment of api.md ("Configuration"), overridden by CLI flags.

``Settings.from_env()`` reads and checks every variable and stops start-up with one clear line
(SettingsError) for a missing or malformed one.

With no ``DATABASE_URL`` OrderZap runs in its embedded demo mode: PostgreSQL lives under the data
directory, and when ``JWT_SECRET`` is unset a random secret is generated once and kept there
(``jwt-secret``, mode 0600), so tokens survive restarts and tokens the CLI issues work against the
server sharing the directory. The realtime signing key is kept there the same way
(``orderzap_http.realtime``).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Mapping
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import platformdirs
from attrs import evolve, field, fields, frozen

#: HS256 keys shorter than the hash output are guessable offline (RFC 7518 §3.2).
MIN_JWT_SECRET_BYTES = 32
JWT_SECRET_FILE = "jwt-secret"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
LOG_FORMATS = ("console", "json")
#: Realtime tokens (ORDERZAP_REALTIME_TOKEN_TTL): short, since Convex cannot revoke one before it expires.
REALTIME_TOKEN_TTL = timedelta(minutes=15)
REALTIME_TOKEN_TTL_MAX = timedelta(hours=1)
_DURATION = re.compile(r"^\s*(\d+)\s*([dhms])\s*$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}


class SettingsError(Exception):
    """A missing or malformed setting; the message is the one line to print."""


@frozen
class Settings:
    """Everything the shell is configured with."""

    database_url: str | None = None          # DATABASE_URL (owner); None: embedded PostgreSQL
    database_app_url: str | None = None      # DATABASE_APP_URL (login as orderzap_app)
    data_dir: Path | None = None             # ORDERZAP_DATA_DIR; None: per-user data directory
    jwt_secret: str | None = None            # JWT_SECRET (>= 32 bytes outside the embedded demo)
    jwt_expires_in: timedelta = timedelta(days=7)   # JWT_EXPIRES_IN: 7d, 12h, 30m, 45s
    jwt_issuer: str | None = None            # JWT_ISSUER (then required in tokens)
    jwt_audience: str | None = None          # JWT_AUDIENCE (then required in tokens)
    jwt_algorithms: tuple[str, ...] = ("HS256",)
    host: str = "127.0.0.1"                  # HOST
    port: int = 3001                         # PORT
    allowed_origins: tuple[str, ...] = ()    # ALLOWED_ORIGINS, comma-separated
    log_level: str = "INFO"                  # LOG_LEVEL
    log_format: str = "console"              # LOG_FORMAT: console | json
    log_dir: Path | None = None              # LOG_DIR: app.log, error.log
    rate_limit_per_minute: int | None = None # RATE_LIMIT_PER_MINUTE
    cache_reads: bool = True                 # CACHE_READS: on | off
    convex_url: str | None = None            # CONVEX_URL / CONVEX_DEPLOYMENT; None: no mirror
    convex_admin_key: str | None = field(default=None, repr=False)   # CONVEX_ADMIN_KEY / CONVEX_DEPLOY_KEY
    convex_connect_timeout_seconds: float = 0.5   # ORDERZAP_CONVEX_CONNECT_TIMEOUT
    convex_read_timeout_seconds: float = 0.5      # ORDERZAP_CONVEX_READ_TIMEOUT: a cached read
    convex_write_timeout_seconds: float = 10.0    # ORDERZAP_CONVEX_WRITE_TIMEOUT: a relay batch
    convex_breaker_failures: int = 3              # ORDERZAP_CONVEX_BREAKER_FAILURES: then open
    convex_breaker_pause_seconds: float = 2.0     # ORDERZAP_CONVEX_BREAKER_PAUSE: then probe
    relay_batch_size: int = 200                   # ORDERZAP_RELAY_BATCH: 100-500 snapshots a call
    relay_sweep_seconds: float = 1.0              # ORDERZAP_RELAY_SWEEP: idle relay's poll
    # SECURITY: a private key; kept out of the repr, so logging Settings cannot leak it.
    realtime_key: str | None = field(default=None, repr=False)   # ORDERZAP_REALTIME_KEY: PEM or @path
    realtime_token_ttl: timedelta = REALTIME_TOKEN_TTL            # ORDERZAP_REALTIME_TOKEN_TTL (<= 1h)
    max_body_bytes: int = 64 * 1024          # request body limit (413 above it)
    pool_max_size: int = 20                  # ORDERZAP_POOL_MAX
    pool_timeout_seconds: float = 2.0        # ORDERZAP_POOL_TIMEOUT: waiting for a connection
    pool_idle_seconds: float = 30.0          # ORDERZAP_POOL_IDLE: idle connections closed after
    demo: bool = False                       # embedded demo mode (no DATABASE_URL)
    workers: int = 4                         # WEB_CONCURRENCY (gunicorn's name): worker processes
    threads: int = 4                         # ORDERZAP_THREADS: request threads per worker
    graceful_timeout_seconds: float = 30.0   # ORDERZAP_GRACEFUL_TIMEOUT: in-flight requests on stop
    relay: bool = True                       # ORDERZAP_RELAY on|off, --no-relay: the in-process relay

    @property
    def embedded(self) -> bool:
        """Whether the database is the embedded PostgreSQL under the data directory."""
        return self.database_url is None

    @property
    def resolved_data_dir(self) -> Path:
        """The data directory: ORDERZAP_DATA_DIR, else the per-user data directory."""
        return self.data_dir if self.data_dir is not None else default_data_dir()

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``environ`` (default ``os.environ``), then ``overrides`` (CLI flags; None
        means "not given"). Raises SettingsError naming the first bad setting."""
        env = _Env(os.environ if environ is None else environ)
        values: dict[str, Any] = {
            "database_url": env.text("DATABASE_URL"),
            "database_app_url": env.text("DATABASE_APP_URL"),
            "data_dir": env.parse("ORDERZAP_DATA_DIR", _path),
            "jwt_secret": env.raw("JWT_SECRET"),
            "jwt_expires_in": env.parse("JWT_EXPIRES_IN", parse_duration),
            "jwt_issuer": env.text("JWT_ISSUER"),
            "jwt_audience": env.text("JWT_AUDIENCE"),
            "host": env.text("HOST"),
            "port": env.parse("PORT", _int_between(1, 65535)),
            "allowed_origins": env.parse("ALLOWED_ORIGINS", _csv),
            "log_level": env.parse("LOG_LEVEL", _choice(LOG_LEVELS, upper=True)),
            "log_format": env.parse("LOG_FORMAT", _choice(LOG_FORMATS)),
            "log_dir": env.parse("LOG_DIR", _path),
            "rate_limit_per_minute": env.parse("RATE_LIMIT_PER_MINUTE", _int_between(1, 10**9)),
            "convex_url": (env.parse("CONVEX_URL", _convex_url)
                           or env.parse("CONVEX_DEPLOYMENT", _convex_deployment)),
            "convex_admin_key": env.text("CONVEX_ADMIN_KEY") or env.text("CONVEX_DEPLOY_KEY"),
            "convex_connect_timeout_seconds": env.parse("ORDERZAP_CONVEX_CONNECT_TIMEOUT", _seconds),
            "convex_read_timeout_seconds": env.parse("ORDERZAP_CONVEX_READ_TIMEOUT", _seconds),
            "convex_write_timeout_seconds": env.parse("ORDERZAP_CONVEX_WRITE_TIMEOUT", _seconds),
            "convex_breaker_failures": env.parse("ORDERZAP_CONVEX_BREAKER_FAILURES", _int_between(1, 1000)),
            "convex_breaker_pause_seconds": env.parse("ORDERZAP_CONVEX_BREAKER_PAUSE", _seconds),
            "relay_batch_size": env.parse("ORDERZAP_RELAY_BATCH", _int_between(100, 500)),
            "relay_sweep_seconds": env.parse("ORDERZAP_RELAY_SWEEP", _seconds),
            "cache_reads": env.parse("CACHE_READS", _on_off),
            "realtime_key": env.raw("ORDERZAP_REALTIME_KEY"),
            "realtime_token_ttl": env.parse("ORDERZAP_REALTIME_TOKEN_TTL",
                                            _duration_up_to(REALTIME_TOKEN_TTL_MAX)),
            "pool_max_size": env.parse("ORDERZAP_POOL_MAX", _int_between(1, 1000)),
            "pool_timeout_seconds": env.parse("ORDERZAP_POOL_TIMEOUT", _seconds),
            "pool_idle_seconds": env.parse("ORDERZAP_POOL_IDLE", _seconds),
            "workers": env.parse("WEB_CONCURRENCY", _int_between(1, 256)),
            "threads": env.parse("ORDERZAP_THREADS", _int_between(1, 1000)),
            "graceful_timeout_seconds": env.parse("ORDERZAP_GRACEFUL_TIMEOUT", _seconds),
            "relay": env.parse("ORDERZAP_RELAY", _on_off),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        settings = cls(**{k: v for k, v in values.items() if v is not None})
        return settings.checked()

    def checked(self) -> Settings:
        """These settings with the demo flag derived and the JWT secret resolved. Raises
        SettingsError for a missing or short secret outside the embedded demo."""
        settings = evolve(self, demo=self.embedded)
        if settings.convex_url is not None and not settings.convex_admin_key:
            raise SettingsError("CONVEX_ADMIN_KEY (or CONVEX_DEPLOY_KEY) is required when CONVEX_URL "
                                "or CONVEX_DEPLOYMENT is set: the server calls internal functions")
        if settings.jwt_secret is None and settings.embedded:
            return evolve(settings, jwt_secret=demo_jwt_secret(settings.resolved_data_dir))
        if settings.jwt_secret is None:
            raise SettingsError("JWT_SECRET is required when DATABASE_URL is set "
                                f"(at least {MIN_JWT_SECRET_BYTES} bytes)")
        if not settings.embedded and len(settings.jwt_secret.encode()) < MIN_JWT_SECRET_BYTES:
            raise SettingsError(f"JWT_SECRET must be at least {MIN_JWT_SECRET_BYTES} bytes long")
        return settings


def default_data_dir() -> Path:
    """The per-user data directory (``~/.local/share/orderzap`` on Linux)."""
    return platformdirs.user_data_path("orderzap")


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if missing, readable by its owner only (0700). An existing
    directory keeps its mode: as root, pgserver runs PostgreSQL as its own user, which must be
    able to reach its files inside, and narrowing it under a running server would break it."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.chmod(0o700)       # mkdir's mode is filtered by the umask
    return path


def demo_jwt_secret(data_dir: Path) -> str:
    """The embedded demo's signing secret: read from the data directory, created (0600) on first use."""
    return private_file_once(data_dir / JWT_SECRET_FILE, lambda: secrets.token_urlsafe(48) + "\n").strip()


def private_file_once(path: Path, make: Callable[[], str]) -> str:
    """The text of ``path``, created readable by its owner only (0600) from ``make()`` when missing.
    Processes starting at once agree on one content: each writes a temporary file (O_EXCL) and
    publishes it with link(), which fails like O_EXCL when the name exists, so the file is never
    seen half-written and every loser reads the winner's. Raises SettingsError when it cannot be
    read or written."""
    try:
        return path.read_text()
    except FileNotFoundError:
        pass
    except OSError as error:
        raise SettingsError(f"cannot read {path}: {error.strerror}") from None
    draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    try:
        ensure_private_dir(path.parent)
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as out:
                out.write(make())
                out.flush()
                os.fsync(out.fileno())
            with suppress(FileExistsError):      # another process published first: read its file
                os.link(draft, path)
        finally:
            os.unlink(draft)
        return path.read_text()
    except OSError as error:
        raise SettingsError(f"cannot write {path}: {error.strerror}") from None


def parse_duration(text: str) -> timedelta:
    """``7d``, ``12h``, ``30m`` or ``45s`` as a timedelta. Raises ValueError for anything else."""
    match = _DURATION.match(text)
    if match is None or int(match.group(1)) == 0:
        raise ValueError("must be a positive duration such as 7d, 12h, 30m or 45s")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


class _Env:
    """Reads variables; an empty value counts as unset, as shells and .env files write it."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        self._environ = environ

    def raw(self, name: str) -> str | None:
        value = self._environ.get(name)
        return value if value else None

    def text(self, name: str) -> str | None:
        value = self.raw(name)
        return value.strip() or None if value is not None else None

    def parse(self, name: str, parse: Callable[[str], Any]) -> Any:
        value = self.text(name)
        if value is None:
            return None
        try:
            return parse(value)
        except ValueError as error:
            raise SettingsError(f"{name}={value!r} is invalid: {error}") from None


def _path(text: str) -> Path:
    return Path(text).expanduser()


def _csv(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


def _int_between(low: int, high: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.fullmatch(r"\d+", text) or not low <= int(text) <= high:
            raise ValueError(f"must be a whole number from {low} to {high}")
        return int(text)

    return parse


def _duration_up_to(longest: timedelta) -> Callable[[str], timedelta]:
    def parse(text: str) -> timedelta:
        value = parse_duration(text)
        if value > longest:
            raise ValueError(f"must be at most {_duration_text(longest)}")
        return value

    return parse


def _duration_text(value: timedelta) -> str:
    seconds = int(value.total_seconds())
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError("must be a number of seconds") from None
    if not 0 < value < 86400:
        raise ValueError("must be a number of seconds above 0")
    return value


def _choice(choices: tuple[str, ...], *, upper: bool = False) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = text.upper() if upper else text.lower()
        if value not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}")
        return value

    return parse


def _on_off(text: str) -> bool:
    value = text.lower()
    if value in ("on", "true", "1", "yes"):
        return True
    if value in ("off", "false", "0", "no"):
        return False
    raise ValueError("must be on or off")


def _convex_url(text: str) -> str:
    """``https://happy-otter-123.convex.cloud`` (plain http only on loopback, for the stand-in),
    without a trailing slash."""
    if not re.fullmatch(r"https?://[^/?#@\s]+/?", text):
        raise ValueError("must be a deployment URL such as https://happy-otter-123.convex.cloud")
    url = urlsplit(text)
    url.port  # noqa: B018 — raises ValueError for a port out of range
    if url.scheme == "http" and url.hostname not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("must use https (plain http only on loopback): the admin key travels with it")
    return f"{url.scheme}://{url.netloc}"


def _convex_deployment(text: str) -> str:
    """``prod:happy-otter-123`` (as Convex's tools write it) → ``https://happy-otter-123.convex.cloud``."""
    _, _, name = text.rpartition(":")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError("must look like prod:happy-otter-123")
    return f"https://{name}.convex.cloud"
