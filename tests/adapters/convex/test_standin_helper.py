"""The stand-in helper itself: it says what to do when it cannot start, rather than skipping."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.standin import StandIn, StandInUnavailable, preflight


def test_without_node_modules_it_fails_saying_to_run_npm_ci(tmp_path: Path) -> None:
    (tmp_path / "standin").mkdir()
    (tmp_path / "standin" / "main.ts").write_text("")
    with pytest.raises(StandInUnavailable, match="run `npm ci`"):
        preflight(tmp_path)


def test_without_the_stand_in_it_fails_naming_the_missing_file(tmp_path: Path) -> None:
    for package in ("tsx", "convex-test"):
        (tmp_path / "node_modules" / package).mkdir(parents=True)
    with pytest.raises(StandInUnavailable, match="standin/main.ts does not exist"):
        preflight(tmp_path)


def test_a_restart_keeps_the_url(standin: StandIn) -> None:
    url = standin.url
    standin.restart()
    assert standin.url == url and standin.is_running
