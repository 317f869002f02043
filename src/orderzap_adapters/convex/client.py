"""ConvexClient: Convex's HTTP function API over one ``httpx.Client``, and how its answers are read.

The body decides, not the HTTP code: a JSON object with a ``status`` field under 200 (the
open-source backend) or 560 (Convex Cloud's proxy) is a function outcome. Everything else is
classified by its HTTP status (``convex-facts.md`` §1):

    ConvexFailure
    ├── FunctionError   the function answered ``"status": "error"``: deterministic, never retried hot
    ├── Misconfigured   400/401/403/404 and other 4xx: a bug or a bad key; the breaker opens at once
    └── Transient       timeouts, connection errors, 408, 429, 5xx, a body that is not Convex's
        └── CircuitOpen the breaker is open: no call was made

No httpx exception leaves this module. A Misconfigured answer logs one loud line on
``orderzap.convex`` when it starts (or changes), not on every call.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

import httpx
from attrs import frozen

from orderzap_adapters.convex.breaker import CircuitBreaker

log = logging.getLogger("orderzap.convex")

#: Convex's "the function failed" status behind Convex Cloud's proxy (the JS client's constant).
STATUS_UDF_FAILED = 560
#: 4xx answers that say "later", not "never".
TRANSIENT_4XX = frozenset({408, 429})


class ConvexFailure(Exception):
    """A Convex call that did not return a value."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class Transient(ConvexFailure):
    """The call may succeed later: retry with backoff."""


class CircuitOpen(Transient):
    """The breaker is open, so no call was made."""


class Misconfigured(ConvexFailure):
    """Convex refused the request itself (a bad key, a wrong URL, a malformed call): no hot retry."""

    def __init__(self, path: str, status: int, code: str | None, message: str) -> None:
        super().__init__(path, f"HTTP {status} {code or '(no code)'}: {message}")
        self.status = status
        self.code = code


class FunctionError(ConvexFailure):
    """The function ran and failed; ``code`` is its ``ConvexError``'s ``data.code`` (None when the
    error carried no data, e.g. a validator's refusal). The same call fails the same way again."""

    def __init__(self, path: str, code: str | None, data: Any, message: str) -> None:
        super().__init__(path, f"{code or 'function error'}: {message}")
        self.code = code
        self.data = data


@frozen
class Timeouts:
    """Seconds per phase of a call. Short by default: reads fall back to PostgreSQL, so a slow
    mirror must cost little. ``pool`` bounds the wait for a free connection."""

    connect: float = 0.5
    read: float = 1.0
    write: float = 1.0
    pool: float = 0.5

    def for_httpx(self, read: float | None = None) -> httpx.Timeout:
        """These timeouts as httpx's, with ``read`` overriding the read timeout."""
        return httpx.Timeout(connect=self.connect, read=self.read if read is None else read,
                             write=self.write, pool=self.pool)


