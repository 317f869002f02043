"""PostgreSQL-only tests: raw connections as each role, and a place to build rows through the ports."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg import sql

from orderzap_adapters.postgres import PgDatabase
from orderzap_adapters.postgres.pool import APP_ROLE, RELAY_ROLE
from tests.adapters.contract.conftest import Backend
from tests.adapters.samples import a_clock
from tests.pg_fixtures import DatabaseUrls

pytestmark = pytest.mark.postgres


def connect_as(urls: DatabaseUrls, role: str) -> psycopg.Connection[Any]:
    """An autocommit connection acting as ``role`` (its own login when known, else the owner's
    with SET ROLE, as the pools do)."""
    own = {APP_ROLE: urls.app_url, RELAY_ROLE: urls.relay_url}.get(role)
    conn = psycopg.connect(own or urls.owner_url, autocommit=True)
    conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(role)))
    return conn


@pytest.fixture
def app_conn(pg_urls: DatabaseUrls) -> Iterator[psycopg.Connection[Any]]:
    """A raw connection as orderzap_app."""
    with connect_as(pg_urls, APP_ROLE) as conn:
        yield conn


@pytest.fixture
def relay_conn(pg_urls: DatabaseUrls) -> Iterator[psycopg.Connection[Any]]:
    """A raw connection as orderzap_relay."""
    with connect_as(pg_urls, RELAY_ROLE) as conn:
        yield conn


@pytest.fixture
def pg(pg_db: PgDatabase) -> Backend:
    """The contract suites' helper, on PostgreSQL."""
    return Backend("postgres", pg_db.unit_of_work, pg_db.relay_unit_of_work, pg_db.outbox_monitor,
                   pg_db.directory, a_clock())
