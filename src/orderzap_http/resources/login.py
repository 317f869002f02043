"""``/v1/auth/login``."""

from __future__ import annotations

import falcon

from orderzap_core.commands import Login
from orderzap_core.services.accounts import AccountService
from orderzap_core.wire import Wire, rfc3339
from orderzap_http import envelope
from orderzap_http.resources import parsing, views
from orderzap_http.tokens import TokenService


class LoginResource:
    """POST /v1/auth/login"""

    auth = False

    def __init__(self, accounts: AccountService, tokens: TokenService, wire: Wire) -> None:
        self._accounts, self._tokens, self._wire = accounts, tokens, wire

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Exchange a restaurant slug, email and password for a token. A missing field is 422;
        every wrong value is the same 401 INVALID_CREDENTIALS."""
        login = self._wire.parse(parsing.json_object(req), Login)
        user, restaurant = self._accounts.authenticate(login)
        issued = self._tokens.issue(user, restaurant)
        envelope.single(resp, {"token": issued.token, "expiresAt": rfc3339(issued.expires_at),
                               "user": views.login_user(user)})
