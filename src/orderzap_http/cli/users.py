"""``orderzap user create``: add a user to a restaurant."""

from __future__ import annotations

import sys

import click

from orderzap_core import NewUser, Role
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import emit, user_view


@click.group()
def user() -> None:
    """Manage a restaurant's users."""


@user.command()
@click.option("--restaurant", "slug", required=True, help="The restaurant's slug.")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", default=None,
              help="The password (8-1024 characters). Prompted for when absent, in a terminal.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
@json_option
@pass_cli
def create(cli: Cli, slug: str, email: str, role: str, password: str | None, password_stdin: bool,
           as_json: bool) -> None:
    """Add a user to a restaurant; prompts for the password unless given."""
    password = _password(cli, password, password_stdin)
    operator = cli.services.accounts.operator(slug)
    created = cli.services.accounts.create_user(operator, NewUser(email, Role(role), password))
    emit(user_view(created), as_json,
         text=f"Created {created.role.value} {created.email} in {slug} (id {created.id})")


def _password(cli: Cli, given: str | None, from_stdin: bool) -> str:
    if given is not None and from_stdin:
        raise click.UsageError("give either --password or --password-stdin, not both")
    if given is not None:
        return given
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise click.ClickException("--password-stdin read no password from stdin")
        return line
    if not cli.interactive:
        # NOTE: never wait for input that cannot come (CI, cron, a pipe): say what to do instead.
        raise click.ClickException(
            "no password given and no terminal to prompt in: pass --password or --password-stdin")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return value
