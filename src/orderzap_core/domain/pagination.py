"""Keyset pagination: queries, pages and opaque cursors.

A cursor names the last row a page returned (its sort key), the sort order and the source that
served the page (``db`` or ``cache``), so a walk never skips or repeats a row while rows are added
and stays on one source. Cursors are base64url JSON with a checksum; anything else is BadRequest.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar
from uuid import UUID

from attrs import field, frozen

from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import BadRequest
from orderzap_core.ids import UserId

T = TypeVar("T")
C = TypeVar("C")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class Sort(StrEnum):
    """List order: oldest first (``createdAt``) or newest first (``-createdAt``, the default)."""

    OLDEST_FIRST = "createdAt"
    NEWEST_FIRST = "-createdAt"


class Source(StrEnum):
    """Which store served a page; a cursor walk stays on it."""

    DB = "db"
    CACHE = "cache"


@frozen
class Position:
    """The sort key of the last row of a page: creation time, then id to break ties."""

    created_at: datetime
    id: UUID


@frozen
class Cursor:
    """A decoded cursor: where the walk stands, in which order, on which source."""

    position: Position
    sort: Sort
    source: Source = Source.DB

    def encode(self) -> str:
        """The opaque string handed to clients."""
        return _seal([self.position.created_at.isoformat(), str(self.position.id), self.sort.value,
                      self.source.value])

    @classmethod
    def decode(cls, text: str) -> Cursor:
        """The cursor ``text`` stands for. Raises BadRequest for anything this server did not issue."""
        return _opened(text, cls._from_body)

    @classmethod
    def _from_body(cls, body: Any) -> Cursor:
        at, ident, sort, source = body
        created_at = datetime.fromisoformat(at)
        if created_at.tzinfo is None:
            raise ValueError("naive time")
        return cls(Position(created_at, UUID(ident)), Sort(sort), Source(source))


@frozen
class VersionCursor:
    """A cursor over an order's history: the last version a page returned."""

    after_version: int

    def encode(self) -> str:
        """The opaque string handed to clients."""
        return _seal(["events", self.after_version])

    @classmethod
    def decode(cls, text: str) -> VersionCursor:
        """The cursor ``text`` stands for. Raises BadRequest for anything this server did not issue."""
        return _opened(text, cls._from_body)

    @classmethod
    def _from_body(cls, body: Any) -> VersionCursor:
        kind, version = body
        if kind != "events" or type(version) is not int or version < 0:
            raise ValueError("not an events cursor")
        return cls(version)


def _seal(payload: list[Any]) -> str:
    """base64url of the JSON payload and its checksum (integrity, not secrecy)."""
    body = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(body + b"|" + _check(body)).decode().rstrip("=")


def _opened(text: str, parse: Callable[[Any], C]) -> C:
    """``parse`` of a sealed payload; BadRequest for anything this server did not issue."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        body, _, check = raw.rpartition(b"|")
        if not body or check != _check(body):
            raise ValueError("checksum")
        return parse(json.loads(body))
    # NOTE: the checksum is no secret, so a crafted body can hold any JSON: an int where the id
    # belongs (AttributeError in UUID), or nesting deep enough to exhaust the parser.
    except (ValueError, TypeError, AttributeError, RecursionError, binascii.Error, UnicodeDecodeError):
        raise BadRequest("cursor is not one this server issued") from None


def _check(body: bytes) -> bytes:
    return hashlib.sha256(b"orderzap-cursor:" + body).hexdigest()[:12].encode()


MIN_LIMIT = 1


def check_limit(value: int) -> int:
    """``value`` when it is a page size of 1–200, else BadRequest."""
    if not MIN_LIMIT <= value <= MAX_LIMIT:
        raise BadRequest(f"limit must be between {MIN_LIMIT} and {MAX_LIMIT}")
    return value


@frozen
class OrderQuery:
    """A filtered, sorted window of a restaurant's orders."""

    statuses: frozenset[OrderStatus] = frozenset()
    created_after: datetime | None = None
    created_before: datetime | None = None
    limit: int = field(default=DEFAULT_LIMIT, converter=check_limit)
    sort: Sort = Sort.NEWEST_FIRST
    after: Position | None = None
    include_deleted: bool = False
    #: Set by the use case for customers (only their own orders); never by a client.
    created_by: UserId | None = None

    def matches(self, created_at: datetime, status: OrderStatus, deleted: bool,
                created_by: UserId) -> bool:
        """Whether an order with these attributes belongs in this query (ignoring the position)."""
        return (
            (not self.statuses or status in self.statuses)
            and (self.created_after is None or created_at > self.created_after)
            and (self.created_before is None or created_at < self.created_before)
            and (self.include_deleted or not deleted)
            and (self.created_by is None or created_by == self.created_by)
        )

    def is_past_position(self, key: Position) -> bool:
        """Whether a row with sort key ``key`` comes after the cursor's position."""
        if self.after is None:
            return True
        mine = (key.created_at, key.id)
        theirs = (self.after.created_at, self.after.id)
        return mine > theirs if self.sort is Sort.OLDEST_FIRST else mine < theirs


@frozen
class Page(Generic[T]):
    """One page of results; ``next_cursor`` is None on the last page."""

    items: tuple[T, ...]
    next_cursor: str | None
    limit: int
