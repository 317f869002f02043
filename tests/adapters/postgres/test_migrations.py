"""Migrations: shipped in the package, applied in order under an advisory lock, recorded, safe to
run again and from several processes at once; and an owner that is no superuser."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import psycopg
import pytest
from psycopg import sql

from orderzap_adapters.memory.system import PlainHasher
from orderzap_adapters.postgres import PgDatabase, services
from orderzap_adapters.postgres.migrate import MigrationError, migrate, shipped_migrations, status
from orderzap_adapters.postgres.pool import APP_ROLE, RELAY_ROLE
from orderzap_core.commands import Login, NewMenuItem
from orderzap_core.domain.accounts import Role
from tests.core.builders import PASSWORD, an_order, join, line, open_restaurant
from tests.pg_fixtures import DatabaseUrls, fresh_database, with_database

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty(pg_urls: DatabaseUrls) -> Iterator[DatabaseUrls]:
    """A new database with nothing in it."""
    urls = fresh_database(pg_urls)
    yield urls
    _drop(pg_urls, urls)


def _drop(admin: DatabaseUrls, urls: DatabaseUrls) -> None:
    name = psycopg.conninfo.conninfo_to_dict(urls.owner_url)["dbname"]
    with psycopg.connect(admin.owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name))))


def test_the_package_ships_numbered_migrations_in_order() -> None:
    names = [m.name for m in shipped_migrations()]
    assert names == sorted(names)
    assert [int(n[:4]) for n in names] == list(range(1, len(names) + 1))
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+", n) for n in names)


def test_migrating_applies_everything_once_and_then_nothing(empty: DatabaseUrls) -> None:
    everything = [m.name for m in shipped_migrations()]
    assert status(empty.owner_url) == [(name, None) for name in everything]
    assert migrate(empty.owner_url) == everything
    assert migrate(empty.owner_url) == []
    applied = status(empty.owner_url)
    assert [name for name, _ in applied] == everything
    assert all(isinstance(at, datetime) and at.tzinfo is not None for _, at in applied)


def test_processes_migrating_at_once_apply_each_migration_exactly_once(empty: DatabaseUrls) -> None:
    with ThreadPoolExecutor(4) as threads:
        results = list(threads.map(lambda _: migrate(empty.owner_url), range(4)))
    applied = [name for result in results for name in result]
    assert sorted(applied) == [m.name for m in shipped_migrations()]
    assert sum(1 for result in results if result) == 1


def test_a_migration_changed_after_it_was_applied_stops_migrating(empty: DatabaseUrls) -> None:
    migrate(empty.owner_url)
    with psycopg.connect(empty.owner_url, autocommit=True) as conn:
        conn.execute("UPDATE schema_migrations SET checksum = 'edited' WHERE name = '0002_tables'")
    with pytest.raises(MigrationError, match="0002_tables was changed"):
        migrate(empty.owner_url)


def test_a_database_that_is_not_utf8_is_refused(pg_urls: DatabaseUrls) -> None:
    name = f"oz_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_urls.owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' "
                             "TEMPLATE template0").format(sql.Identifier(name)))
    latin = DatabaseUrls(with_database(pg_urls.owner_url, name))
    try:
        with pytest.raises(MigrationError, match="UTF8"):
            migrate(latin.owner_url)
    finally:
        _drop(pg_urls, latin)


def test_an_owner_that_is_no_superuser_migrates_and_runs_orderzap(pg_urls: DatabaseUrls) -> None:
    owner, password = f"oz_owner_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    with psycopg.connect(pg_urls.owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD {}").format(
            sql.Identifier(owner), sql.Literal(password)))
        if pg_urls.app_url is None:     # no separate logins: the owner switches role on connect
            conn.execute(sql.SQL("GRANT {}, {} TO {}").format(
                sql.Identifier(APP_ROLE), sql.Identifier(RELAY_ROLE), sql.Identifier(owner)))
    urls = fresh_database(pg_urls, owner=owner)
    urls = DatabaseUrls(psycopg.conninfo.make_conninfo(urls.owner_url, password=password), urls.app_url,
                        urls.relay_url)
    try:
        with psycopg.connect(urls.owner_url) as conn:
            superuser = conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone()
        assert superuser == (False,)
        migrate(urls.owner_url)
        db = PgDatabase.open(urls.config())
        try:
            oz = services(db, hasher=PlainHasher())
            restaurant = open_restaurant(oz)
            admin = join(oz, restaurant, Role.ADMIN, email="admin@example.com")
            dish = oz.menu.create(admin, NewMenuItem("Margherita", 1150))
            oz.orders.place(admin, an_order(line(dish)), idempotency_key="k")
            assert oz.accounts.authenticate(Login(restaurant.slug, "admin@example.com", PASSWORD))[0].id == \
                admin.user_id
            assert [r.id for r in oz.accounts.list_restaurants()] == [restaurant.id]
            assert oz.directory.purge_idempotency(oz.clock.now()) == 1
            assert oz.relay.drain()[0].applied == 1
        finally:
            db.close()
    finally:
        _drop(pg_urls, urls)
        with psycopg.connect(pg_urls.owner_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(owner)))