class ConvexClient:
    """Calls Convex functions with the deployment's admin key. Thread-safe: share one per process
    (its ``httpx.Client`` pools the connections), built after a fork, never before."""

    def __init__(self, http: httpx.Client, admin_key: str, *, timeouts: Timeouts | None = None,
                 breaker: CircuitBreaker | None = None) -> None:
        self._http = http
        self._headers = {"Authorization": f"Convex {admin_key}"}
        self._timeouts = timeouts or Timeouts()
        self.breaker = breaker or CircuitBreaker()
        self._lock = threading.Lock()
        self._refusal: tuple[int, str | None] | None = None

    @classmethod
    def connect(cls, url: str, admin_key: str, *, timeouts: Timeouts | None = None,
                breaker: CircuitBreaker | None = None,
                transport: httpx.BaseTransport | None = None) -> ConvexClient:
        """A client with its own ``httpx.Client`` on deployment ``url``."""
        timeouts = timeouts or Timeouts()
        http = httpx.Client(base_url=url.rstrip("/"), timeout=timeouts.for_httpx(), transport=transport,
                            follow_redirects=False)
        return cls(http, admin_key, timeouts=timeouts, breaker=breaker)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()

    def query(self, path: str, args: dict[str, Any], *, read_timeout: float | None = None) -> Any:
        """The value of query ``path`` (``"module:function"``). Raises a ConvexFailure."""
        return self._call("/api/query", path, args, read_timeout)

    def mutation(self, path: str, args: dict[str, Any], *, read_timeout: float | None = None) -> Any:
        """The value of mutation ``path``. Raises a ConvexFailure; after a Transient the mutation
        may or may not have run (HTTP mutations carry no idempotency token)."""
        return self._call("/api/mutation", path, args, read_timeout)

    def _call(self, route: str, path: str, args: dict[str, Any], read_timeout: float | None) -> Any:
        if not self.breaker.allow():
            raise CircuitOpen(path, "the circuit breaker is open")
        try:
            value = self._send(route, path, args, read_timeout)
        except FunctionError as refusal:
            if refusal.code is None:
                # NOTE: our functions refuse only with ConvexError({code}); an error without one
                # is Convex failing to run them (a crash, a redacted "Server Error"): it counts.
                self.breaker.record_failure(str(refusal))
            else:
                self.breaker.record_success()      # Convex answered: it is up
                self._answered()
            raise
        except Misconfigured as refusal:
            self.breaker.trip(str(refusal))
            self._refused(refusal)
            raise
        except Transient as failure:
            self.breaker.record_failure(str(failure))
            raise
        except BaseException:
            # NOTE: a bug of ours must not leave a half-open probe hanging forever.
            self.breaker.record_failure("unexpected error in the Convex client")
            raise
        self.breaker.record_success()
        self._answered()
        return value

    def _send(self, route: str, path: str, args: dict[str, Any], read_timeout: float | None) -> Any:
        body = {"path": path, "args": args, "format": "json"}
        try:
            answer = self._http.post(route, json=body, headers=self._headers,
                                     timeout=self._timeouts.for_httpx(read_timeout))
        except httpx.TimeoutException as error:
            raise Transient(path, f"timed out ({type(error).__name__})") from None
        except httpx.HTTPError as error:
            raise Transient(path, f"{type(error).__name__}: {error}") from None
        return read_answer(path, answer.status_code, answer.content)

    def _refused(self, refusal: Misconfigured) -> None:
        key = (refusal.status, refusal.code)
        with self._lock:
            changed, self._refusal = self._refusal != key, key
        if changed:
            log.error("Convex refuses our calls (HTTP %s %s): check CONVEX_URL and the admin key; "
                      "reads fall back to PostgreSQL and the relay holds its rows until this is fixed. %s",
                      refusal.status, refusal.code or "", refusal.message)

    def _answered(self) -> None:
        with self._lock:
            was, self._refusal = self._refusal, None
        if was is not None:
            log.warning("Convex accepts our calls again")


def read_answer(path: str, status: int, content: bytes) -> Any:
    """The value an HTTP answer carries. Raises FunctionError, Misconfigured or Transient."""
    body = _json(content)
    if status in (200, STATUS_UDF_FAILED) and isinstance(body, dict) and "status" in body:
        return _outcome(path, body)
    if 400 <= status < 500 and status not in TRANSIENT_4XX:
        fields = body if isinstance(body, dict) else {}
        code, message = fields.get("code"), fields.get("message")
        raise Misconfigured(path, status, code if isinstance(code, str) else None,
                            message if isinstance(message, str) else _excerpt(content))
    if status == 200:
        raise Transient(path, f"HTTP 200 with a body that is not Convex's: {_excerpt(content)}")
    raise Transient(path, f"HTTP {status}: {_excerpt(content)}")


def _outcome(path: str, body: dict[str, Any]) -> Any:
    if body["status"] == "success" and "value" in body:
        return body["value"]
    if body["status"] == "error":
        data = body.get("errorData")
        code = data.get("code") if isinstance(data, dict) else None
        message = body.get("errorMessage")
        raise FunctionError(path, code if isinstance(code, str) else None, data,
                            message if isinstance(message, str) else "")
    raise Transient(path, f"a function outcome Convex does not send: {_excerpt(repr(body).encode())}")


def _json(content: bytes) -> Any:
    try:
        return json.loads(content)
    except (ValueError, RecursionError):
        return None


def _excerpt(content: bytes) -> str:
    text = content[:200].decode("utf-8", "replace").strip()
    return repr(text) if text else "(empty body)"
