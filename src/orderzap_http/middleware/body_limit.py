"""The body size limit: 413 before a byte is read when Content-Length is over it, and a chunked
body (no Content-Length) is read up to one byte past the limit, never further."""

from __future__ import annotations

import io

import falcon

from orderzap_http.errors import PayloadTooLarge


class BodyLimit:
    """Refuses bodies over ``max_bytes`` with 413 PAYLOAD_TOO_LARGE."""

    def __init__(self, max_bytes: int) -> None:
        self._max = max_bytes

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Check the declared length; buffer a chunked body within the limit."""
        length = req.content_length          # a malformed Content-Length is Falcon's 400
        if length is not None:
            if length > self._max:
                raise PayloadTooLarge(self._max)
            return
        if "chunked" in (req.get_header("Transfer-Encoding") or "").lower():
            data = req.stream.read(self._max + 1)
            if len(data) > self._max:
                raise PayloadTooLarge(self._max)
            # NOTE: from here on the body has a known length, so Falcon's bounded stream reads it.
            req.env["CONTENT_LENGTH"] = str(len(data))
            req.env["wsgi.input"] = req.stream = io.BytesIO(data)
