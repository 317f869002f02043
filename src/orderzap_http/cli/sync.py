"""``orderzap sync run | status | retry``: the outbox relay as its own process, and its operators' view.

``run`` delivers the outbox to the Convex mirror until stopped (``--once``: until the outbox is empty
or the mirror fails), like the relay inside ``orderzap serve``; several relays are safe. ``status``
shows what waits, what is parked and why; ``retry`` puts parked rows back in the queue after a fix.
"""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

import click

from orderzap_core.ports.outbox import OutboxEntry, OutboxStats
from orderzap_core.services.relay import RelayStep
from orderzap_core.wire import rfc3339
from orderzap_http.bootstrap import NO_MIRROR
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.output import emit, table
from orderzap_http.settings import SettingsError


@click.group()
def sync() -> None:
    """Deliver the outbox to the Convex mirror, and inspect or re-queue what it holds."""


def _require_mirror(cli: Cli) -> None:
    if cli.settings.convex_url is None:
        raise SettingsError(NO_MIRROR)


@sync.command()
@click.option("--once", is_flag=True,
              help="Deliver until the outbox is empty (or the mirror fails), then exit.")
@json_option
@pass_cli
def run(cli: Cli, once: bool, as_json: bool) -> None:
    """Run the outbox relay (orderzap_relay) until SIGTERM or Ctrl-C."""
    _require_mirror(cli)
    relay = cli.services.relay
    totals = {"applied": 0, "stale": 0, "superseded": 0, "parked": 0}
    failed: RelayStep | None = None
    if once:
        for step in relay.drain(max_steps=1_000_000):
            _add(totals, step)
            if step.failed:
                failed = step
    else:
        stop = threading.Event()

        def stopping(signum: int, frame: FrameType | None) -> None:
            stop.set()

        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, stopping)
        click.echo("Relaying the outbox to the Convex mirror; stop with Ctrl-C.", err=True)
        while not stop.is_set():
            step = relay.step()
            _add(totals, step)
            if step.failed:
                click.echo(f"delivery failed, retrying in {step.wait_seconds:.1f} s: {step.error}", err=True)
            stop.wait(step.wait_seconds)
    stats = cli.services.outbox.stats(cli.services.clock.now())
    if failed is not None:
        raise click.ClickException(f"the mirror failed: {failed.error}; delivered {totals['applied']}, "
                                   f"{stats.pending} row(s) still pending (nothing is lost)")
    document = {**totals, "pending": stats.pending, "parkedTotal": stats.parked}
    emit(document, as_json, text=lambda: _run_text(document))


def _add(totals: dict[str, int], step: RelayStep) -> None:
    totals["applied"] += step.applied
    totals["stale"] += step.stale
    totals["superseded"] += step.superseded
    totals["parked"] += step.parked


def _run_text(document: dict[str, Any]) -> str:
    return (f"Delivered {document['applied']} snapshot(s) ({document['stale']} already there, "
            f"{document['superseded']} superseded); parked {document['parked']}. "
            f"{document['pending']} pending, {document['parkedTotal']} parked in all.")


@sync.command()
@json_option
@pass_cli
def status(cli: Cli, as_json: bool) -> None:
    """Pending rows, the oldest one's age, parked rows with their errors, and the last error."""
    stats = cli.services.outbox.stats(cli.services.clock.now())
    parked = cli.services.outbox.parked()
    emit(status_document(stats, parked), as_json, text=lambda: _status_text(stats, parked))


def status_document(stats: OutboxStats, parked: list[OutboxEntry]) -> dict[str, Any]:
    """What ``sync status --json`` prints (the numbers of ``/ready`` with the parked rows)."""
    return {"pending": stats.pending, "oldestAgeSeconds": round(stats.oldest_age_seconds, 3),
            "parked": stats.parked, "lastError": stats.last_error,
            "parkedRows": [_parked_view(entry) for entry in parked]}


def _parked_view(entry: OutboxEntry) -> dict[str, Any]:
    return {"id": entry.id, "orderId": str(entry.order.id), "restaurantId": str(entry.order.restaurant_id),
            "version": entry.order.version, "attempts": entry.attempts, "error": entry.last_error,
            "parkedAt": rfc3339(entry.parked_at) if entry.parked_at else None}


def _status_text(stats: OutboxStats, parked: list[OutboxEntry]) -> str:
    lines = [f"{stats.pending} pending (oldest {stats.oldest_age_seconds:.1f} s), {stats.parked} parked.",
             f"Last error: {stats.last_error or 'none'}"]
    if parked:
        lines.append(table(["ID", "ORDER", "VERSION", "ATTEMPTS", "PARKED", "ERROR"], [
            [str(e.id), str(e.order.id), str(e.order.version), str(e.attempts),
             rfc3339(e.parked_at) if e.parked_at else "", e.last_error or ""] for e in parked]))
        lines.append("Fix the cause, then `orderzap sync retry --all` (or the ids) re-queues them.")
    return "\n".join(lines)


@sync.command()
@click.option("--all", "every", is_flag=True, help="Re-queue every parked row.")
@click.argument("ids", nargs=-1, type=click.IntRange(min=1))
@json_option
@pass_cli
def retry(cli: Cli, every: bool, ids: tuple[int, ...], as_json: bool) -> None:
    """Put parked outbox rows (by ID, or --all) back in the queue."""
    if every == bool(ids):
        raise click.UsageError("give either --all or the ids of parked rows "
                               "(`orderzap sync status` lists them)")
    count = cli.services.outbox.requeue(None if every else list(ids))
    emit({"requeued": count}, as_json, text=f"Re-queued {count} parked row(s).")
