"""``/v1/me``."""

from __future__ import annotations

import falcon

from orderzap_core.services.accounts import AccountService
from orderzap_http import envelope
from orderzap_http.resources import views


class MeResource:
    """GET /v1/me"""

    def __init__(self, accounts: AccountService) -> None:
        self._accounts = accounts

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        """The caller and its restaurant."""
        user, restaurant = self._accounts.me(req.context.principal)
        envelope.single(resp, {"user": views.me_user(user), "restaurant": views.restaurant(restaurant)})
