"""``orderzap serve``: the API under gunicorn, with the outbox relay in-process.

On the embedded default (no DATABASE_URL) the first start creates the demo restaurant ``demo``;
every start then prints its admin login, a fresh token and a curl line that places an order. The
login is kept in the data directory (``demo-login.json``, 0600, next to the database it opens), so
a restart can print it again. With ``LOG_FORMAT=json`` the banner is one log event instead (no
password, no token); with ``--json`` it is one JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import shlex
from pathlib import Path
from typing import Any

import click
from attrs import frozen

from orderzap_core import MenuItem, Restaurant, Role, Services, User
from orderzap_core.errors import NotFound
from orderzap_core.wire import rfc3339
from orderzap_http import logs, server
from orderzap_http.bootstrap import Runtime
from orderzap_http.cli import Cli, json_option, pass_cli
from orderzap_http.cli.demo import seed_demo
from orderzap_http.cli.output import money
from orderzap_http.settings import Settings

DEMO_SLUG = "demo"
DEMO_LOGIN_FILE = "demo-login.json"


@frozen
class DemoLogin:
    """What a newcomer needs: the admin's login, a token, and a menu item to order."""

    restaurant: Restaurant
    admin: User
    password: str | None
    token: str
    expires_at: str
    menu_item: MenuItem | None
    created: bool


@click.command()
@click.option("--host", default=None, help="Interface to listen on (HOST, default 127.0.0.1).")
@click.option("--port", type=click.IntRange(1, 65535), default=None, help="Port (PORT, default 3001).")
@click.option("--workers", type=click.IntRange(1, 256), default=None,
              help="Worker processes (WEB_CONCURRENCY, default 4).")
@click.option("--threads", type=click.IntRange(1, 1000), default=None,
              help="Request threads per worker (ORDERZAP_THREADS, default 4).")
@click.option("--no-relay", is_flag=True,
              help="Do not run the outbox relay in this process (run `orderzap sync run` instead).")
@json_option
@pass_cli
def serve(cli: Cli, host: str | None, port: int | None, workers: int | None, threads: int | None,
          no_relay: bool, as_json: bool) -> None:
    """Serve the API (embedded PostgreSQL when DATABASE_URL is unset); stop with Ctrl-C or SIGTERM."""
    settings = cli.configure(host=host, port=port, workers=workers, threads=threads,
                             relay=False if no_relay else None)

    def announce(owner: Runtime) -> None:
        demo = ensure_demo(owner.services, settings) if settings.embedded else None
        if as_json:
            # One line: stdout stays JSON lines when the logs on stderr are too.
            click.echo(json.dumps(startup_document(settings, demo), ensure_ascii=False))
        elif settings.log_format == "json":
            logs.get_logger("orderzap.server").info("serving", **startup_event(settings, demo))
        else:
            click.echo(startup_text(settings, demo))

    server.run(settings, prepare=announce)


def base_url(settings: Settings) -> str:
    """The URL a local client uses (a wildcard host is reached on loopback)."""
    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(settings.host, settings.host)
    return f"http://[{host}]:{settings.port}" if ":" in host else f"http://{host}:{settings.port}"


def ensure_demo(services: Services, settings: Settings) -> DemoLogin | None:
    """Create the demo restaurant on the first start; on every start, its login and a fresh token.
    None when a restaurant ``demo`` exists that this server did not create (no admin known)."""
    from orderzap_http.tokens import TokenService

    saved_path = settings.resolved_data_dir / DEMO_LOGIN_FILE
    created = False
    if services.directory.restaurant_id_for_slug(DEMO_SLUG) is None:
        made = seed_demo(services, DEMO_SLUG)
        _save(saved_path, {"email": made.admin.user.email, "password": made.admin.password})
        created = True
    saved = _load(saved_path)
    email = saved.get("email", f"admin@{DEMO_SLUG}.test")
    try:
        admin, restaurant = services.accounts.user_by_email(DEMO_SLUG, email)
    except NotFound:
        return None
    if admin.role is not Role.ADMIN:
        return None
    issued = TokenService(settings).issue(admin, restaurant)
    operator = services.accounts.operator(DEMO_SLUG)
    menu = services.menu.list(operator, available=True, limit=1).items
    return DemoLogin(restaurant, admin, saved.get("password"), issued.token, rfc3339(issued.expires_at),
                     menu[0] if menu else None, created)


