"""``orderzap orders list | show | advance``: the kitchen's view of a restaurant's orders."""

from __future__ import annotations

from uuid import UUID

import click

from orderzap_core import ListOrders, OrderId, OrderStatus, StatusChange
from orderzap_core.wire import rfc3339
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import dump, emit, money, order_text, progress, table

STATUSES = [s.value for s in OrderStatus]


def _statuses(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[OrderStatus, ...]:
    if value is None:
        return ()
    chosen = []
    for part in (p.strip() for p in value.split(",")):
        if part not in STATUSES:
            raise click.BadParameter(f"{part!r} is not one of {', '.join(STATUSES)}")
        chosen.append(OrderStatus(part))
    return tuple(chosen)


@click.group()
def orders() -> None:
    """List, show and advance a restaurant's orders."""


@orders.command(name="list")
@click.option("--restaurant", "slug", required=True, help="The restaurant's slug.")
@click.option("--status", "statuses", callback=_statuses, metavar="S[,S]",
              help=f"Only these statuses ({', '.join(STATUSES)}).")
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True,
              help="How many orders, newest first.")
@json_option
@pass_cli
def list_(cli: Cli, slug: str, statuses: tuple[OrderStatus, ...], limit: int, as_json: bool) -> None:
    """List a restaurant's newest orders."""
    operator = cli.services.accounts.operator(slug)
    page = cli.services.orders.list(operator, ListOrders(statuses=statuses, limit=limit))
    if page.next_cursor is not None and not as_json:
        progress(f"(showing the newest {limit}; raise --limit to see more)")
    emit([dump(o) for o in page.items], as_json, text=lambda: table(
        ["#", "STATUS", "CUSTOMER", "TOTAL", "ITEMS", "CREATED", "ID"],
        [[str(o.order_number), o.status.value, o.customer_name, money(o.total_cents, o.currency),
          str(sum(i.quantity for i in o.items)), rfc3339(o.created_at), str(o.id)]
         for o in page.items],
        empty="No orders."))


@orders.command()
@click.argument("order_id", type=click.UUID)
@click.option("--restaurant", "slug", required=True, help="The restaurant's slug.")
@json_option
@pass_cli
def show(cli: Cli, order_id: UUID, slug: str, as_json: bool) -> None:
    """Show one order with its items (soft-deleted ones too, marked)."""
    operator = cli.services.accounts.operator(slug)
    order = cli.services.orders.get(operator, OrderId(order_id), include_deleted=True)
    emit(dump(order), as_json, text=lambda: order_text(order))


@orders.command()
@click.argument("order_id", type=click.UUID)
@click.option("--restaurant", "slug", required=True, help="The restaurant's slug.")
@click.option("--to", "status", required=True, type=click.Choice(STATUSES),
              help="The status to move it to.")
@json_option
@pass_cli
def advance(cli: Cli, order_id: UUID, slug: str, status: str, as_json: bool) -> None:
    """Move ORDER_ID to STATUS, as the kitchen would."""
    operator = cli.services.accounts.operator(slug)
    order = cli.services.orders.change_status(operator, OrderId(order_id), StatusChange(OrderStatus(status)))
    emit(dump(order), as_json,
         text=f"Order #{order.order_number} is now {order.status.value} (version {order.version})")
