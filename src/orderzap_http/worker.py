"""gunicorn, made to answer through the contract too.

Two things happen before (or after) the Falcon app has a say, and both would break api.md:

- gunicorn refuses a request it cannot parse (a request line over 8190 bytes, too many or too
  large headers, a malformed line) with an HTML page of its own. :class:`OrderZapWorker` answers
  those with the JSON error envelope and an ``X-Request-Id`` instead, keeping gunicorn's status
  (400, 414, 431 …) and its log line.
- A ``413`` is sent before the body is read; on a kept-alive connection the unread body would
  then be taken for the next request. :func:`close_after_refused_body` closes the connection
  after a ``413``, as RFC 9110 allows.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from typing import Any

from gunicorn.workers.gthread import ThreadWorker

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class _CapturedSocket:
    """Stands in for the client socket while gunicorn writes its HTML error page."""

    def __init__(self, sock: Any) -> None:
        self._sock = sock
        self.written = b""

    def sendall(self, data: bytes) -> None:
        self.written += data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def error_response(status: int, reason: str) -> bytes:
    """A complete HTTP/1.1 response carrying the error envelope; the connection then closes."""
    request_id = uuid.uuid4().hex
    code = "BAD_REQUEST" if status < 500 else "INTERNAL_ERROR"
    message = "the request could not be read" if status < 500 else "internal error"
    body = json.dumps({"success": False, "error": {"code": code, "message": message,
                                                   "requestId": request_id}}).encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json; charset=utf-8\r\nX-Request-Id: {request_id}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode("latin-1") + body


class OrderZapWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's threaded worker, with errors it raises itself answered as JSON envelopes."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        """Let gunicorn decide the status and log, then send our envelope instead of its page."""
        captured = _CapturedSocket(client)
        super().handle_error(req, captured, addr, exc)
        status_line = captured.written.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        if len(status_line) < 3 or not status_line[1].isdigit():
            return
        try:
            client.sendall(error_response(int(status_line[1]), status_line[2]))
        except OSError:
            self.log.debug("Failed to send error message.")


def close_after_refused_body(app: WsgiApp) -> WsgiApp:
    """``app``, closing the connection after a 413 (its body was never read)."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
            # NOTE: gunicorn's start_response is a bound method of its Response; force_close()
            # makes gunicorn send "Connection: close" and drop the connection afterwards.
            if status.startswith("413"):
                force_close = getattr(getattr(start_response, "__self__", None), "force_close", None)
                if force_close is not None:
                    force_close()
            return start_response(status, headers, *exc_info)

        return app(environ, start)

    return wrapped
