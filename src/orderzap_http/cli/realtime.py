"""``orderzap realtime jwks``: what Convex needs to trust the API's realtime tokens."""

from __future__ import annotations

import json

import click

from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import emit
from orderzap_http.realtime import ALGORITHM, JWKS_VARIABLE, RealtimeKey, load_key


@click.group()
def realtime() -> None:
    """Realtime tokens for screens that subscribe to the Convex mirror."""


@realtime.command()
@json_option
@pass_cli
def jwks(cli: Cli, as_json: bool) -> None:
    """Print the public JWKS of the realtime signing key (ORDERZAP_REALTIME_KEY, else the embedded
    default's, generated on first use) and the data: URI that convex/auth.config.ts reads from
    ORDERZAP_REALTIME_JWKS."""
    key = load_key(cli.settings)
    emit({"jwks": key.jwks(), "dataUri": key.data_uri(), "kid": key.kid}, as_json,
         text=lambda: jwks_text(key))


def jwks_text(key: RealtimeKey) -> str:
    """The JWKS, its data: URI and the command that sets it on a Convex deployment."""
    # NOTE: single quotes are safe: a data: URI of base64 holds no quote for the shell to break on.
    return "\n".join([
        f"Realtime signing key {key.kid} ({ALGORITHM})",
        "",
        "Public JWKS:",
        json.dumps(key.jwks(), indent=2),
        "",
        f"data: URI ({JWKS_VARIABLE}, read by convex/auth.config.ts):",
        key.data_uri(),
        "",
        "Set it on the Convex deployment, then deploy convex/ again (npx convex deploy):",
        f"  npx convex env set {JWKS_VARIABLE} '{key.data_uri()}'",
    ])
