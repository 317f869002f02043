"""Contract, by property: every page the mirror answers is the database's page over the same
snapshots (``page_of_orders``, the SQL's semantics), for any filter, sort, bound and cursor."""

from __future__ import annotations

from datetime import datetime, timedelta
from uuid import UUID

from attrs import evolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orderzap_adapters.memory.repositories import page_of_orders
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery, Position, Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.ids import OrderId, RestaurantId, UserId
from orderzap_core.ports.cache import Outcome
from tests.adapters.contract.mirrors import START, Mirror, a_restaurant_id, an_order_of

USERS = [UserId(UUID(int=n)) for n in (1, 2)]
#: Few distinct times, so ties on createdAt (broken by id) are common.
TICKS = st.integers(min_value=0, max_value=12)


def at(tick: int, micros: int = 0) -> datetime:
    """A time on the test's millisecond grid, ``micros`` past it."""
    return START + timedelta(milliseconds=tick, microseconds=micros)


@st.composite
def snapshots(draw: st.DrawFn, restaurant_id: RestaurantId, template: Order) -> list[Order]:
    """Orders of ``restaurant_id`` with random times, statuses, authors and tombstones. Their ids
    start with the restaurant's first half, so no two examples share an order id."""
    prefix = restaurant_id.int >> 64 << 64
    lows = draw(st.lists(st.integers(min_value=0, max_value=2**64 - 1), max_size=24, unique=True))
    orders = []
    for number, ident in enumerate((UUID(int=prefix | low) for low in lows), start=1):
        created = at(draw(TICKS))
        deleted = draw(st.booleans())
        orders.append(evolve(
            template, id=OrderId(ident), restaurant_id=restaurant_id, order_number=number,
            status=draw(st.sampled_from(OrderStatus)), created_by=draw(st.sampled_from(USERS)),
            created_at=created, updated_at=created, deleted_at=created if deleted else None,
            version=draw(st.integers(min_value=1, max_value=3))))
    return orders


def bounds() -> st.SearchStrategy[datetime | None]:
    """No bound, or a time on the grid or between its milliseconds."""
    return st.none() | st.builds(at, TICKS, st.integers(min_value=0, max_value=999))


@st.composite
def queries(draw: st.DrawFn, orders: list[Order]) -> OrderQuery:
    """Any query a client (or a cursor) can make."""
    positions = [Position(o.created_at, o.id) for o in orders]
    after = draw(st.none() | st.sampled_from(positions) | st.builds(
        Position, st.builds(at, TICKS), st.uuids())) if positions else None
    return OrderQuery(
        statuses=draw(st.frozensets(st.sampled_from(OrderStatus))),
        created_after=draw(bounds()), created_before=draw(bounds()),
        limit=draw(st.integers(min_value=1, max_value=30)), sort=draw(st.sampled_from(Sort)),
        after=after, include_deleted=draw(st.booleans()),
        created_by=draw(st.none() | st.sampled_from(USERS)))


def test_every_page_is_the_database_page_over_the_same_snapshots(mirror: Mirror) -> None:
    template = an_order_of(a_restaurant_id(), START)
    # NOTE: few examples on the stand-in (each is a batch and five queries over HTTP).
    examples = 100 if mirror.name == "memory" else 15

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        restaurant_id = a_restaurant_id()
        mine = data.draw(snapshots(restaurant_id, template))
        neighbours = data.draw(snapshots(a_restaurant_id(), template))
        assert {d.outcome for d in mirror.cache.apply(mine + neighbours)} <= {Outcome.APPLIED}
        for _ in range(5):
            query = data.draw(queries(mine))
            expected = page_of_orders(mine, restaurant_id, query)
            assert mirror.cache.page(restaurant_id, query) == expected, query

    check()
