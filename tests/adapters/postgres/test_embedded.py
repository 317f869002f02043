"""The embedded default: pgserver in the data directory, as root and as an ordinary user, shared by
several processes at once."""

from __future__ import annotations

import os
import pwd
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orderzap_adapters.postgres.embedded import CLUSTER_DIR, default_data_dir
from tests.pg_fixtures import private_tmp_dir

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[3]

#: A process of its own: joins the embedded server in argv[1], creates a restaurant named argv[2]
#: (if given), prints the restaurants it sees, and with --hold waits for a line on stdin first.
CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from tests.adapters.postgres.unprivileged import become_requested_user
    from orderzap_adapters.memory.system import PlainHasher
    from orderzap_adapters.postgres import PgConfig, PgDatabase, services
    from orderzap_adapters.postgres.embedded import start_embedded
    from orderzap_core.commands import NewRestaurant

    become_requested_user()
    server = start_embedded(Path(sys.argv[1]))
    db = PgDatabase.open(PgConfig(server.owner_url, app_url=server.app_url, relay_url=server.relay_url))
    oz = services(db, hasher=PlainHasher())
    if len(sys.argv) > 2 and sys.argv[2] != "--hold":
        oz.accounts.create_restaurant(NewRestaurant("Shared", sys.argv[2]))
    if "--hold" in sys.argv:
        print("ready", flush=True)
        sys.stdin.readline()
    print(" ".join(sorted(r.slug for r in oz.accounts.list_restaurants())), flush=True)
    db.close()
    server.stop()
""")


def _child(data_dir: Path, *args: str, user: pwd.struct_passwd | None = None,
           hold: bool = False) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if user is not None:
        home = data_dir.parent / "home"
        env.update(HOME=str(home), XDG_RUNTIME_DIR=str(home / "run"), ORDERZAP_TEST_BECOME=user.pw_name)
    # NOTE: the child starts as root and drops to ``user`` itself, after loading what it needs:
    # the checkout's interpreter may live where that user cannot reach it (a 0700 clone, /root).
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(data_dir), *args, *(["--hold"] if hold else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)


def _finish(process: subprocess.Popen[str], stdin: str = "") -> str:
    out, err = process.communicate(stdin, timeout=120)
    assert process.returncode == 0, err
    return out


def _server_running(data_dir: Path) -> bool:
    return (data_dir / CLUSTER_DIR / "postmaster.pid").exists()


def test_the_embedded_server_starts_for_an_ordinary_user() -> None:
    """As root, the test runs the server as ``nobody``; otherwise it is an ordinary user already."""
    user = pwd.getpwnam("nobody") if os.geteuid() == 0 else None
    with private_tmp_dir("orderzap-user-") as base:
        if user is not None:
            for path in (base, base / "home", base / "home" / "run"):
                path.mkdir(exist_ok=True, mode=0o700)
                os.chown(path, user.pw_uid, user.pw_gid)
        data_dir = base / "data"
        out = _finish(_child(data_dir, "ordinary", user=user))
        assert out.split() == ["ordinary"]
        assert not _server_running(data_dir)
        cluster = data_dir / CLUSTER_DIR
        if user is not None:
            assert cluster.stat().st_uid == user.pw_uid
        assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
        assert stat.S_IMODE(cluster.stat().st_mode) == 0o700


def test_processes_share_one_data_directory_and_the_last_one_stops_the_server() -> None:
    with private_tmp_dir("orderzap-share-") as base:
        data_dir = base / "data"
        server = _child(data_dir, "first", hold=True)
        assert server.stdout is not None
        if server.stdout.readline().strip() != "ready":
            _finish(server)
            raise AssertionError("the first process did not get ready")
        assert _finish(_child(data_dir, "second")).split() == ["first", "second"]
        assert _server_running(data_dir), "the second process stopped the first one's server"
        assert _finish(server, "\n").split() == ["first", "second"]
        assert not _server_running(data_dir)


def test_the_default_data_directory_is_private_to_its_user(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    path = default_data_dir()
    assert path == tmp_path / "share" / "orderzap"
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
