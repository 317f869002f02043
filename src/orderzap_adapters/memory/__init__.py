"""The whole application on in-memory fakes, with the real adapters' semantics.

``services()`` builds it in one call; ``world()`` also hands back the store and cache, for tests
that look underneath or inject faults.
"""

from __future__ import annotations

from attrs import frozen

from orderzap_adapters.memory.cache import MemoryOrderCache
from orderzap_adapters.memory.outbox import MemoryOutboxMonitor, MemoryRelayUnitOfWork
from orderzap_adapters.memory.store import MemoryStore
from orderzap_adapters.memory.system import FixedRandom, PlainHasher, SequentialIds, TickingClock
from orderzap_adapters.memory.unit_of_work import MemoryDirectory, MemoryUnitOfWork
from orderzap_adapters.null_cache import NullOrderCache, NullSink
from orderzap_core.ids import RestaurantId
from orderzap_core.ports.system import Clock, IdGenerator, PasswordHasher
from orderzap_core.services import Services
from orderzap_core.services.accounts import AccountService
from orderzap_core.services.menu import MenuService
from orderzap_core.services.orders import OrderService
from orderzap_core.services.reads import CachedReads
from orderzap_core.services.relay import OutboxRelay

__all__ = ["MemoryOrderCache", "MemoryStore", "MemoryWorld", "services", "world"]


@frozen
class MemoryWorld:
    """The services and what lies under them."""

    services: Services
    store: MemoryStore
    cache: MemoryOrderCache | None
    clock: Clock


def world(*, cache: bool = True, clock: Clock | None = None, ids: IdGenerator | None = None,
          hasher: PasswordHasher | None = None, cache_reads: bool = True) -> MemoryWorld:
    """The application on fakes; ``cache=False`` uses the null cache (reads bypass)."""
    store = MemoryStore()
    clock = clock or TickingClock()
    ids = ids or SequentialIds()
    hasher = hasher or PlainHasher()
    mirror = MemoryOrderCache() if cache else None

    def uow(restaurant_id: RestaurantId) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(store, restaurant_id, clock)

    orders = OrderService(uow, clock, ids)
    directory = MemoryDirectory(store)
    read_cache = mirror if mirror is not None else NullOrderCache()
    services_ = Services(
        orders=orders,
        menu=MenuService(uow, clock, ids),
        accounts=AccountService(uow, directory, clock, ids, hasher),
        reads=CachedReads(orders, read_cache, reads_enabled=cache_reads),
        relay=OutboxRelay(lambda: MemoryRelayUnitOfWork(store),
                          mirror if mirror is not None else NullSink(), clock, FixedRandom()),
        outbox=MemoryOutboxMonitor(store),
        directory=directory,
        cache=read_cache,
        clock=clock,
    )
    return MemoryWorld(services_, store, mirror, clock)


def services(**options: bool) -> Services:
    """The whole application on in-memory fakes, in one call."""
    return world(**options).services  # type: ignore[arg-type]
