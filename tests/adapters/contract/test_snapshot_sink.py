"""Contract: the snapshot sink the relay delivers to, on the memory fake and on the Convex adapter
talking to the stand-in."""

from __future__ import annotations

import pytest
from attrs import evolve

from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import SinkRejected, SinkUnavailable
from orderzap_core.ports.cache import Delivery, Outcome
from tests.adapters.contract.mirrors import Mirror, a_restaurant_id

APPLIED, STALE = Delivery(Outcome.APPLIED), Delivery(Outcome.STALE)


def test_each_snapshot_gets_its_result_in_order_and_lands_in_the_cache(mirror: Mirror) -> None:
    first, second = mirror.order(), mirror.order()
    newer = first.move_to(OrderStatus.PREPARING, by=first.created_by, at=mirror.now())[0]
    bad = evolve(second, total_cents=second.total_cents + 1)
    assert mirror.sink.deliver([first, bad, newer, first]) == [
        APPLIED, Delivery(Outcome.REJECTED, "INVALID_SNAPSHOT"), APPLIED, STALE]
    assert mirror.cache.get(first.restaurant_id, first.id) == newer
    assert mirror.cache.get(second.restaurant_id, second.id) is None


def test_an_empty_batch_delivers_nothing(mirror: Mirror) -> None:
    assert mirror.sink.deliver([]) == []


def test_a_batch_of_the_relays_largest_size_is_delivered(mirror: Mirror) -> None:
    restaurant_id = a_restaurant_id()
    batch = [mirror.order(restaurant_id, number=n, lines=3) for n in range(1, 501)]
    assert mirror.sink.deliver(batch) == [APPLIED] * 500
    assert len(mirror.stored()) == 500


def test_a_batch_over_the_mirrors_limit_is_rejected_whole_and_nothing_is_written(mirror: Mirror) -> None:
    restaurant_id = a_restaurant_id()
    batch = [mirror.order(restaurant_id, number=n) for n in range(1, 1002)]
    with pytest.raises(SinkRejected) as refused:
        mirror.sink.deliver(batch)
    assert str(refused.value) == "BATCH_TOO_LARGE"
    assert mirror.stored() == {}


def test_a_failing_mirror_is_unavailable_to_the_sink_and_recovers(mirror: Mirror) -> None:
    order = mirror.order()
    mirror.fail()
    with pytest.raises(SinkUnavailable):
        mirror.sink.deliver([order])
    mirror.heal()
    assert mirror.sink.deliver([order]) == [APPLIED]
