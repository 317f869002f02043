"""The outbox relay: newest version per order, capped exponential backoff with jitter on transient
failures, rejected snapshots parked (never dropped) while the rest flow on."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orderzap_adapters.memory import MemoryOrderCache, MemoryWorld
from orderzap_adapters.memory.outbox import MemoryRelayUnitOfWork
from orderzap_adapters.memory.system import FixedRandom
from orderzap_core.commands import EditOrder, StatusChange
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.orders import Order
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import SinkUnavailable
from orderzap_core.policy import Principal
from orderzap_core.ports.cache import Delivery
from orderzap_core.services import Services
from orderzap_core.services.relay import Backoff, OutboxRelay, RelayStep
from tests.core.builders import an_order, line

FAILED = "the memory cache was told to fail"


def place(oz: Services, principal: Principal, dish: MenuItem, count: int = 1) -> list[Order]:
    return [oz.orders.place(principal, an_order(line(dish))).order for _ in range(count)]


def pending(oz: Services) -> int:
    return oz.outbox.stats(oz.clock.now()).pending


def test_an_idle_step_claims_nothing_and_waits(oz: Services) -> None:
    assert oz.relay.step() == RelayStep(wait_seconds=oz.relay.idle_seconds)


def test_draining_delivers_every_order_and_empties_the_outbox(oz: Services, staff: Principal,
                                                              cache: MemoryOrderCache,
                                                              margherita: MenuItem) -> None:
    orders = place(oz, staff, margherita, 3)
    steps = oz.relay.drain()
    assert (steps[0].claimed, steps[0].applied, steps[-1].claimed) == (3, 3, 0)
    assert cache.documents() == {o.id: o for o in orders}
    assert pending(oz) == 0


def test_only_the_newest_version_of_an_order_is_sent(oz: Services, staff: Principal, cache: MemoryOrderCache,
                                                     placed_order: Order) -> None:
    oz.orders.change_status(staff, placed_order.id, StatusChange(OrderStatus.PREPARING))
    newest = oz.orders.edit(staff, placed_order.id, EditOrder(notes="x"))
    step = oz.relay.step()
    assert (step.claimed, step.applied, step.superseded) == (3, 1, 2)
    assert cache.documents() == {placed_order.id: newest}
    assert pending(oz) == 0


def test_a_snapshot_the_mirror_already_has_is_stale_and_settled(oz: Services, staff: Principal,
                                                                cache: MemoryOrderCache,
                                                                placed_order: Order) -> None:
    cache.apply([placed_order])
    step = oz.relay.step()
    assert (step.claimed, step.applied, step.stale) == (1, 0, 1)
    assert pending(oz) == 0


def test_a_batch_is_at_most_batch_size_and_a_full_batch_asks_for_no_wait(oz: Services, staff: Principal,
                                                                        margherita: MenuItem) -> None:
    place(oz, staff, margherita, 5)
    oz.relay.batch_size = 2
    steps = oz.relay.drain()
    assert [s.claimed for s in steps] == [2, 2, 1, 0]
    assert [s.wait_seconds for s in steps[:2]] == [0.0, 0.0]
    assert steps[2].wait_seconds == oz.relay.idle_seconds


def test_a_transient_failure_keeps_every_row_and_backs_off(oz: Services, staff: Principal,
                                                          cache: MemoryOrderCache,
                                                          margherita: MenuItem) -> None:
    place(oz, staff, margherita, 2)
    cache.fail_next(3)
    waits = []
    for _ in range(3):
        step = oz.relay.step()
        assert (step.failed, step.claimed, step.error) == (True, 2, FAILED)
        waits.append(step.wait_seconds)
    assert waits == [oz.relay.backoff.delay(n, 0.5) for n in (1, 2, 3)]
    assert waits == sorted(waits) and waits[0] < waits[-1]
    assert (pending(oz), oz.relay.failures, oz.outbox.stats(oz.clock.now()).last_error) == (2, 3, FAILED)
    assert cache.documents() == {}
    assert oz.relay.step().applied == 2
    assert (oz.relay.failures, pending(oz)) == (0, 0)


def test_drain_stops_at_a_failure_and_resumes_later(oz: Services, staff: Principal, cache: MemoryOrderCache,
                                                    placed_order: Order) -> None:
    cache.fail_next(1)
    assert [s.failed for s in oz.relay.drain()] == [True]
    assert pending(oz) == 1
    oz.relay.drain()
    assert cache.documents() == {placed_order.id: placed_order}


@pytest.mark.parametrize("as_batch_error", [False, True], ids=["rejected snapshot", "failed batch"])
def test_a_rejected_snapshot_is_parked_and_the_rest_flow_on(oz: Services, staff: Principal,
                                                            cache: MemoryOrderCache, margherita: MenuItem,
                                                            as_batch_error: bool) -> None:
    orders = place(oz, staff, margherita, 5)
    bad = orders[2]
    cache.reject(bad.id, as_batch_error=as_batch_error)
    steps = oz.relay.drain()
    assert (steps[0].applied, steps[0].parked) == (4, 1)
    assert set(cache.documents()) == {o.id for o in orders} - {bad.id}
    [parked] = oz.outbox.parked()
    assert (parked.order, parked.attempts, parked.last_error) == (bad, 1, "rejected: INVALID_SNAPSHOT")
    assert parked.parked_at is not None
    stats = oz.outbox.stats(oz.clock.now())
    assert (stats.pending, stats.parked, stats.last_error) == (0, 1, "rejected: INVALID_SNAPSHOT")


def test_a_parked_row_is_never_dropped_and_flows_again_once_requeued(oz: Services, staff: Principal,
                                                                     cache: MemoryOrderCache,
                                                                     placed_order: Order) -> None:
    cache.reject(placed_order.id)
    oz.relay.drain()
    newer = oz.orders.edit(staff, placed_order.id, EditOrder(notes="x"))
    for _ in range(3):
        oz.relay.drain()
    assert [e.order.version for e in oz.outbox.parked()] == [1, 2]
    cache.accept_all()
    assert oz.outbox.requeue(None) == 2
    step = oz.relay.step()
    assert (step.applied, step.superseded) == (1, 1)
    assert cache.documents() == {placed_order.id: newer}
    assert oz.outbox.parked() == [] and pending(oz) == 0


def test_requeue_picks_the_named_rows(oz: Services, staff: Principal, cache: MemoryOrderCache,
                                      margherita: MenuItem) -> None:
    first, second = place(oz, staff, margherita, 2)
    cache.reject(first.id)
    cache.reject(second.id)
    oz.relay.drain()
    parked = oz.outbox.parked()
    assert oz.outbox.requeue([parked[1].id]) == 1
    assert [e.order.id for e in oz.outbox.parked()] == [first.id]
    assert pending(oz) == 1


class MiscountingSink:
    """A sink that answers fewer results than it was sent snapshots."""

    def deliver(self, snapshots: Sequence[Order]) -> list[Delivery]:
        return []


def test_a_sink_that_miscounts_its_answers_is_a_transient_failure(world: MemoryWorld, oz: Services,
                                                                  placed_order: Order) -> None:
    relay = OutboxRelay(lambda: MemoryRelayUnitOfWork(world.store), MiscountingSink(), oz.clock,
                        FixedRandom())
    step = relay.step()
    assert (step.failed, step.claimed) == (True, 1)
    assert step.error == "sink answered 0 results for 1 snapshots"
    assert pending(oz) == 1


class DownSink:
    def deliver(self, snapshots: Sequence[Order]) -> list[Delivery]:
        raise SinkUnavailable()


def test_a_failure_without_a_message_is_named_by_its_kind(world: MemoryWorld, oz: Services,
                                                          placed_order: Order) -> None:
    relay = OutboxRelay(lambda: MemoryRelayUnitOfWork(world.store), DownSink(), oz.clock, FixedRandom(0.0))
    assert relay.step().error == "SinkUnavailable"
    assert relay.last_error == "SinkUnavailable"


# --- backoff -----------------------------------------------------------------------------------------

def test_no_failure_means_no_wait() -> None:
    assert Backoff().delay(0, 0.9) == 0.0


def test_the_backoff_doubles_from_its_base_until_its_cap() -> None:
    backoff = Backoff(base_seconds=0.5, cap_seconds=30.0)
    assert [backoff.delay(n, 0.0) for n in range(1, 9)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 15.0]
    assert [backoff.delay(n, 1.0) for n in range(1, 9)] == [0.5, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]


@given(st.integers(1, 10_000), st.floats(0.0, 1.0, exclude_max=True), st.floats(0.01, 10.0),
       st.floats(1.0, 600.0))
def test_a_jittered_wait_lies_between_half_the_step_and_the_step_and_never_past_the_cap(
        failures: int, random: float, base: float, cap: float) -> None:
    backoff = Backoff(base_seconds=base, cap_seconds=cap)
    step = min(cap, base * 2 ** min(failures - 1, 32))
    wait = backoff.delay(failures, random)
    assert step / 2 <= wait <= step <= cap


@given(st.integers(1, 100), st.floats(0.0, 1.0, exclude_max=True))
def test_for_the_same_jitter_the_wait_never_shrinks_as_failures_grow(failures: int, random: float) -> None:
    backoff = Backoff()
    assert backoff.delay(failures, random) <= backoff.delay(failures + 1, random)
