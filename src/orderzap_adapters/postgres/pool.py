"""Connection pools: sizes and timeouts, the role switch on connect, and libpq's own timeouts.

Connections are in autocommit mode: a session sends BEGIN itself, inside its first pipeline.
Every new connection runs ``SET ROLE`` to its runtime role (orderzap_app or orderzap_relay): a
no-op when it logged in as that role, and the role switch when only the owner's URL is known.
Pools are opened by ``PgDatabase.open()``, never at import time (gunicorn forks after importing).
"""

from __future__ import annotations

import logging
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.types.json import set_json_loads
from psycopg_pool import ConnectionPool

logger = logging.getLogger("orderzap.postgres")

APP_ROLE = "orderzap_app"
RELAY_ROLE = "orderzap_relay"


def connect_timeout(timeout: float) -> int:
    """libpq's ``connect_timeout`` for a pool timeout: whole seconds, at least libpq's minimum of 2."""
    return max(2, int(timeout + 0.999))


def open_pool(conninfo: str, *, role: str, name: str, min_size: int, max_size: int, timeout: float,
              max_idle: float, reconnect_timeout: float,
              prepare_threshold: int | None) -> ConnectionPool[Any]:
    """A started pool whose connections act as ``role``. It connects in the background: a server
    that is down now makes requests fail with Unavailable after ``timeout``, not start-up."""
    switch = sql.SQL("SET ROLE {}").format(sql.Identifier(role))

    def configure(conn: psycopg.Connection[Any]) -> None:
        conn.execute(switch)
        # NOTE: an order's items arrive as one JSON array; orjson parses it several times faster.
        set_json_loads(orjson.loads, conn)

    pool: ConnectionPool[Any] = ConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        timeout=timeout,
        max_idle=max_idle,
        # NOTE: a short reconnect window lets a pool that gave up connect again as soon as a
        # request asks, instead of waiting out an exponential backoff after a long outage.
        reconnect_timeout=reconnect_timeout,
        name=name,
        open=False,
        configure=configure,
        kwargs={
            "autocommit": True,
            "connect_timeout": connect_timeout(timeout),
            "prepare_threshold": prepare_threshold,
            "application_name": name,
            "client_encoding": "UTF8",
        },
    )
    pool.open(wait=False)
    return pool
