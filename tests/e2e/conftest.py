"""Fixtures of the end-to-end suite (helpers in ``serving.py``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.serving import stop_embedded_postgres


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh ORDERZAP_DATA_DIR per test module (one embedded PostgreSQL each)."""
    path = tmp_path_factory.mktemp("orderzap-e2e") / "data"
    yield path
    stop_embedded_postgres(path)
    shutil.rmtree(path, ignore_errors=True)
