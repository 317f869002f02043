"""The mirror for the cache and sink contract suites: the memory fake, or the Convex adapter on the
stand-in. Orders here have whole-millisecond times, as the real clock gives them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any, Protocol
from uuid import uuid4

import pytest
from attrs import define

from orderzap_adapters.convex import CircuitBreaker, ConvexMirror, Timeouts
from orderzap_adapters.convex.snapshots import from_document
from orderzap_adapters.memory import MemoryOrderCache
from orderzap_adapters.memory.system import TickingClock
from orderzap_core.domain.orders import Order
from orderzap_core.ids import OrderId, RestaurantId, UserId
from orderzap_core.ports.cache import MirrorAudit, OrderCache, SnapshotSink
from tests.adapters.samples import a_clock, a_dish, an_order

#: A start with whole milliseconds (the real clock's precision).
START = datetime(2026, 11, 24, 12, 0, 0, 123000, tzinfo=UTC)


class MirrorCache(OrderCache, MirrorAudit, Protocol):
    """The cache port with the verifier's extras."""


def a_ms_clock() -> TickingClock:
    """A clock that ticks 1 ms per reading, from a whole millisecond."""
    return a_clock(START)


def a_restaurant_id() -> RestaurantId:
    """A restaurant no other test uses."""
    return RestaurantId(uuid4())


def an_order_of(restaurant_id: RestaurantId, at: datetime, *, lines: int = 1, number: int = 1,
                by: UserId | None = None) -> Order:
    """A new order (version 1) of ``restaurant_id`` with ``lines`` lines."""
    dishes = [a_dish(restaurant_id, at) for _ in range(lines)]
    return an_order(restaurant_id, number, dishes, at, by=by, notes="no onions — ملاحظة 🙂")[0]


@define
class Mirror:
    """One mirror's cache and sink, a way to break and heal it, and what it stores."""

    name: str
    cache: MirrorCache
    sink: SnapshotSink
    clock: TickingClock
    _fail: Callable[[], None]
    _heal: Callable[[], None]
    _stored: Callable[[], list[Order]]

    def fail(self) -> None:
        """Make every call fail transiently until ``heal()``."""
        self._fail()

    def heal(self) -> None:
        """Answer normally again."""
        self._heal()

    def stored(self) -> dict[OrderId, Order]:
        """Every snapshot the mirror holds, read underneath the port."""
        return {order.id: order for order in self._stored()}

    def now(self) -> datetime:
        """The next reading of the test's clock."""
        return self.clock.now()

    def order(self, restaurant_id: RestaurantId | None = None, **options: Any) -> Order:
        """A new order, of a new restaurant unless one is named."""
        return an_order_of(restaurant_id or a_restaurant_id(), self.now(), **options)


def convex_mirror(url: str, admin_key: str) -> ConvexMirror:
    """The adapter as the contract suite uses it: generous timeouts (a busy 2-core machine is not
    a fault) and a breaker that stays closed (the fault tests cover it)."""
    return ConvexMirror(url, admin_key, Timeouts(connect=5.0, read=10.0, write=10.0, pool=10.0),
                        breaker=CircuitBreaker(failure_threshold=1_000_000))


@pytest.fixture(params=["memory", "convex"])
def mirror(request: pytest.FixtureRequest) -> Iterator[Mirror]:
    """The memory fake, or the Convex adapter talking to the stand-in."""
    if request.param == "memory":
        fake = MemoryOrderCache()
        yield Mirror("memory", fake, fake, a_ms_clock(), lambda: fake.fail_next(1_000_000),
                     lambda: fake.fail_next(0), lambda: list(fake.documents().values()))
        return
    standin = request.getfixturevalue("standin")
    with convex_mirror(standin.url, standin.admin_key) as real:
        yield Mirror("convex", real.cache, real.sink, a_ms_clock(),
                     lambda: standin.fault("status", status=503), standin.heal,
                     lambda: [from_document(d) for d in standin.documents()])
