"""``orderzap realtime jwks``: the public JWKS and the data: URI Convex needs, from the same
configuration as the server (the embedded default's key included); no database is opened."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from click.testing import CliRunner, Result

from orderzap_http.cli import Cli, main
from orderzap_http.realtime import KEY_FILE, RealtimeKey, RealtimeTokens, load_key
from orderzap_http.settings import Settings

REMOTE = {"DATABASE_URL": "postgresql://nowhere.invalid/orderzap", "JWT_SECRET": "s" * 32}


def jwks(environ: dict[str, str], *args: str) -> Result:
    """The command run with ``environ`` as its whole environment, as a fresh process would."""
    return CliRunner().invoke(main, ["realtime", "jwks", *args], obj=Cli(environ=environ))


def test_json_is_one_document_with_the_jwks_its_data_uri_and_the_kid() -> None:
    key = RealtimeKey.generate()
    result = jwks({**REMOTE, "ORDERZAP_REALTIME_KEY": key.pem()}, "--json")
    assert result.exit_code == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer == {"jwks": key.jwks(), "dataUri": key.data_uri(), "kid": key.kid}
    prefix, _, data = answer["dataUri"].partition(",")
    assert prefix == "data:text/plain;charset=utf-8;base64"
    assert json.loads(base64.b64decode(data)) == answer["jwks"]
    assert result.stderr == ""


def test_text_shows_the_jwks_the_data_uri_and_how_to_set_it_on_convex() -> None:
    key = RealtimeKey.generate()
    result = jwks({**REMOTE, "ORDERZAP_REALTIME_KEY": key.pem()})
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert key.kid in out.splitlines()[0]
    start = out.index("{")
    printed, _ = json.JSONDecoder().raw_decode(out[start:])
    assert printed == key.jwks()
    assert key.data_uri() in out.splitlines()
    assert f"  npx convex env set ORDERZAP_REALTIME_JWKS '{key.data_uri()}'" in out.splitlines()
    assert "PRIVATE" not in out and '"d"' not in out


def test_the_embedded_default_prints_the_key_the_server_signs_with(tmp_path: Path) -> None:
    environ = {"ORDERZAP_DATA_DIR": str(tmp_path)}
    first = jwks(environ, "--json")
    assert first.exit_code == 0, first.stderr
    assert (tmp_path / KEY_FILE).exists()
    server = RealtimeTokens.from_settings(Settings.from_env({**environ, "CONVEX_URL": "https://x.convex.cloud",
                                                                  "CONVEX_ADMIN_KEY": "key"}))
    assert server is not None
    assert json.loads(first.stdout)["kid"] == server.key.kid == load_key(Settings.from_env(environ)).kid
    assert json.loads(jwks(environ, "--json").stdout) == json.loads(first.stdout)     # reused


def test_a_malformed_key_is_one_line_without_the_value() -> None:
    result = jwks({**REMOTE, "ORDERZAP_REALTIME_KEY": "-----BEGIN PRIVATE KEY-----\nsecretstuff"})
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("Error: ORDERZAP_REALTIME_KEY is invalid: ")
    assert "secretstuff" not in result.stderr


def test_a_real_database_without_a_key_is_one_line_naming_the_variable() -> None:
    result = jwks(REMOTE, "--json")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.strip() == ("Error: ORDERZAP_REALTIME_KEY is required when DATABASE_URL is set "
                                     "(a PEM EC P-256 private key, or @/path/to/key.pem)")
