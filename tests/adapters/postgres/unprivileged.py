"""Dropping root for good inside a test's child process, so the embedded server meets an ordinary user.

The child cannot simply be started as that user: the checkout's interpreter and its standard
library may sit where the user has no access (a clone in a 0700 directory, ``/root``). So the
child starts as root, loads every module its work will import, lets the user reach pgserver's
binaries (the chmods pgserver itself applies for its own user when run as root), and then gives up
root irrevocably. From then on it is that user in every respect the server can observe.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import pwd
import stat
from pathlib import Path

#: The user the child becomes (set by the parent test), absent to stay who it is.
BECOME = "ORDERZAP_TEST_BECOME"


def become_requested_user() -> None:
    """Drop to the user named by ``ORDERZAP_TEST_BECOME``, if any; afterwards getuid/geteuid and
    every group are that user's, and root cannot be regained."""
    name = os.environ.get(BECOME)
    if not name:
        return
    user = pwd.getpwnam(name)
    _preload()
    _open_pgserver_binaries()
    os.setgroups([])
    os.setgid(user.pw_gid)
    os.setuid(user.pw_uid)  # as root this sets real, effective and saved ids: no way back
    if os.getuid() != user.pw_uid or os.geteuid() != user.pw_uid or os.getegid() != user.pw_gid:
        raise SystemExit(f"could not become {name}")
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise SystemExit("root could be regained after dropping it")


#: What the embedded server and the services import lazily (standard library and C extensions).
#: pgserver and platformdirs are not among them: they live in the checkout, which stays readable,
#: and at import they settle the runtime directory for whoever the process is at that moment.
PRELOAD = ("abc", "atexit", "copy", "encodings.idna", "hashlib", "importlib.readers", "json", "ntpath",
           "platform", "psutil", "psycopg", "psycopg_pool", "shutil", "socket", "string", "tempfile",
           "zoneinfo", "orderzap_adapters.postgres.migrate")


def _preload() -> None:
    """Import now what is needed later, while the standard library is still readable."""
    for name in PRELOAD:
        importlib.import_module(name)
    from orderzap_adapters.postgres import migrate

    list(migrate.shipped_migrations())


def _open_pgserver_binaries() -> None:
    """What pgserver does as root for its own user, done for ours: every directory above its
    binaries becomes traversable, and the binaries and libraries readable (and runnable)."""
    spec = importlib.util.find_spec("pgserver")
    assert spec is not None and spec.origin is not None
    binaries = Path(spec.origin).parent / "pginstall" / "bin"
    read_traverse = stat.S_IRGRP | stat.S_IROTH | stat.S_IXGRP | stat.S_IXOTH
    for folder in binaries.parents:
        folder.chmod(folder.stat().st_mode | read_traverse)
    for path, flag in ((binaries, read_traverse), (binaries.parent / "lib", stat.S_IRGRP | stat.S_IROTH)):
        path.chmod(path.stat().st_mode | read_traverse)
        for child in path.rglob("*"):
            child.chmod(child.stat().st_mode | (read_traverse if child.is_dir() else flag))
