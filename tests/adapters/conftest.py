"""Adapter tests: the PostgreSQL fixtures (one embedded server per session, started on demand)."""

from tests.pg_fixtures import embedded_pg, pg_config, pg_db, pg_urls  # noqa: F401
