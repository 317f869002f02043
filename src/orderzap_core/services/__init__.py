"""The use cases, bundled: what a shell (HTTP app, CLI, worker) holds."""

from __future__ import annotations

from attrs import frozen

from orderzap_core.ports.cache import OrderCache
from orderzap_core.ports.outbox import OutboxMonitor
from orderzap_core.ports.system import Clock
from orderzap_core.ports.unit_of_work import Directory
from orderzap_core.services.accounts import AccountService
from orderzap_core.services.menu import MenuService
from orderzap_core.services.orders import OrderService
from orderzap_core.services.reads import CachedReads
from orderzap_core.services.relay import OutboxRelay


@frozen
class Services:
    """Everything the application can do, wired to one set of adapters."""

    orders: OrderService
    menu: MenuService
    accounts: AccountService
    reads: CachedReads
    relay: OutboxRelay
    outbox: OutboxMonitor
    directory: Directory
    cache: OrderCache
    clock: Clock
