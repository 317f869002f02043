"""``orderzap db migrate | status``: the schema, as the owner (DATABASE_URL)."""

from __future__ import annotations

import click

from orderzap_core.wire import rfc3339
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import emit, table


@click.group()
def db() -> None:
    """Migrate the database and show its migrations."""


@db.command()
@json_option
@pass_cli
def migrate(cli: Cli, as_json: bool) -> None:
    """Apply every pending migration (safe to run again, and from several processes)."""
    applied = cli.schema().migrate()
    text = ("\n".join(f"Applied {name}" for name in applied) if applied
            else "The database is up to date.")
    emit({"applied": applied}, as_json, text=text)


@db.command()
@json_option
@pass_cli
def status(cli: Cli, as_json: bool) -> None:
    """List every migration and when it was applied."""
    found = cli.schema().status()
    pending = sum(1 for _, at in found if at is None)
    emit({"migrations": [{"name": name, "appliedAt": rfc3339(at) if at else None} for name, at in found],
          "pending": pending}, as_json,
         text=lambda: table(["MIGRATION", "APPLIED"],
                            [[name, rfc3339(at) if at else "pending"] for name, at in found])
         + (f"\n{pending} pending: run `orderzap db migrate`." if pending else ""))
