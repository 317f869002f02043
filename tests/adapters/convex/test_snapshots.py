"""Orders as Convex documents and queries as ``orders:list`` arguments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from uuid import UUID

from attrs import evolve
from hypothesis import given
from hypothesis import strategies as st

from orderzap_adapters.convex.snapshots import (
    from_document,
    list_args,
    millisecond_ceiling,
    millisecond_floor,
    to_document,
)
from orderzap_core.domain.pagination import OrderQuery, Position, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import RestaurantId, UserId
from orderzap_core.wire import Wire, rfc3339
from orderzap_http.resources.views import order as order_view
from tests.adapters.contract.mirrors import START, a_restaurant_id, an_order_of

RESTAURANT = RestaurantId(UUID(int=7))


def test_a_document_is_exactly_the_apis_order_object() -> None:
    order = an_order_of(a_restaurant_id(), START, lines=2)
    gone = order.delete(by=order.created_by, at=START + timedelta(seconds=1))[0]
    for value in (order, gone):
        document = to_document(value)
        assert document == order_view(Wire(), value)
        assert document["createdAt"] == "2026-11-24T12:00:00.123Z"
        assert from_document(document) == value
    assert to_document(gone)["deletedAt"] == "2026-11-24T12:00:01.123Z"


def test_a_document_keeps_milliseconds_and_drops_what_the_api_does_not_show() -> None:
    order = an_order_of(a_restaurant_id(), START)
    fine = evolve(order, created_at=START + timedelta(microseconds=999))
    assert from_document(to_document(fine)) == order


def test_a_query_without_options_asks_for_live_orders_newest_first() -> None:
    assert list_args(RESTAURANT, OrderQuery()) == {
        "restaurantId": str(RESTAURANT), "includeDeleted": False, "sort": "-createdAt", "limit": 51}


def test_every_option_of_a_query_becomes_its_argument() -> None:
    user, last = UserId(UUID(int=9)), UUID(int=11)
    query = OrderQuery(statuses=frozenset({OrderStatus.READY, OrderStatus.CANCELLED, OrderStatus.RECEIVED}),
                       created_after=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
                       created_before=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC),
                       limit=200, sort=Sort.OLDEST_FIRST, include_deleted=True, created_by=user,
                       after=Position(datetime(2026, 1, 2, 3, 4, 5, 678000, tzinfo=UTC), last))
    assert list_args(RESTAURANT, query) == {
        "restaurantId": str(RESTAURANT), "includeDeleted": True, "sort": "createdAt", "limit": 201,
        "statuses": ["cancelled", "ready", "received"],
        "createdAfter": "2026-01-02T03:04:05.678Z", "createdBefore": "2026-01-02T03:04:05.679Z",
        "createdBy": str(user), "after": {"createdAt": "2026-01-02T03:04:05.678Z", "id": str(last)}}


def test_a_bound_in_another_zone_is_written_in_utc() -> None:
    east = datetime(2026, 1, 2, 5, 4, 5, 1000, tzinfo=timezone(timedelta(hours=2)))
    assert millisecond_floor(east) == "2026-01-02T03:04:05.001Z"


def test_a_bound_past_the_last_millisecond_of_9999_asks_for_no_bound() -> None:
    end = datetime(9999, 12, 31, 23, 59, 59, 999001, tzinfo=UTC)
    assert millisecond_ceiling(end) is None
    assert "createdBefore" not in list_args(RESTAURANT, OrderQuery(created_before=end))
    assert millisecond_ceiling(end.replace(microsecond=999000)) == "9999-12-31T23:59:59.999Z"


def test_an_early_bound_keeps_four_year_digits() -> None:
    assert millisecond_floor(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00.000Z"


MOMENTS = st.datetimes(min_value=datetime(1000, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59, 998999),
                       timezones=st.just(UTC))


@given(stored=MOMENTS, bound=MOMENTS)
def test_millisecond_bounds_compare_stored_times_as_microsecond_bounds_do(stored: datetime,
                                                                         bound: datetime) -> None:
    kept = stored.replace(microsecond=stored.microsecond // 1000 * 1000)   # what the mirror holds
    text = rfc3339(kept)
    assert (text > millisecond_floor(bound)) == (kept > bound)
    assert (text < (millisecond_ceiling(bound) or "~")) == (kept < bound)
    assert millisecond_floor(kept) == text
