"""The real clock, ids and password hashing."""

from __future__ import annotations

from datetime import UTC

from orderzap_adapters.system import Argon2Hasher, SystemClock, UuidIds
from orderzap_core.wire import rfc3339


def test_the_clock_reads_utc_to_the_millisecond_as_clients_see_it() -> None:
    readings = [SystemClock().now() for _ in range(50)]
    for now in readings:
        assert now.tzinfo is UTC
        assert now.microsecond % 1000 == 0
        # What the API prints is the whole time: a createdAfter bound taken from it is exact.
        assert rfc3339(now) == now.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_ids_are_distinct() -> None:
    ids = UuidIds()
    assert len({ids.new() for _ in range(1000)}) == 1000


def test_argon2id_hashes_verify_only_their_password() -> None:
    hasher = Argon2Hasher()
    hashed = hasher.hash("long enough password")
    assert hashed.startswith("$argon2id$")
    assert hasher.verify(hashed, "long enough password")
    assert not hasher.verify(hashed, "another password")
    assert not hasher.verify("not a hash", "long enough password")
