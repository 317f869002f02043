"""The strict JSON media handler: RFC 8259 in UTF-8, nothing lenient.

Falcon's own JSONHandler accepts ``NaN`` and ``Infinity``, turns ``1e309`` into ``inf`` and lets a
deeply nested body raise RecursionError (a 500). This handler refuses those as 400 BAD_REQUEST
before any use case sees them:

- the body must be UTF-8 (no BOM) and one JSON value with nothing after it;
- ``NaN``, ``Infinity`` and ``-Infinity`` are refused, and so are duplicate keys in an object and
  unpaired surrogate escapes (``"\\ud800"``), which no UTF-8 text can carry;
- nesting deeper than :data:`MAX_DEPTH` is refused by a scan that runs *before* the parser, so the
  parser never recurses deeply;
- a number with a fraction or an exponent becomes a :class:`~decimal.Decimal`, never a float: it
  is exact, ``1e309`` stays finite, and since the wire converter accepts only ``int`` where an
  integer is expected, such a field is a 422 naming it rather than a silently rounded value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import orjson
from falcon.media import BaseHandler
from falcon.typing import ReadableIO

from orderzap_core.errors import BadRequest

#: The deepest nesting of arrays and objects a body may have (the top-level value is level 1).
MAX_DEPTH = 32
#: Integers with more digits than this are kept as Decimal (so they fail as "must be an integer"
#: with a 422) instead of making Python convert a huge digit string (which it limits anyway).
MAX_INT_DIGITS = 64

JSON_UTF8 = "application/json; charset=utf-8"

# A JSON string (skipped whole, so brackets inside strings do not count) or a bracket.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_constant(name: str) -> Any:
    raise BadRequest(f"the body is not valid JSON: {name} is not a JSON number")


def _integer(text: str) -> int | Decimal:
    return int(text) if len(text.lstrip("-")) <= MAX_INT_DIGITS else Decimal(text)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise BadRequest("the body is not valid JSON: an object has the same key twice")
    return result


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Raise BadRequest when ``text`` nests arrays and objects deeper than ``limit``."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > limit:
                raise BadRequest(f"the body is nested deeper than {limit} levels")
        elif token in "]}":
            depth -= 1


def _strings(value: Any) -> Iterable[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def loads(data: bytes) -> Any:
    """Parse a request body. Raises BadRequest for anything that is not strict JSON in UTF-8."""
    if not data.strip():
        raise BadRequest("the body is empty; a JSON object is expected")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None
    check_depth(text)
    try:
        value = json.loads(text, parse_constant=_no_constant, parse_float=Decimal, parse_int=_integer,
                           object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as error:
        # NOTE: our own words and the position; the library's message stays in the server.
        raise BadRequest(
            f"the body is not valid JSON (line {error.lineno}, column {error.colno})") from None
    except (RecursionError, ValueError):
        raise BadRequest("the body is not valid JSON") from None
    if any(_SURROGATE.search(s) for s in _strings(value)):
        raise BadRequest("the body is not valid JSON: a string holds an unpaired surrogate")
    return value


class Written:
    """JSON written before (views.OrderJson), placed in a body as it is: orjson copies its bytes
    in without parsing them."""

    __slots__ = ("fragment", "json")

    def __init__(self, data: bytes) -> None:
        # NOTE: a copy, because the bytes orjson returns keep its whole write buffer (about 8 KiB
        # for an order of 700 bytes): 10,000 kept renders were 79 MiB a worker instead of 10.
        self.json = bytes(memoryview(data))
        self.fragment = orjson.Fragment(self.json)


def dumps(value: Any) -> bytes:
    """Serialise a response body as compact UTF-8 JSON."""
    try:
        # NOTE: orjson writes the same compact UTF-8 as the standard library below, several
        # times faster (a page of 50 orders); what it does not take (an integer past 64 bits,
        # a key that is not a string, an unpaired surrogate) goes the standard way.
        return orjson.dumps(value, default=_orjson_default)
    except orjson.JSONEncodeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False,
                          default=_default).encode("utf-8")


def _orjson_default(value: Any) -> Any:
    if isinstance(value, Written):
        return value.fragment
    return _default(value)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Written):
        return json.loads(value.json)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class StrictJSONHandler(BaseHandler):
    """Falcon media handler for ``application/json`` built on :func:`loads` and :func:`dumps`."""

    exhaust_stream = True

    def deserialize(self, stream: ReadableIO, content_type: str | None,
                    content_length: int | None) -> object:
        """Read and parse the whole (already size-checked) body."""
        return loads(stream.read())

    def serialize(self, media: object, content_type: str) -> bytes:
        """Serialise ``media``."""
        return dumps(media)


def strict_json() -> dict[str, BaseHandler]:
    """The media handlers of the app: JSON only, so no form body is ever parsed."""
    return {"application/json": StrictJSONHandler()}
