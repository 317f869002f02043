"""The strict JSON handler on its own: what it parses, what it refuses, and how it writes."""

from __future__ import annotations

import json
import tracemalloc
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from orderzap_core.errors import BadRequest
from orderzap_http.media import MAX_DEPTH, Written, check_depth, dumps, loads

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20)


def nested(depth: int) -> bytes:
    return b'{"a": ' * (depth - 1) + b"[]" + b"}" * (depth - 1)


def test_nesting_up_to_the_limit_is_parsed() -> None:
    assert loads(nested(MAX_DEPTH)) is not None
    assert loads(b"[" * MAX_DEPTH + b"]" * MAX_DEPTH) is not None


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000])
def test_nesting_beyond_the_limit_is_refused_without_recursing(depth: int) -> None:
    with pytest.raises(BadRequest, match="nested deeper"):
        loads(b"[" * depth + b"]" * depth)


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    assert loads(b'{"a": "' + b"[{" * 1000 + b'\\"[{"}') == {"a": "[{" * 1000 + '"[{'}
    check_depth('"\\\\" [[]]', limit=2)


@pytest.mark.parametrize(("text", "value"), [
    (b"2.5", Decimal("2.5")), (b"1e309", Decimal("1e309")), (b"-1e309", Decimal("-1e309")),
    (b"1e2", Decimal("1e2")), (b"0.1", Decimal("0.1")), (b"7", 7), (b"-0", 0),
])
def test_numbers_with_a_fraction_or_exponent_stay_exact_decimals(text: bytes, value: object) -> None:
    parsed = loads(b'{"n": ' + text + b"}")["n"]
    assert parsed == value and type(parsed) is type(value)


def test_an_integer_too_long_for_any_field_stays_a_decimal() -> None:
    assert type(loads(b"[" + b"9" * 5000 + b"]")[0]) is Decimal


@pytest.mark.parametrize("text", [b"NaN", b"Infinity", b"-Infinity", b'{"a": NaN}'])
def test_nan_and_infinity_are_refused(text: bytes) -> None:
    with pytest.raises(BadRequest):
        loads(text)


@pytest.mark.parametrize("text", [b'{"a": "\\udc00"}', b'{"\\ud800": 1}', b'["\\ud83d"]'])
def test_an_unpaired_surrogate_is_refused(text: bytes) -> None:
    with pytest.raises(BadRequest, match="surrogate"):
        loads(text)


def test_a_paired_surrogate_escape_is_one_character() -> None:
    assert loads(b'["\\ud83c\\udf55"]') == ["\U0001f355"]


def test_duplicate_keys_are_refused_even_when_nested() -> None:
    with pytest.raises(BadRequest, match="same key"):
        loads(b'{"items": [{"quantity": 1, "quantity": 99}]}')


def test_the_error_message_gives_a_position_not_the_parsers_words() -> None:
    with pytest.raises(BadRequest) as raised:
        loads(b'{"a": 1,\n "b": }')
    assert raised.value.message == "the body is not valid JSON (line 2, column 7)"


def test_responses_are_compact_utf8_without_nan() -> None:
    assert dumps({"name": "Zoë", "n": [1, None, True]}) == '{"name":"Zoë","n":[1,null,true]}'.encode()
    # NOTE: no field of the API is a float; should one ever be NaN or infinite, the body is
    # still JSON (orjson writes null), never the NaN token other parsers refuse.
    assert dumps({"x": float("nan"), "y": float("inf")}) == b'{"x":null,"y":null}'


def test_what_orjson_cannot_write_is_written_the_standard_way() -> None:
    assert dumps({"n": 2**70, "s": "Zoë\n"}) == '{"n":1180591620717411303424,"s":"Zoë\\n"}'.encode()
    assert dumps({1: "a"}) == b'{"1":"a"}'
    with pytest.raises(UnicodeEncodeError):
        dumps({"s": "\ud800"})          # an unpaired surrogate is not UTF-8: a 500, never bad bytes


def test_json_written_before_is_placed_as_it_is_either_way() -> None:
    written = Written(b'{"a":[1,"Zo\xc3\xab"]}')
    assert dumps({"o": written}) == b'{"o":{"a":[1,"Zo\xc3\xab"]}}'
    assert dumps({"o": written, "n": 2**70}) == b'{"o":{"a":[1,"Zo\xc3\xab"]},"n":1180591620717411303424}'


def test_json_written_before_keeps_no_more_memory_than_its_bytes() -> None:
    notes = "x" * 700
    tracemalloc.start()
    try:
        kept = [Written(dumps({"notes": notes, "n": n})) for n in range(100)]
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert [k.json for k in kept] == [b'{"notes":"%s","n":%d}' % (notes.encode(), n) for n in range(100)]
    # NOTE: each keeps a copy of about its length; the bytes orjson returned kept its 8 KiB buffer.
    assert held < 100 * 2 * len(kept[0].json)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1)
    | st.text(st.characters(blacklist_categories=("Cs",))),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)


@given(JSON_VALUES)
def test_orjson_and_the_standard_library_write_the_same_bytes(body: object) -> None:
    assert dumps(body) == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def depth_of(value: object) -> int:
    if isinstance(value, dict):
        return 1 + max(map(depth_of, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(depth_of, value), default=0)
    return 0


@given(JSON_VALUES)
def test_whatever_the_server_writes_it_reads_back(value: object) -> None:
    try:
        encoded = dumps(value)
    except UnicodeEncodeError:      # a lone surrogate from hypothesis: UTF-8 cannot carry it
        assume(False)
    if depth_of(value) > MAX_DEPTH:
        with pytest.raises(BadRequest):
            loads(encoded)
    else:
        assert loads(encoded) == value


@given(st.binary(max_size=200))
def test_arbitrary_bytes_are_parsed_or_refused_as_a_bad_request(data: bytes) -> None:
    try:
        loads(data)
    except BadRequest:
        pass
