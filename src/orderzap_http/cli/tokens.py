"""``orderzap token issue``: a JWT for a user, signed exactly as the server signs logins."""

from __future__ import annotations

from datetime import timedelta

import click

from orderzap_core.wire import rfc3339
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import emit, progress, user_view
from orderzap_http.settings import parse_duration


class Duration(click.ParamType):
    """``7d``, ``12h``, ``30m``, ``45s``."""

    name = "duration"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> timedelta:
        """The duration ``value`` stands for."""
        if isinstance(value, timedelta):
            return value
        try:
            return parse_duration(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


@click.group()
def token() -> None:
    """Issue API tokens."""


@token.command()
@click.option("--restaurant", "slug", required=True, help="The restaurant's slug.")
@click.option("--email", required=True, help="The user the token speaks for.")
@click.option("--expires-in", type=Duration(), default=None,
              help="Lifetime such as 1h or 7d (default: JWT_EXPIRES_IN, else 7d).")
@json_option
@pass_cli
def issue(cli: Cli, slug: str, email: str, expires_in: timedelta | None, as_json: bool) -> None:
    """Print a JWT for a user (only the token on stdout, for $(...))."""
    found, restaurant = cli.services.accounts.user_by_email(slug, email)
    issued = cli.tokens.issue(found, restaurant, expires_in)
    if as_json:
        emit({"token": issued.token, "expiresAt": rfc3339(issued.expires_at),
              "user": user_view(found)}, True, text="")
        return
    progress(f"Token for {found.role.value} {found.email} of {restaurant.slug}, "
             f"valid until {rfc3339(issued.expires_at)}")
    emit(None, False, text=issued.token)