def _save(path: Path, data: dict[str, str]) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as out:
        json.dump(data, out)


def _load(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def order_body(menu_item: MenuItem) -> str:
    """The JSON body of the example order."""
    return json.dumps({"customerName": "Ada", "customerPhone": "+14155550123", "paymentMethod": "card",
                       "items": [{"menuItemId": str(menu_item.id), "quantity": 2}]},
                      separators=(",", ":"))


def curl_example(settings: Settings, demo: DemoLogin) -> str | None:
    """One line that places an order with the demo token (``$TOKEN``)."""
    if demo.menu_item is None:
        return None
    return (f"curl -s {base_url(settings)}/v1/orders -H \"Authorization: Bearer $TOKEN\" "
            f"-H 'Content-Type: application/json' -d {shlex.quote(order_body(demo.menu_item))}")


def startup_document(settings: Settings, demo: DemoLogin | None) -> dict[str, Any]:
    """The ``--json`` document printed once the database is ready, before the workers start."""
    document: dict[str, Any] = {
        "url": base_url(settings),
        "embedded": settings.embedded,
        "dataDir": str(settings.resolved_data_dir) if settings.embedded else None,
        "workers": settings.workers,
        "relay": settings.relay,
        "mirror": ({"convexUrl": settings.convex_url, "cacheReads": settings.cache_reads}
                   if settings.convex_url else None),
        "demo": None,
    }
    if demo is not None:
        document["demo"] = {
            "restaurantSlug": demo.restaurant.slug, "restaurantId": str(demo.restaurant.id),
            "email": demo.admin.email, "password": demo.password, "created": demo.created,
            "token": demo.token, "expiresAt": demo.expires_at,
            "menuItemId": str(demo.menu_item.id) if demo.menu_item else None,
            "curl": curl_example(settings, demo),
        }
    return document


def startup_event(settings: Settings, demo: DemoLogin | None) -> dict[str, Any]:
    """The banner as one log event (``LOG_FORMAT=json``): where the API is, without the demo's
    password or token, which do not belong in shipped logs (``orderzap token issue`` mints one)."""
    document = startup_document(settings, demo)
    if demo is not None:
        document["demo"] = {"restaurantSlug": demo.restaurant.slug, "email": demo.admin.email,
                            "created": demo.created,
                            "tokenCommand": f"orderzap token issue --restaurant {demo.restaurant.slug} "
                                            f"--email {demo.admin.email}"}
    return document


def startup_text(settings: Settings, demo: DemoLogin | None) -> str:
    """The banner: where the API is and, on the embedded default, how to try it at once."""
    where = (f"embedded PostgreSQL in {settings.resolved_data_dir}" if settings.embedded
             else "PostgreSQL at DATABASE_URL")
    lines = [f"OrderZap API on {base_url(settings)} ({where}; {settings.workers} worker(s), "
             f"relay {'on' if settings.relay else 'off'}). Stop with Ctrl-C."]
    if settings.convex_url:
        lines.append(f"Convex mirror at {settings.convex_url} (reads from it first: "
                     f"{'on' if settings.cache_reads else 'off'}); see docs/mirror.md.")
    if settings.embedded and demo is None:
        lines.append(f"A restaurant '{DEMO_SLUG}' exists but has no demo admin: "
                     "issue tokens with `orderzap token issue`.")
    if demo is not None:
        first = " (created now)" if demo.created else ""
        lines.append(f"Demo restaurant '{demo.restaurant.slug}'{first}. Admin login: {demo.admin.email}"
                     + (f" / {demo.password}" if demo.password else ""))
        lines.append(f"Admin token, valid until {demo.expires_at}:")
        lines.append(f"  export TOKEN={demo.token}")
        curl = curl_example(settings, demo)
        if curl is not None and demo.menu_item is not None:
            lines.append(f"Place an order ({demo.menu_item.name} x 2, "
                         f"{money(2 * demo.menu_item.price_cents, demo.restaurant.currency)}):")
            lines.append(f"  {curl}")
            lines.append("Then move it along with PATCH /v1/orders/<id>/status "
                         "{\"status\": \"preparing\"}, \"ready\", \"completed\".")
    return "\n".join(lines)
