"""The embedded default: with no DATABASE_URL, OrderZap runs a real PostgreSQL from the pgserver
package (binaries in a wheel) in its data directory, over a unix socket with no TCP listener,
migrated on start.

Several processes (the server, CLI commands) may share one data directory at once: pgserver
serialises start-up with an inter-process lock, starts the server once, counts the processes
using it, and stops it when the last one lets go. Its ``pg_hba.conf`` trusts every local login,
so the application logs in as orderzap_app on the same socket without a password; what keeps
other users of the machine out is the data directory's mode (0700, and the socket lives in it).
As root, pgserver runs PostgreSQL as a system user ``pgserver`` that owns the cluster directory,
and opens the parent directories for traversal; OrderZap then leaves its own directory 0711
(traversal, no listing).
"""

from __future__ import annotations

import logging
import os
import warnings
from pathlib import Path
from typing import Any

from attrs import define

from orderzap_adapters.postgres import migrate as migrations
from orderzap_adapters.postgres.pool import APP_ROLE, RELAY_ROLE

logger = logging.getLogger("orderzap.postgres")

APP_NAME = "orderzap"
CLUSTER_DIR = "postgres"
DATABASE = "postgres"


def _pgserver() -> Any:
    # NOTE: importing pgserver asks platformdirs for a runtime directory, which warns when
    # XDG_RUNTIME_DIR is unset (root in containers); the fallback it picks is fine.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver
    return pgserver


def default_data_dir() -> Path:
    """The per-user data directory (platformdirs), created private (0700) when missing."""
    import platformdirs

    path = platformdirs.user_data_path(APP_NAME, appauthor=False)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


@define
class EmbeddedPostgres:
    """A running embedded server: the owner's URL (the superuser ``postgres``), and the same socket
    as orderzap_app and orderzap_relay."""

    data_dir: Path
    owner_url: str
    app_url: str
    relay_url: str
    _server: Any

    def stop(self) -> None:
        """Let go of the server; it stops when no other process uses it."""
        self._server.cleanup()

    def halt(self) -> None:
        """Stop the server now, whoever else uses it (fault drills)."""
        server = self._server
        _pgserver().pg_ctl(["-w", "-m", "fast", "stop"], pgdata=server.pgdata, user=server.system_user)

    def resume(self) -> None:
        """Start a halted server again, on the same socket."""
        with self._server._lock:
            self._server.ensure_postgres_running()


def start_embedded(data_dir: Path, *, migrate: bool = True) -> EmbeddedPostgres:
    """Start (or join) the embedded server in ``data_dir`` and apply pending migrations."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    root = os.geteuid() == 0
    if not root:
        data_dir.chmod(0o700)
    server = _pgserver().get_server(data_dir / CLUSTER_DIR, cleanup_mode="stop")
    if root:
        data_dir.chmod(0o711)
    info = server.get_postmaster_info()
    if info.socket_dir is not None and Path(info.socket_dir) != server.pgdata:
        logger.warning("the embedded server's socket is outside the data directory (%s): a shorter "
                       "ORDERZAP_DATA_DIR keeps it private", info.socket_dir)
    embedded = EmbeddedPostgres(
        data_dir=data_dir,
        owner_url=info.get_uri(user="postgres", database=DATABASE),
        app_url=info.get_uri(user=APP_ROLE, database=DATABASE),
        relay_url=info.get_uri(user=RELAY_ROLE, database=DATABASE),
        server=server,
    )
    if migrate:
        applied = migrations.migrate(embedded.owner_url)
        if applied:
            logger.info("embedded database migrated: %s", ", ".join(applied))
    return embedded
