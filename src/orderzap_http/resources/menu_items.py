"""The menu: ``/v1/menu-items`` and ``/v1/menu-items/{item_id}``."""

from __future__ import annotations

from uuid import UUID

import falcon

from orderzap_core.commands import EditMenuItem, NewMenuItem
from orderzap_core.ids import MenuItemId
from orderzap_core.services.menu import MenuService
from orderzap_core.wire import Wire
from orderzap_http import envelope
from orderzap_http.resources import parsing, views


class MenuItemsResource:
    """GET /v1/menu-items, POST /v1/menu-items"""

    def __init__(self, menu: MenuService, wire: Wire) -> None:
        self._menu, self._wire = menu, wire

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """A page of live items, oldest first; ``available=true|false`` filters."""
        page = self._menu.list(req.context.principal, available=parsing.boolean(req, "available"),
                               limit=parsing.limit(req), cursor=parsing.cursor(req))
        envelope.listing(resp, [views.menu_item(i) for i in page.items], next_cursor=page.next_cursor,
                         limit=page.limit)

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Add an item (admins)."""
        command = self._wire.parse(parsing.json_object(req), NewMenuItem)
        item = self._menu.create(req.context.principal, command)
        envelope.single(resp, views.menu_item(item), status=falcon.HTTP_201,
                        location=f"/v1/menu-items/{item.id}")


class MenuItemResource:
    """GET, PATCH and DELETE /v1/menu-items/{item_id}"""

    def __init__(self, menu: MenuService, wire: Wire) -> None:
        self._menu, self._wire = menu, wire

    def on_get(self, req: falcon.Request, resp: falcon.Response, item_id: UUID) -> None:
        """One live item."""
        envelope.single(resp, views.menu_item(self._menu.get(req.context.principal, MenuItemId(item_id))))

    def on_patch(self, req: falcon.Request, resp: falcon.Response, item_id: UUID) -> None:
        """Change an item (admins); unknown fields are 422."""
        edit = self._wire.parse(parsing.json_object(req), EditMenuItem)
        item = self._menu.edit(req.context.principal, MenuItemId(item_id), edit)
        envelope.single(resp, views.menu_item(item))

    def on_delete(self, req: falcon.Request, resp: falcon.Response, item_id: UUID) -> None:
        """Soft-delete an item (admins); answers the deleted item."""
        envelope.single(resp, views.menu_item(self._menu.delete(req.context.principal, MenuItemId(item_id))))
