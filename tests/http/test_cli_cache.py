"""``orderzap cache verify [--restaurant] [--repair]`` on the in-memory fakes."""

from __future__ import annotations

import json
import uuid

import attrs
import pytest
from click.testing import CliRunner, Result

from orderzap_adapters import memory
from orderzap_adapters.memory import MemoryOrderCache, MemoryWorld
from orderzap_adapters.memory.unit_of_work import MemoryUnitOfWork
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.orders import Order
from orderzap_core.ids import OrderId
from orderzap_core.services.mirror_audit import MirrorVerifier
from orderzap_http.cli import Cli, main
from orderzap_http.settings import Settings
from tests.core.builders import add_dish, an_order, join, line, open_restaurant

MIRRORED = Settings(jwt_secret="s" * 40, convex_url="https://happy-otter-123.convex.cloud",
                    convex_admin_key="prod:happy-otter-123|secret")


@pytest.fixture
def world() -> MemoryWorld:
    world = memory.world()
    oz = world.services
    for _ in range(2):
        admin = join(oz, open_restaurant(oz), Role.ADMIN)
        dish = add_dish(oz, admin)
        for _ in range(3):
            oz.orders.place(admin, an_order(line(dish)))
    assert not any(step.failed for step in oz.relay.drain())
    return world


@pytest.fixture
def cache(world: MemoryWorld) -> MemoryOrderCache:
    assert world.cache is not None
    return world.cache


def run(world: MemoryWorld, *args: str, settings: Settings = MIRRORED) -> Result:
    assert world.cache is not None
    verifier = MirrorVerifier(lambda rid: MemoryUnitOfWork(world.store, rid, world.clock), world.cache,
                              world.services.accounts.list_restaurants)
    return CliRunner().invoke(main, list(args), obj=Cli.on(world.services, settings, verifier=verifier))


def damage(cache: MemoryOrderCache) -> tuple[Order, Order, Order]:
    """One copy dropped, one edited, one ghost added."""
    first, second, *_ = sorted(cache.documents().values(), key=lambda o: str(o.id))
    cache.remove(first.id, first.version)
    cache.put(attrs.evolve(second, customer_name="Wrong"))
    ghost = attrs.evolve(second, id=OrderId(uuid.uuid4()))
    cache.put(ghost)
    return first, second, ghost


def test_a_clean_mirror_verifies_and_exits_zero(world: MemoryWorld) -> None:
    result = run(world, "cache", "verify")
    assert result.exit_code == 0, result.output
    assert "6 order(s) in PostgreSQL, 6 in the mirror" in result.stdout
    assert "The mirror equals PostgreSQL." in result.stdout


def test_differences_are_listed_and_exit_one_without_changing_anything(
        world: MemoryWorld, cache: MemoryOrderCache) -> None:
    first, second, ghost = damage(cache)
    before = cache.documents()
    result = run(world, "cache", "verify", "--json")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    kinds = {d["orderId"]: d["kind"] for d in document["before"]["differences"]}
    assert kinds == {str(first.id): "missing", str(second.id): "different", str(ghost.id): "extra"}
    assert (document["repair"], document["after"], document["clean"]) == (None, None, False)
    assert cache.documents() == before
    assert "--repair" in run(world, "cache", "verify").stdout


def test_repair_fixes_every_difference_and_verifies_again(world: MemoryWorld,
                                                         cache: MemoryOrderCache) -> None:
    damage(cache)
    result = run(world, "cache", "verify", "--repair", "--json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["repair"] == {"applied": 3, "conflicts": 0}
    assert document["after"]["differences"] == [] and document["clean"] is True
    assert run(world, "cache", "verify").exit_code == 0


def test_one_restaurant_only(world: MemoryWorld, cache: MemoryOrderCache) -> None:
    first, second = world.services.accounts.list_restaurants()
    victim = next(o for o in cache.documents().values() if o.restaurant_id == second.id)
    cache.remove(victim.id, victim.version)
    assert run(world, "cache", "verify", "--restaurant", first.slug).exit_code == 0
    result = run(world, "cache", "verify", "--restaurant", second.slug, "--json")
    assert [d["orderId"] for d in json.loads(result.stdout)["before"]["differences"]] == [str(victim.id)]


def test_an_unknown_restaurant_is_one_line(world: MemoryWorld) -> None:
    result = run(world, "cache", "verify", "--restaurant", "nowhere")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip() == "Error: restaurant not found [NOT_FOUND]"


def test_without_a_mirror_it_is_one_line() -> None:
    result = CliRunner().invoke(main, ["cache", "verify"],
                                obj=Cli.on(memory.services(), Settings(jwt_secret="s" * 40)))
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: no Convex mirror is configured")
