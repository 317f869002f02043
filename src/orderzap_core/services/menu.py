"""Menu use cases: list, get, create, edit, soft delete."""

from __future__ import annotations

from attrs import define, evolve

from orderzap_core import rules
from orderzap_core.commands import EditMenuItem, NewMenuItem
from orderzap_core.domain.menu import MenuItem
from orderzap_core.domain.pagination import Cursor, Page, Position, Sort, check_limit
from orderzap_core.errors import NotFound, Problem, ValidationFailed
from orderzap_core.ids import MenuItemId
from orderzap_core.policy import Action, Principal, authorize
from orderzap_core.ports.system import Clock, IdGenerator
from orderzap_core.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory

TAKEN = "is already the name of another item on this menu"


def _name_problems(uow: UnitOfWork, name: str, other_than: MenuItemId | None = None) -> list[Problem]:
    problems = rules.name("name", name)
    if not problems and uow.menu_items.name_taken(name.strip(), other_than=other_than):
        problems.append(Problem("name", TAKEN))
    return problems


def _live_item(uow: UnitOfWork, item_id: MenuItemId) -> MenuItem:
    item = uow.menu_items.get(item_id)
    if item is None:
        raise NotFound("menu item")
    return item


@define
class MenuService:
    """The menu use cases."""

    _uow: UnitOfWorkFactory
    _clock: Clock
    _ids: IdGenerator

    def list(self, principal: Principal, *, available: bool | None = None, limit: int = 50,
             cursor: str | None = None) -> Page[MenuItem]:
        """A page of live items, oldest first. Raises BadRequest for a bad limit or cursor."""
        authorize(principal, Action.READ_MENU)
        check_limit(limit)
        after = Cursor.decode(cursor).position if cursor is not None else None
        with self._uow(principal.restaurant_id) as uow:
            rows = uow.menu_items.page(available=available, limit=limit + 1, after=after)
        items = tuple(rows[:limit])
        next_cursor = None
        if len(rows) > limit:
            next_cursor = Cursor(Position(items[-1].created_at, items[-1].id), Sort.OLDEST_FIRST).encode()
        return Page(items, next_cursor, limit)

    def get(self, principal: Principal, item_id: MenuItemId) -> MenuItem:
        """One live item. Raises NotFound."""
        authorize(principal, Action.READ_MENU)
        with self._uow(principal.restaurant_id) as uow:
            return _live_item(uow, item_id)

    def create(self, principal: Principal, command: NewMenuItem) -> MenuItem:
        """Add an item. Raises Forbidden, ValidationFailed (bad or duplicate name, price range)."""
        authorize(principal, Action.MANAGE_MENU)
        problems = rules.price_cents("price_cents", command.price_cents)
        with self._uow(principal.restaurant_id) as uow:
            problems = _name_problems(uow, command.name) + problems
            if problems:
                raise ValidationFailed(problems)
            now = self._clock.now()
            item = MenuItem(
                id=MenuItemId(self._ids.new()), restaurant_id=principal.restaurant_id,
                name=command.name.strip(), price_cents=command.price_cents,
                is_available=command.is_available, created_at=now, updated_at=now)
            uow.menu_items.add(item)
            uow.commit()
        return item

    def edit(self, principal: Principal, item_id: MenuItemId, command: EditMenuItem) -> MenuItem:
        """Change an item. Raises Forbidden, NotFound, ValidationFailed."""
        authorize(principal, Action.MANAGE_MENU)
        changes = command.given()
        if not changes:
            raise ValidationFailed.one("body", "must set at least one of name, priceCents, isAvailable")
        with self._uow(principal.restaurant_id) as uow:
            item = _live_item(uow, item_id)
            problems: list[Problem] = []
            if "name" in changes:
                problems += _name_problems(uow, changes["name"], other_than=item_id)
                changes["name"] = changes["name"].strip()
            if "price_cents" in changes:
                problems += rules.price_cents("price_cents", changes["price_cents"])
            if problems:
                raise ValidationFailed(problems)
            changed = evolve(item, updated_at=max(self._clock.now(), item.updated_at), **changes)
            uow.menu_items.replace(changed)
            uow.commit()
        return changed

    def delete(self, principal: Principal, item_id: MenuItemId) -> MenuItem:
        """Soft-delete an item; orders keep their copied name and price. Raises Forbidden, NotFound."""
        authorize(principal, Action.MANAGE_MENU)
        with self._uow(principal.restaurant_id) as uow:
            item = _live_item(uow, item_id)
            gone = item.deleted(max(self._clock.now(), item.updated_at))
            uow.menu_items.replace(gone)
            uow.commit()
        return gone
