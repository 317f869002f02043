"""PgUnitOfWork: one transaction of one restaurant, tenant set first; PgRelayUnitOfWork: one
transaction of the relay, across restaurants. Both roll back unless committed.

The tenant is set with ``set_config('orderzap.restaurant_id', …, true)``: transaction-local, so
it ends with the transaction, never leaks to the next user of a pooled connection, and works
behind PgBouncer in transaction mode. It is the first statement of the transaction and travels
in the same pipeline as the first query (see session.py): it costs no round trip of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Self

from psycopg_pool import ConnectionPool

from orderzap_adapters.postgres.accounts import SELECT_RESTAURANT, PgRestaurants, PgUsers
from orderzap_adapters.postgres.idempotency import PgIdempotency
from orderzap_adapters.postgres.known_orders import KnownOrders
from orderzap_adapters.postgres.menu_items import SELECT_LIVE_MENU_ITEMS, PgMenuItems
from orderzap_adapters.postgres.order_events import PgOrderEvents
from orderzap_adapters.postgres.orders import NEXT_ORDER_NUMBER, PgOrders
from orderzap_adapters.postgres.outbox import PgOutbox, PgRelayQueue
from orderzap_adapters.postgres.rows import from_row
from orderzap_adapters.postgres.session import Session, Statement
from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.menu import MenuItem
from orderzap_core.ids import MenuItemId, RestaurantId
from orderzap_core.ports.unit_of_work import PlacementReads

SET_TENANT = "SELECT set_config('orderzap.restaurant_id', %s, true)"


class PgUnitOfWork:
    """UnitOfWork on PostgreSQL (see the port): a transaction on a pooled orderzap_app connection."""

    def __init__(self, pool: ConnectionPool[Any], restaurant_id: RestaurantId, timeout: float,
                 on_outbox: Callable[[], None] | None = None, known: KnownOrders | None = None) -> None:
        self._pool, self._rid, self._timeout = pool, restaurant_id, timeout
        self._on_outbox, self._known = on_outbox, known

    def __enter__(self) -> Self:
        # SECURITY: the tenant setting opens the transaction; row-level security reads it.
        session = Session(self._pool, self._timeout, prelude=[Statement(SET_TENANT, [str(self._rid)])])
        session.open()
        self._session = session
        rid = self._rid
        self._restaurant = PgRestaurants(session, rid)
        self._users = PgUsers(session, rid)
        self._menu_items = PgMenuItems(session, rid)
        self._orders = PgOrders(session, rid, self._known)
        self._events = PgOrderEvents(session, rid)
        self._outbox = PgOutbox(session, rid)
        self._idempotency = PgIdempotency(session, rid)
        return self

    @property
    def session(self) -> Session:
        """The transaction underneath (its round-trip count)."""
        return self._session

    @property
    def restaurant(self) -> PgRestaurants:
        """The restaurant."""
        return self._restaurant

    @property
    def users(self) -> PgUsers:
        """Its users."""
        return self._users

    @property
    def menu_items(self) -> PgMenuItems:
        """Its menu."""
        return self._menu_items

    @property
    def orders(self) -> PgOrders:
        """Its orders."""
        return self._orders

    @property
    def events(self) -> PgOrderEvents:
        """Its order history."""
        return self._events

    @property
    def outbox(self) -> PgOutbox:
        """Its outbox."""
        return self._outbox

    @property
    def idempotency(self) -> PgIdempotency:
        """Its idempotency records."""
        return self._idempotency

    def placement_reads(self, menu_item_ids: Sequence[MenuItemId]) -> PlacementReads:
        """The restaurant, its live items among ``menu_item_ids`` and the counter's next number,
        in one round trip (the three statements in one pipeline, after BEGIN and the tenant)."""
        tenant = {"restaurant_id": self._rid}
        restaurant, menu, number = self._session.fetch_all(
            Statement(SELECT_RESTAURANT, tenant),
            Statement(SELECT_LIVE_MENU_ITEMS, {**tenant, "ids": list(menu_item_ids)}),
            Statement(NEXT_ORDER_NUMBER, tenant))
        items = (from_row(row, MenuItem) for row in menu)
        return PlacementReads(from_row(restaurant[0], Restaurant) if restaurant else None,
                              {item.id: item for item in items},
                              int(number[0]["number"]) if number else None)

    def read_only(self) -> None:
        """Each read from now on commits in its own round trip: no ROLLBACK is left to send."""
        self._session.end_with_each_read()

    def commit(self) -> None:
        """Send every queued write and COMMIT, in one round trip; then, if a snapshot was queued,
        tell whoever listens (the in-process relay, which need not wait for its next sweep)."""
        self._session.commit()
        if self._outbox.appended and self._on_outbox is not None:
            self._on_outbox()

    def __exit__(self, *exc: object) -> None:
        self._session.close()          # rolls back unless committed


class PgRelayUnitOfWork:
    """RelayUnitOfWork on PostgreSQL: a transaction on a pooled orderzap_relay connection."""

    def __init__(self, pool: ConnectionPool[Any], timeout: float) -> None:
        self._pool, self._timeout = pool, timeout

    def __enter__(self) -> Self:
        session = Session(self._pool, self._timeout)
        session.open()
        self._session = session
        self._queue = PgRelayQueue(session)
        return self

    @property
    def session(self) -> Session:
        """The transaction underneath (its round-trip count)."""
        return self._session

    @property
    def queue(self) -> PgRelayQueue:
        """The outbox, for the relay."""
        return self._queue

    def commit(self) -> None:
        """Make the deletions and parkings durable."""
        self._session.commit()

    def __exit__(self, *exc: object) -> None:
        self._session.close()
