"""``orderzap restaurant create | list``: operator commands across restaurants."""

from __future__ import annotations

import secrets

import click

from orderzap_core import NewRestaurant, NewUser, Restaurant, Role, User, ValidationFailed, rules
from orderzap_core.wire import rfc3339
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import dump, emit, restaurant_line, table, user_view


def generated_password() -> str:
    """A random password for an account created without one (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


@click.group()
def restaurant() -> None:
    """Create and list restaurants (operators)."""


@restaurant.command()
@click.option("--name", required=True, help="The restaurant's name, 1-100 characters.")
@click.option("--slug", required=True, help="Its login name: lower-case letters, digits, hyphens.")
@click.option("--email", default=None,
              help="Also create an admin user with this email; its generated password is printed once.")
@click.option("--currency", default="USD", show_default=True, help="ISO 4217 code of its prices.")
@json_option
@pass_cli
def create(cli: Cli, name: str, slug: str, email: str | None, currency: str, as_json: bool) -> None:
    """Create a restaurant, and with --email its first admin."""
    if email is not None:
        problems = rules.email("email", email)
        if problems:        # checked first, so a bad email leaves no restaurant behind
            raise ValidationFailed(problems)
    created = cli.services.accounts.create_restaurant(NewRestaurant(name, slug, currency.upper()))
    admin: User | None = None
    password = None
    if email is not None:
        password = generated_password()
        admin = cli.services.accounts.create_user(
            cli.services.accounts.operator(created.slug), NewUser(email, Role.ADMIN, password))
    emit({"restaurant": dump(created),
          "admin": None if admin is None else {"user": user_view(admin), "password": password}},
         as_json, text=lambda: _created_text(created, admin, password))


def _created_text(created: Restaurant, admin: User | None, password: str | None) -> str:
    text = f"Created restaurant {restaurant_line(created)}"
    if admin is not None:
        text += f"\nAdmin login: {admin.email} / {password}  (shown only now)"
    return text


@restaurant.command(name="list")
@json_option
@pass_cli
def list_(cli: Cli, as_json: bool) -> None:
    """List every restaurant, oldest first."""
    found = cli.services.accounts.list_restaurants()
    emit([dump(r) for r in found], as_json, text=lambda: table(
        ["SLUG", "NAME", "CURRENCY", "ID", "CREATED"],
        [[r.slug, r.name, r.currency, str(r.id), rfc3339(r.created_at)] for r in found],
        empty="No restaurants yet: create one with `orderzap restaurant create`."))
