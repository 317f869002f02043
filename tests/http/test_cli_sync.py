"""``orderzap sync run | status | retry`` on the in-memory fakes: delivery, parking, re-queueing."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryOrderCache, MemoryWorld
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import Order
from orderzap_http.cli import Cli, main
from orderzap_http.settings import Settings
from tests.core.builders import add_dish, an_order, join, line, open_restaurant

MIRRORED = Settings(jwt_secret="s" * 40, convex_url="https://happy-otter-123.convex.cloud",
                    convex_admin_key="prod:happy-otter-123|secret")


@pytest.fixture
def world() -> MemoryWorld:
    return memory.world()


@pytest.fixture
def cache(world: MemoryWorld) -> MemoryOrderCache:
    assert world.cache is not None
    return world.cache


def placed(world: MemoryWorld, count: int) -> list[Order]:
    oz = world.services
    admin = join(oz, open_restaurant(oz), Role.ADMIN)
    dish = add_dish(oz, admin)
    return [oz.orders.place(admin, an_order(line(dish))).order for _ in range(count)]


def run(world: MemoryWorld, *args: str, settings: Settings = MIRRORED) -> Result:
    return CliRunner().invoke(main, list(args), obj=Cli.on(world.services, settings))


def test_run_once_delivers_the_whole_outbox(world: MemoryWorld, cache: MemoryOrderCache) -> None:
    orders = placed(world, 3)
    result = run(world, "sync", "run", "--once", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert (document["applied"], document["pending"], document["parked"]) == (3, 0, 0)
    assert set(cache.documents()) == {o.id for o in orders}


def test_run_once_against_a_failing_mirror_keeps_every_row_and_exits_non_zero(
        world: MemoryWorld, cache: MemoryOrderCache) -> None:
    placed(world, 2)
    cache.fail_next(1)
    result = run(world, "sync", "run", "--once")
    assert result.exit_code == 1
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: the mirror failed: ") and "2 row(s) still pending" in line
    assert world.services.outbox.stats(world.clock.now()).pending == 2
    assert cache.documents() == {}


def test_without_a_mirror_run_is_one_line(world: MemoryWorld) -> None:
    result = run(world, "sync", "run", "--once", settings=Settings(jwt_secret="s" * 40))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "Error: no Convex mirror is configured: set CONVEX_URL (or CONVEX_DEPLOYMENT) and CONVEX_ADMIN_KEY"]


def test_status_shows_parked_rows_with_their_errors_and_retry_requeues_them(
        world: MemoryWorld, cache: MemoryOrderCache) -> None:
    good, bad = placed(world, 2)
    cache.reject(bad.id)
    assert run(world, "sync", "run", "--once").exit_code == 0
    status = json.loads(run(world, "sync", "status", "--json").stdout)
    assert (status["pending"], status["parked"]) == (0, 1)
    [row] = status["parkedRows"]
    assert (row["orderId"], row["version"], row["attempts"]) == (str(bad.id), 1, 1)
    assert "INVALID_SNAPSHOT" in row["error"] and "INVALID_SNAPSHOT" in status["lastError"]
    text = run(world, "sync", "status").stdout
    assert str(bad.id) in text and "sync retry" in text

    cache.accept_all()
    retried = run(world, "sync", "retry", str(row["id"]), "--json")
    assert json.loads(retried.stdout) == {"requeued": 1}
    assert run(world, "sync", "run", "--once").exit_code == 0
    assert set(cache.documents()) == {good.id, bad.id}
    assert json.loads(run(world, "sync", "status", "--json").stdout)["parked"] == 0


def test_retry_all_requeues_every_parked_row(world: MemoryWorld, cache: MemoryOrderCache) -> None:
    orders = placed(world, 3)
    for order in orders:
        cache.reject(order.id)
    run(world, "sync", "run", "--once")
    assert json.loads(run(world, "sync", "retry", "--all", "--json").stdout) == {"requeued": 3}
    assert world.services.outbox.stats(world.clock.now()).pending == 3


@pytest.mark.parametrize("args", [[], ["--all", "1"], ["0"], ["x"]])
def test_retry_needs_either_all_or_ids(world: MemoryWorld, args: list[str]) -> None:
    result = run(world, "sync", "retry", *args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
