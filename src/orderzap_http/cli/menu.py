"""``orderzap menu add | list``: a restaurant's menu."""

from __future__ import annotations

import click

from orderzap_core import MenuItem, NewMenuItem
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import dump, emit, money, table


@click.group()
def menu() -> None:
    """Manage a restaurant's menu."""


@menu.command()
@click.option("--restaurant", "slug", required=True, help="The restaurant's slug.")
@click.option("--name", required=True, help="1-100 characters, unique on the menu.")
@click.option("--price-cents", required=True, type=int, help="The price in minor units (0-10000000).")
@click.option("--unavailable", is_flag=True, help="Add it switched off (not orderable yet).")
@json_option
@pass_cli
def add(cli: Cli, slug: str, name: str, price_cents: int, unavailable: bool, as_json: bool) -> None:
    """Add an item to a restaurant's menu."""
    restaurant = cli.services.accounts.restaurant(slug)
    item = cli.services.menu.create(cli.services.accounts.operator(slug),
                                    NewMenuItem(name, price_cents, is_available=not unavailable))
    state = "available" if item.is_available else "unavailable"
    emit(dump(item), as_json, text=f"Added {item.name} at {money(item.price_cents, restaurant.currency)} "
                                   f"({state}) id {item.id}")


@menu.command(name="list")
@click.option("--restaurant", "slug", required=True, help="The restaurant's slug.")
@json_option
@pass_cli
def list_(cli: Cli, slug: str, as_json: bool) -> None:
    """List a restaurant's menu (every live item, oldest first)."""
    restaurant = cli.services.accounts.restaurant(slug)
    operator = cli.services.accounts.operator(slug)
    items: list[MenuItem] = []
    cursor: str | None = None
    while True:
        page = cli.services.menu.list(operator, limit=200, cursor=cursor)
        items += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    emit([dump(i) for i in items], as_json, text=lambda: table(
        ["NAME", "PRICE", "AVAILABLE", "ID"],
        [[i.name, money(i.price_cents, restaurant.currency), "yes" if i.is_available else "no",
          str(i.id)] for i in items],
        empty=f"The menu of {slug} is empty: add items with `orderzap menu add`."))
