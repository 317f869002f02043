"""What commands print: human-readable text, or exactly one JSON document on stdout with ``--json``.

JSON is what the API's ``data`` would hold, through the core's one camelCase converter. Progress,
prompts and errors go to stderr, so ``orderzap ... --json | jq`` always reads one document.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import click

from orderzap_core import Order, Restaurant, User
from orderzap_core.wire import Wire, rfc3339

#: ISO 4217 minor units where they are not 2 (the rest of the active codes use cents).
_EXPONENTS = {
    **dict.fromkeys(("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
                     "UYI", "VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4, "UYW": 4,
}

_wire = Wire()


def dump(value: Any) -> Any:
    """``value`` as JSON-ready data with camelCase keys (the API's converter)."""
    return _wire.dump(value)


def emit(data: Any, as_json: bool, text: str | Callable[[], str]) -> None:
    """Print ``data`` as one JSON document (already JSON-ready) or ``text`` for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        click.echo(text() if callable(text) else text)


def progress(message: str) -> None:
    """A line for people watching, on stderr (never part of the JSON document)."""
    click.echo(message, err=True)


def user_view(user: User) -> dict[str, Any]:
    """A user as the API shows one: never its password hash."""
    return {"id": str(user.id), "email": user.email, "role": user.role.value,
            "restaurantId": str(user.restaurant_id)}


def money(cents: int, currency: str) -> str:
    """``1150, "USD"`` → ``11.50 USD``, using the currency's minor units."""
    exponent = _EXPONENTS.get(currency, 2)
    sign, cents = ("-" if cents < 0 else ""), abs(cents)
    if exponent == 0:
        return f"{sign}{cents} {currency}"
    whole, fraction = divmod(cents, 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d} {currency}"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], *, empty: str = "(none)") -> str:
    """A plain left-aligned table; ``empty`` when there are no rows."""
    if not rows:
        return empty
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def restaurant_line(restaurant: Restaurant) -> str:
    """One line naming a restaurant."""
    return f"{restaurant.name} ({restaurant.slug}, {restaurant.currency}) id {restaurant.id}"


def order_text(order: Order) -> str:
    """An order for people: header, items, total, times."""
    lines = [
        f"Order #{order.order_number}  {order.status.value}"
        + ("  (deleted " + rfc3339(order.deleted_at) + ")" if order.deleted_at else ""),
        f"  id        {order.id}",
        f"  customer  {order.customer_name}  {order.customer_phone}",
        f"  payment   {order.payment_method.value}",
    ]
    if order.notes:
        lines.append(f"  notes     {order.notes}")
    for item in order.items:
        line = (f"  {item.quantity:>3} x {item.name}  "
                f"{money(item.line_total_cents, order.currency)}")
        if item.special_instructions:
            line += f"  ({item.special_instructions})"
        lines.append(line)
    lines += [
        f"  total     {money(order.total_cents, order.currency)}",
        f"  version   {order.version}, created {rfc3339(order.created_at)}, "
        f"updated {rfc3339(order.updated_at)}",
    ]
    return "\n".join(lines)
