"""Contract: the directory, which works before a tenant is known."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.ports.idempotency import IdempotencyRecord
from tests.adapters.contract.conftest import Backend


def test_a_slug_maps_to_its_restaurants_id(backend: Backend, restaurant: Restaurant) -> None:
    assert backend.directory.restaurant_id_for_slug(restaurant.slug) == restaurant.id


@pytest.mark.parametrize("slug", ["no-such-restaurant", "", "a\x00b", "x" * 10_000,
                                  "'; DROP TABLE orders; --", "\ud800"])
def test_an_unknown_or_impossible_slug_maps_to_nothing(backend: Backend, slug: str) -> None:
    assert backend.directory.restaurant_id_for_slug(slug) is None


def test_every_restaurant_is_listed_oldest_first(backend: Backend) -> None:
    created = [backend.open_restaurant() for _ in range(3)]
    mine = {r.id for r in created}
    assert [r for r in backend.directory.list_restaurants() if r.id in mine] == created


def test_purging_idempotency_records_deletes_only_those_older_than_the_cutoff(backend: Backend) -> None:
    # NOTE: times long past, so that records of other tests (on a shared database) are never older.
    start = datetime(1991, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
    restaurant = backend.open_restaurant()
    dish, = backend.add_dishes(restaurant.id)
    order = backend.place(restaurant.id, [dish])
    with backend.uow(restaurant.id) as uow:
        for hours, key in ((0, "old"), (1, "older-than-cutoff"), (30, "young")):
            uow.idempotency.put(IdempotencyRecord(key, "print", order, start + timedelta(hours=hours)))
        uow.commit()
    assert backend.directory.purge_idempotency(start + timedelta(hours=2)) == 2
    with backend.uow(restaurant.id) as uow:
        assert uow.idempotency.find("young", newer_than=start) is not None
        assert uow.idempotency.find("old", newer_than=start - timedelta(days=1)) is None
