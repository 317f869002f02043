"""Fixtures of the end-to-end suite (helpers in ``serving.py``)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.serving import stop_embedded_postgres


@pytest.fixture(scope="module")
def data_dir() -> Iterator[Path]:
    """A fresh ORDERZAP_DATA_DIR per test module (one embedded PostgreSQL each).

    Not under pytest's tmp_path: as root, pgserver runs PostgreSQL as its own user, which must
    traverse every parent directory, and each pytest session narrows /tmp/pytest-of-<user> to 0700
    again when it starts (another session running meanwhile would lock our server out)."""
    top = Path(tempfile.mkdtemp(prefix="orderzap-e2e-"))
    yield top / "data"
    stop_embedded_postgres(top / "data")
    shutil.rmtree(top, ignore_errors=True)
