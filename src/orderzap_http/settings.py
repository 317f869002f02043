"""Settings: the environment of api.md ("Configuration"), overridden by CLI flags.

``Settings.from_env()`` reads and checks every variable and stops start-up with one clear line
(SettingsError) for a missing or malformed one.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from attrs import frozen


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
    convex_url: str | None = None            # CONVEX_URL / CONVEX_DEPLOYMENT (later issue)
    convex_admin_key: str | None = None      # CONVEX_ADMIN_KEY / CONVEX_DEPLOY_KEY (later issue)
    max_body_bytes: int = 64 * 1024          # request body limit (413 above it)
    pool_max_size: int = 20                  # ORDERZAP_POOL_MAX
    pool_timeout_seconds: float = 2.0        # ORDERZAP_POOL_TIMEOUT: waiting for a connection
    pool_idle_seconds: float = 30.0          # ORDERZAP_POOL_IDLE: idle connections closed after
    demo: bool = False                       # embedded demo mode (no DATABASE_URL)
