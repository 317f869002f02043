"""``orderzap cache verify [--restaurant SLUG] [--repair]``: the Convex mirror against PostgreSQL.

Every order is compared with its mirror copy (missing, stale, different, extra). With ``--repair``
each difference is fixed by compare-and-set — a delivery the relay makes meanwhile is never undone
— and the mirror is verified again. Exit 0 when the mirror (after a repair: the repaired mirror)
equals the source, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.services.mirror_audit import Audit, Kind, MirrorVerifier
from orderzap_http.cli import Cli, json_option, pass_cli

#: Differences listed in full in the text output; the JSON lists them all.
SHOWN = 20


@click.group()
def cache() -> None:
    """Compare the Convex mirror with PostgreSQL, and repair it."""


@cache.command()
@click.option("--restaurant", "slug", default=None, help="Only this restaurant (slug); default: all.")
@click.option("--repair", is_flag=True, help="Fix every difference, then verify again.")
@json_option
@pass_cli
def verify(cli: Cli, slug: str | None, repair: bool, as_json: bool) -> None:
    """Compare the mirror with PostgreSQL order by order; with --repair, fix what differs."""
    verifier = cli.verifier()
    restaurant = cli.services.accounts.restaurant(slug) if slug is not None else None
    audit = _verify(verifier, cli, restaurant, as_json)
    document: dict[str, Any] = {"before": audit_view(audit), "repair": None, "after": None}
    final = audit
    if repair and not audit.clean:
        repairs = verifier.repair(audit)
        final = _verify(verifier, cli, restaurant, as_json)
        document["repair"] = {"applied": repairs.applied, "conflicts": repairs.conflicts}
        document["after"] = audit_view(final)
    document["clean"] = final.clean
    if as_json:
        click.echo(json.dumps(document, ensure_ascii=False))
    else:
        click.echo(_text(document, audit))
    if not final.clean:
        raise click.exceptions.Exit(1)


def _verify(verifier: MirrorVerifier, cli: Cli, restaurant: Restaurant | None, quiet: bool) -> Audit:
    """One verification, with a progress bar over the restaurants on a terminal."""
    total = 1 if restaurant is not None else len(cli.services.accounts.list_restaurants())
    show = not quiet and sys.stderr.isatty()
    with click.progressbar(length=total, label="Verifying", file=sys.stderr,
                           show_pos=True) if show else _NoBar() as bar:
        return verifier.verify(restaurant, progress=lambda _restaurant, _count: bar.update(1))


class _NoBar:
    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def update(self, steps: int) -> None:
        """Nothing to draw off a terminal."""


def audit_view(audit: Audit) -> dict[str, Any]:
    """An audit as JSON: counts per kind and every difference."""
    return {"checked": audit.checked, "mirrored": audit.mirrored,
            **{kind.value: audit.count(kind) for kind in Kind},
            "differences": [{"kind": d.kind.value, "restaurantId": str(d.restaurant_id),
                             "orderId": str(d.order_id), "sourceVersion": d.source_version,
                             "mirrorVersion": d.mirror_version} for d in audit.differences]}


def _summary(view: dict[str, Any]) -> str:
    return (f"{view['checked']} order(s) in PostgreSQL, {view['mirrored']} in the mirror: "
            + ", ".join(f"{view[k.value]} {k.value}" for k in Kind) + ".")


def _text(document: dict[str, Any], audit: Audit) -> str:
    lines = [_summary(document["before"])]
    for d in audit.differences[:SHOWN]:
        lines.append(f"  {d.kind.value:<9} order {d.order_id} (restaurant {d.restaurant_id}): "
                     f"PostgreSQL v{d.source_version or '-'}, mirror v{d.mirror_version or '-'}")
    if len(audit.differences) > SHOWN:
        lines.append(f"  ... and {len(audit.differences) - SHOWN} more (--json lists them all)")
    if document["repair"] is not None:
        lines.append(f"Repaired {document['repair']['applied']} "
                     f"({document['repair']['conflicts']} changed meanwhile). After the repair: "
                     + _summary(document["after"]))
    elif not audit.clean:
        lines.append("Run again with --repair to fix them.")
    lines.append("The mirror equals PostgreSQL." if document["clean"]
                 else "The mirror differs from PostgreSQL.")
    return "\n".join(lines)
