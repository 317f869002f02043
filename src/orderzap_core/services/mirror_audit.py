"""``cache verify``: the mirror compared with the source of truth, order by order, and repaired.

Differences are of four kinds: ``missing`` (the source has the order, the mirror not), ``stale``
(the mirror holds an older version), ``different`` (the same or a higher version with other
content: only a bug or a hand edit makes one) and ``extra`` (the mirror holds an order the source
does not have). A repair writes the source's snapshot, or removes the extra copy, by
compare-and-set on the version the verifier saw, so it never undoes a delivery the relay made
meanwhile; a repaired mirror is then verified again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from enum import StrEnum

from attrs import define, field, frozen

from orderzap_core.domain.accounts import Restaurant
from orderzap_core.domain.orders import Order
from orderzap_core.domain.pagination import OrderQuery, Position, Sort
from orderzap_core.ids import OrderId, RestaurantId
from orderzap_core.ports.cache import MirrorAudit, RemoveOutcome, RepairOutcome
from orderzap_core.ports.unit_of_work import UnitOfWorkFactory

#: Rows per page on both sides.
PAGE = 200


class Kind(StrEnum):
    """How the mirror's copy of one order differs from the source."""

    MISSING = "missing"
    STALE = "stale"
    DIFFERENT = "different"
    EXTRA = "extra"


@frozen
class Difference:
    """One order whose mirror copy is not the source's snapshot."""

    kind: Kind
    restaurant_id: RestaurantId
    order_id: OrderId
    source_version: int | None
    mirror_version: int | None
    #: The source's snapshot, which a repair writes (None for an extra).
    snapshot: Order | None = field(default=None, eq=False, repr=False)


@frozen
class Audit:
    """What one verification found."""

    checked: int                 # orders in the source
    mirrored: int                # snapshots in the mirror
    differences: tuple[Difference, ...]

    @property
    def clean(self) -> bool:
        """Whether the mirror equals the source."""
        return not self.differences

    def count(self, kind: Kind) -> int:
        """How many differences of ``kind``."""
        return sum(1 for d in self.differences if d.kind is kind)


@frozen
class Repairs:
    """What a repair did: writes and removals applied, and those lost to a concurrent change."""

    applied: int
    conflicts: int             # changed meanwhile, or refused by the mirror


@define
class MirrorVerifier:
    """Compares the mirror with the source, restaurant by restaurant."""

    _uow: UnitOfWorkFactory
    _mirror: MirrorAudit
    _restaurants: Callable[[], Sequence[Restaurant]]

    def verify(self, restaurant: Restaurant | None = None,
               progress: Callable[[Restaurant, int], None] | None = None) -> Audit:
        """Compare every order of ``restaurant`` (all restaurants when None: then mirror copies of
        restaurants the source does not know are extras too). ``progress`` hears of each
        restaurant done and how many of its orders were checked."""
        restaurants = [restaurant] if restaurant is not None else list(self._restaurants())
        differences: list[Difference] = []
        checked = mirrored = 0
        for each in restaurants:
            copies = {o.id: o for o in self._scan(each.id)}
            mirrored += len(copies)
            count = 0
            for order in self._source(each.id):
                count += 1
                copy = copies.pop(order.id, None)
                kind = _compare(order, copy)
                if kind is not None:
                    differences.append(Difference(kind, each.id, order.id, order.version,
                                                  copy.version if copy else None, order))
            checked += count
            differences.extend(Difference(Kind.EXTRA, each.id, c.id, None, c.version)
                               for c in copies.values())
            if progress is not None:
                progress(each, count)
        if restaurant is None:
            known = {r.id for r in restaurants}
            for copy in self._scan(None):
                if copy.restaurant_id not in known:
                    mirrored += 1
                    differences.append(Difference(Kind.EXTRA, copy.restaurant_id, copy.id, None,
                                                  copy.version))
        return Audit(checked, mirrored, tuple(differences))

    def repair(self, audit: Audit) -> Repairs:
        """Fix every difference of ``audit``, each by compare-and-set on the version seen."""
        applied = conflicts = 0
        for difference in audit.differences:
            if difference.kind is Kind.EXTRA:
                assert difference.mirror_version is not None
                done = (self._mirror.remove(difference.order_id, difference.mirror_version)
                        is RemoveOutcome.REMOVED)
            else:
                assert difference.snapshot is not None
                done = (self._mirror.repair(difference.snapshot, difference.mirror_version).outcome
                        is RepairOutcome.APPLIED)
            applied += done
            conflicts += not done
        return Repairs(applied, conflicts)

    def _scan(self, restaurant_id: RestaurantId | None) -> Iterator[Order]:
        cursor: str | None = None
        while True:
            page = self._mirror.scan(restaurant_id, cursor, PAGE)
            yield from page.orders
            cursor = page.cursor
            if cursor is None:
                return

    def _source(self, restaurant_id: RestaurantId) -> Iterator[Order]:
        after: Position | None = None
        while True:
            query = OrderQuery(limit=PAGE, sort=Sort.OLDEST_FIRST, after=after, include_deleted=True)
            with self._uow(restaurant_id) as uow:
                rows = uow.orders.page(query)
            yield from rows[:PAGE]
            if len(rows) <= PAGE:
                return
            last = rows[PAGE - 1]
            after = Position(last.created_at, last.id)


def _compare(order: Order, copy: Order | None) -> Kind | None:
    if copy is None:
        return Kind.MISSING
    if copy.version < order.version:
        return Kind.STALE
    if copy != order:
        return Kind.DIFFERENT
    return None
