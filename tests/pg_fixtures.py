"""PostgreSQL for tests, as fixtures any test directory can import into its conftest.py:

    from tests.pg_fixtures import embedded_pg, pg_config, pg_db  # noqa: F401

One embedded server (pgserver) per test session, in a temporary directory, started only when a
test asks for it; or, when ORDERZAP_TEST_DATABASE_URL is set, that database (an owner's URL: the
pools switch to orderzap_app and orderzap_relay on connect). The database is migrated once.
Tests never clean tables: each one makes its own restaurant.

``fresh_database()`` makes another, empty database on the same server, for tests that need one
(migrations, a separate owner).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from attrs import frozen
from psycopg import sql
from psycopg.conninfo import make_conninfo

from orderzap_adapters.postgres import PgConfig, PgDatabase
from orderzap_adapters.postgres.embedded import EmbeddedPostgres, start_embedded
from orderzap_adapters.postgres.migrate import migrate

TEST_DATABASE_URL = "ORDERZAP_TEST_DATABASE_URL"


@frozen
class DatabaseUrls:
    """The owner's URL of a database, and the runtime roles' logins when they have their own."""

    owner_url: str
    app_url: str | None = None
    relay_url: str | None = None

    def config(self, **options: object) -> PgConfig:
        """A PgConfig for this database."""
        return PgConfig(owner_url=self.owner_url, app_url=self.app_url, relay_url=self.relay_url,
                        **options)  # type: ignore[arg-type]


def start_test_server(data_dir: Path) -> EmbeddedPostgres:
    """An embedded server in ``data_dir``, not yet migrated."""
    return start_embedded(data_dir, migrate=False)


@contextmanager
def private_tmp_dir(prefix: str = "orderzap-pg-") -> Iterator[Path]:
    """A new directory for a PostgreSQL cluster, removed afterwards.

    NOTE: not under pytest's basetemp: as root, PostgreSQL runs as the ``pgserver`` user, which
    must traverse every parent directory, and a pytest process starting meanwhile makes its
    ``/tmp/pytest-of-root`` private again (0700)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@pytest.fixture(scope="session")
def embedded_pg() -> Iterator[EmbeddedPostgres]:
    """The session's embedded PostgreSQL server."""
    with private_tmp_dir() as path:
        server = start_test_server(path / "data")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(scope="session")
def pg_urls(request: pytest.FixtureRequest) -> DatabaseUrls:
    """The migrated test database: ORDERZAP_TEST_DATABASE_URL's, or the embedded server's."""
    external = os.environ.get(TEST_DATABASE_URL)
    if external:
        urls = DatabaseUrls(external)
    else:
        server: EmbeddedPostgres = request.getfixturevalue("embedded_pg")
        urls = DatabaseUrls(server.owner_url, server.app_url, server.relay_url)
    migrate(urls.owner_url)
    return urls


@pytest.fixture(scope="session")
def pg_config(pg_urls: DatabaseUrls) -> PgConfig:
    """The PgConfig of the test database."""
    return pg_urls.config()


@pytest.fixture(scope="session")
def pg_db(pg_config: PgConfig) -> Iterator[PgDatabase]:
    """Open pools on the test database, shared by the session."""
    db = PgDatabase.open(pg_config)
    yield db
    db.close()


def with_database(url: str, dbname: str, user: str | None = None) -> str:
    """``url`` pointing at another database (and user)."""
    return make_conninfo(url, dbname=dbname, **({"user": user} if user else {}))


def fresh_database(urls: DatabaseUrls, *, owner: str | None = None) -> DatabaseUrls:
    """A new, empty database on the test server (owned by ``owner`` when given), with the same
    logins as ``urls``. Needs CREATEDB on an external server."""
    name = f"oz_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(urls.owner_url, autocommit=True) as conn:
        if owner is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        else:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(name), sql.Identifier(owner)))
    return DatabaseUrls(
        with_database(urls.owner_url, name, owner),
        with_database(urls.app_url, name) if urls.app_url else None,
        with_database(urls.relay_url, name) if urls.relay_url else None,
    )
