"""Contract: the outbox, from the use case's append to the relay's claim, park and delete.

On PostgreSQL the outbox is shared with earlier tests: every test looks at its own restaurant's
rows, and a test that counts claims drains the outbox first."""

from __future__ import annotations

from attrs import evolve

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.status import OrderStatus
from tests.adapters.contract.conftest import Backend


def test_a_committed_snapshot_reaches_the_relay_as_it_was(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    order = backend.place(restaurant.id, [dish])
    assert [e.order for e in backend.pending_of(restaurant.id)] == [order]


def test_an_uncommitted_snapshot_never_reaches_the_relay(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    order = backend.place(restaurant.id, [dish], outbox=False)
    with backend.uow(restaurant.id) as uow:
        uow.outbox.append(order)
    assert backend.pending_of(restaurant.id) == []


def test_the_relay_claims_pending_rows_oldest_first_up_to_its_limit(backend: Backend,
                                                                    restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    backend.drain()
    orders = [backend.place(restaurant.id, [dish]) for _ in range(3)]
    with backend.relay_uow() as relay:
        claimed = relay.queue.claim(2)
    assert [e.order for e in claimed] == orders[:2]
    assert claimed[0].id < claimed[1].id
    assert all(e.attempts == 0 and e.last_error is None and e.parked_at is None for e in claimed)


def test_deleted_rows_are_gone_only_once_the_relay_commits(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    first, second = (backend.place(restaurant.id, [dish]) for _ in range(2))
    ids = [e.id for e in backend.pending_of(restaurant.id)]
    with backend.relay_uow() as relay:
        relay.queue.delete(ids[:1])
    assert [e.order for e in backend.pending_of(restaurant.id)] == [first, second]
    with backend.relay_uow() as relay:
        relay.queue.delete(ids[:1])
        relay.commit()
    assert [e.order for e in backend.pending_of(restaurant.id)] == [second]


def test_a_parked_row_waits_for_an_operator_and_comes_back_when_requeued(backend: Backend,
                                                                         restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    order = backend.place(restaurant.id, [dish])
    entry, = backend.pending_of(restaurant.id)
    at = backend.now()
    parked_before = backend.monitor.stats(at).parked
    with backend.relay_uow() as relay:
        relay.queue.park(entry.id, "rejected: INVALID_SNAPSHOT", at)
        relay.commit()
    assert backend.pending_of(restaurant.id) == []
    parked = [e for e in backend.monitor.parked() if e.order.restaurant_id == restaurant.id]
    assert parked == [evolve(entry, attempts=1, last_error="rejected: INVALID_SNAPSHOT", parked_at=at)]
    assert backend.monitor.stats(at).parked == parked_before + 1
    assert backend.monitor.requeue([entry.id]) == 1
    assert backend.monitor.requeue([entry.id]) == 0
    assert [e.order for e in backend.pending_of(restaurant.id)] == [order]


def test_requeueing_everything_unparks_every_parked_row(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    for _ in range(2):
        backend.place(restaurant.id, [dish])
    entries = backend.pending_of(restaurant.id)
    with backend.relay_uow() as relay:
        for entry in entries:
            relay.queue.park(entry.id, "rejected", backend.now())
        relay.commit()
    assert backend.monitor.requeue(None) >= 2
    assert [e.id for e in backend.pending_of(restaurant.id)] == [e.id for e in entries]
    assert not [e for e in backend.monitor.parked() if e.order.restaurant_id == restaurant.id]


def test_a_transient_failure_is_counted_and_the_row_stays_pending(backend: Backend,
                                                                  restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    backend.place(restaurant.id, [dish])
    entry, = backend.pending_of(restaurant.id)
    for _ in range(2):
        with backend.relay_uow() as relay:
            relay.queue.record_failure([entry.id], "timeout — مهلة")
            relay.commit()
    again, = backend.pending_of(restaurant.id)
    assert (again.attempts, again.last_error, again.parked_at) == (2, "timeout — مهلة", None)


def test_stats_count_pending_rows_and_the_age_of_the_oldest(backend: Backend, restaurant: Restaurant) -> None:
    dish, = backend.add_dishes(restaurant.id)
    backend.drain()
    order = backend.place(restaurant.id, [dish])
    moved, _ = order.move_to(OrderStatus.PREPARING, by=order.created_by, at=backend.now())
    with backend.uow(restaurant.id) as uow:
        uow.orders.replace(moved)
        uow.outbox.append(moved)
        uow.commit()
    entries = backend.pending_of(restaurant.id)
    later = max(e.created_at for e in entries) + (entries[0].created_at - entries[0].created_at)
    stats = backend.monitor.stats(later)
    assert stats.pending == 2
    assert stats.oldest_age_seconds >= 0.0
    backend.drain()
    assert backend.monitor.stats(later).pending == 0
    assert backend.monitor.stats(later).oldest_age_seconds == 0.0
