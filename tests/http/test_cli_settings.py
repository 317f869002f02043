"""Settings.from_env: every variable of api.md's "Configuration", checked with one clear line."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest

from orderzap_http.settings import JWT_SECRET_FILE, Settings, SettingsError, parse_duration

SECRET = "s" * 32
REMOTE = {"DATABASE_URL": "postgresql://owner@db.example/orderzap", "JWT_SECRET": SECRET}


def test_the_defaults_of_api_md(tmp_path: Path) -> None:
    settings = Settings.from_env({"ORDERZAP_DATA_DIR": str(tmp_path)})
    assert (settings.port, settings.host) == (3001, "127.0.0.1")
    assert settings.jwt_expires_in == timedelta(days=7)
    assert settings.embedded and settings.demo
    assert settings.relay and settings.workers >= 1


def test_the_embedded_demo_generates_a_private_secret_once_and_keeps_it(tmp_path: Path) -> None:
    first = Settings.from_env({"ORDERZAP_DATA_DIR": str(tmp_path / "data")})
    again = Settings.from_env({"ORDERZAP_DATA_DIR": str(tmp_path / "data")})
    assert first.jwt_secret is not None and len(first.jwt_secret.encode()) >= 32
    assert again.jwt_secret == first.jwt_secret
    assert stat.S_IMODE((tmp_path / "data" / JWT_SECRET_FILE).stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700


def test_the_embedded_demo_uses_a_given_secret_even_a_short_one(tmp_path: Path) -> None:
    settings = Settings.from_env({"ORDERZAP_DATA_DIR": str(tmp_path), "JWT_SECRET": "dev"})
    assert settings.jwt_secret == "dev"
    assert not (tmp_path / JWT_SECRET_FILE).exists()


def test_a_real_database_needs_a_jwt_secret() -> None:
    with pytest.raises(SettingsError, match="JWT_SECRET is required when DATABASE_URL is set"):
        Settings.from_env({"DATABASE_URL": REMOTE["DATABASE_URL"]})


def test_a_real_database_refuses_a_secret_shorter_than_32_bytes() -> None:
    with pytest.raises(SettingsError, match="at least 32 bytes"):
        Settings.from_env({**REMOTE, "JWT_SECRET": "s" * 31})
    # bytes, not characters: 11 three-byte characters are 33 bytes
    assert Settings.from_env({**REMOTE, "JWT_SECRET": "€" * 11}).jwt_secret == "€" * 11


def test_a_real_database_is_not_the_demo() -> None:
    settings = Settings.from_env(REMOTE)
    assert not settings.embedded and not settings.demo
    assert settings.database_url == REMOTE["DATABASE_URL"]


@pytest.mark.parametrize(("text", "expected"), [
    ("7d", timedelta(days=7)), ("12h", timedelta(hours=12)), ("30m", timedelta(minutes=30)),
    ("45s", timedelta(seconds=45)), (" 2h ", timedelta(hours=2)),
])
def test_durations(text: str, expected: timedelta) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "7", "d", "0h", "1.5h", "-1h", "1w", "1h30m", "h1"])
def test_malformed_durations(text: str) -> None:
    with pytest.raises(ValueError, match="positive duration"):
        parse_duration(text)


@pytest.mark.parametrize(("name", "value"), [
    ("JWT_EXPIRES_IN", "a week"), ("PORT", "0"), ("PORT", "65536"), ("PORT", "3e3"),
    ("LOG_LEVEL", "chatty"), ("LOG_FORMAT", "xml"), ("CACHE_READS", "maybe"),
    ("RATE_LIMIT_PER_MINUTE", "-5"), ("WEB_CONCURRENCY", "0"), ("ORDERZAP_POOL_TIMEOUT", "never"),
    ("CONVEX_DEPLOYMENT", "prod:Not Valid"), ("ORDERZAP_RELAY", "sometimes"),
    ("CONVEX_URL", "happy-otter-123.convex.cloud"), ("CONVEX_URL", "http://happy-otter-123.convex.cloud"),
    ("CONVEX_URL", "https://x.convex.cloud/api"), ("CONVEX_URL", "https://user@x.convex.cloud"),
    ("CONVEX_URL", "http://127.0.0.1:99999"), ("ORDERZAP_CONVEX_READ_TIMEOUT", "0"),
    ("ORDERZAP_CONVEX_CONNECT_TIMEOUT", "soon"), ("ORDERZAP_CONVEX_WRITE_TIMEOUT", "-1"),
    ("ORDERZAP_CONVEX_BREAKER_FAILURES", "0"), ("ORDERZAP_CONVEX_BREAKER_PAUSE", "x"),
    ("ORDERZAP_RELAY_BATCH", "99"), ("ORDERZAP_RELAY_BATCH", "501"), ("ORDERZAP_RELAY_SWEEP", "0"),
])
def test_a_malformed_variable_is_named_in_one_line(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**REMOTE, name: value})
    message = str(raised.value)
    assert message.startswith(f"{name}={value!r} is invalid: ")
    assert "\n" not in message


def test_every_variable_is_read() -> None:
    settings = Settings.from_env({
        **REMOTE, "DATABASE_APP_URL": "postgresql://orderzap_app@db.example/orderzap",
        "JWT_EXPIRES_IN": "12h", "JWT_ISSUER": "orderzap", "JWT_AUDIENCE": "clients", "PORT": "8080",
        "HOST": "0.0.0.0", "ALLOWED_ORIGINS": "https://a.example, https://b.example,",
        "LOG_LEVEL": "debug", "LOG_FORMAT": "JSON", "LOG_DIR": "/tmp/orderzap-logs",
        "RATE_LIMIT_PER_MINUTE": "600", "CACHE_READS": "off", "ORDERZAP_DATA_DIR": "/tmp/oz",
        "CONVEX_URL": "https://x.convex.cloud", "CONVEX_ADMIN_KEY": "key", "WEB_CONCURRENCY": "4",
        "ORDERZAP_THREADS": "16", "ORDERZAP_GRACEFUL_TIMEOUT": "10", "ORDERZAP_RELAY": "off",
        "ORDERZAP_POOL_MAX": "5", "ORDERZAP_POOL_TIMEOUT": "1.5", "ORDERZAP_POOL_IDLE": "60",
    })
    assert settings.database_app_url == "postgresql://orderzap_app@db.example/orderzap"
    assert settings.jwt_expires_in == timedelta(hours=12)
    assert (settings.jwt_issuer, settings.jwt_audience) == ("orderzap", "clients")
    assert (settings.host, settings.port) == ("0.0.0.0", 8080)
    assert settings.allowed_origins == ("https://a.example", "https://b.example")
    assert (settings.log_level, settings.log_format) == ("DEBUG", "json")
    assert settings.log_dir == Path("/tmp/orderzap-logs")
    assert settings.rate_limit_per_minute == 600
    assert settings.cache_reads is False
    assert settings.data_dir == Path("/tmp/oz")
    assert (settings.convex_url, settings.convex_admin_key) == ("https://x.convex.cloud", "key")
    assert (settings.workers, settings.threads, settings.graceful_timeout_seconds) == (4, 16, 10.0)
    assert settings.relay is False
    assert (settings.pool_max_size, settings.pool_timeout_seconds, settings.pool_idle_seconds) == (5, 1.5, 60)


def test_the_mirror_settings_are_read() -> None:
    settings = Settings.from_env({
        **REMOTE, "CONVEX_URL": "http://127.0.0.1:3210/", "CONVEX_ADMIN_KEY": "key",
        "ORDERZAP_CONVEX_CONNECT_TIMEOUT": "0.2", "ORDERZAP_CONVEX_READ_TIMEOUT": "0.3",
        "ORDERZAP_CONVEX_WRITE_TIMEOUT": "5", "ORDERZAP_CONVEX_BREAKER_FAILURES": "2",
        "ORDERZAP_CONVEX_BREAKER_PAUSE": "1.5", "ORDERZAP_RELAY_BATCH": "500", "ORDERZAP_RELAY_SWEEP": "0.5"})
    assert settings.convex_url == "http://127.0.0.1:3210"
    assert (settings.convex_connect_timeout_seconds, settings.convex_read_timeout_seconds,
            settings.convex_write_timeout_seconds) == (0.2, 0.3, 5.0)
    assert (settings.convex_breaker_failures, settings.convex_breaker_pause_seconds) == (2, 1.5)
    assert (settings.relay_batch_size, settings.relay_sweep_seconds) == (500, 0.5)


@pytest.mark.parametrize("name", ["CONVEX_URL", "CONVEX_DEPLOYMENT"])
def test_a_mirror_without_an_admin_key_is_one_line(name: str) -> None:
    value = "https://x.convex.cloud" if name == "CONVEX_URL" else "prod:x"
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({**REMOTE, name: value})
    assert str(raised.value).startswith("CONVEX_ADMIN_KEY (or CONVEX_DEPLOY_KEY) is required")


def test_a_deploy_key_alone_configures_no_mirror() -> None:
    """``npx convex deploy`` reads CONVEX_DEPLOY_KEY too; without a URL it is not ours to use."""
    assert Settings.from_env({**REMOTE, "CONVEX_DEPLOY_KEY": "prod:x|secret"}).convex_url is None


def test_convex_names_from_its_own_tools_are_understood() -> None:
    settings = Settings.from_env({**REMOTE, "CONVEX_DEPLOYMENT": "prod:happy-otter-123",
                                  "CONVEX_DEPLOY_KEY": "prod:happy-otter-123|secret"})
    assert settings.convex_url == "https://happy-otter-123.convex.cloud"
    assert settings.convex_admin_key == "prod:happy-otter-123|secret"


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    settings = Settings.from_env({"DATABASE_URL": "", "PORT": "", "ORDERZAP_DATA_DIR": str(tmp_path)})
    assert settings.embedded and settings.port == 3001


def test_a_flag_overrides_its_variable() -> None:
    settings = Settings.from_env({**REMOTE, "PORT": "8080", "HOST": "0.0.0.0"}, port=9000, host=None)
    assert (settings.port, settings.host) == (9000, "0.0.0.0")
