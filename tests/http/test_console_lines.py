"""The console line is structlog's ``ConsoleRenderer(colors=False)`` line, character for character."""

from __future__ import annotations

import sys
from typing import Any

import structlog
from hypothesis import given
from hypothesis import strategies as st

from orderzap_http.console_lines import ConsoleLines

_COLUMNS = ("timestamp", "level", "event", "logger", "logger_name")
_scalars = (st.text() | st.integers() | st.floats(allow_nan=False) | st.none() | st.booleans()
            | st.sampled_from(["", " ", "a=b", "it's", 'say "hi"', "tab\there", "line\nbreak"]))
_values = (_scalars | st.lists(_scalars, max_size=3)
           | st.dictionaries(st.text(max_size=3), _scalars, max_size=2))
_RESERVED = (*_COLUMNS, "stack", "exception", "exc_info")
_events = st.fixed_dictionaries(
    {},
    optional={"timestamp": st.text(max_size=30) | st.none(),
              "level": st.sampled_from(["debug", "info", "warning", "error", "critical", "oops"]),
              "event": st.text(max_size=40), "logger": st.text(max_size=20),
              "logger_name": st.text(max_size=20)},
).flatmap(lambda columns: st.dictionaries(
    st.text(min_size=1, max_size=12).filter(lambda key: key not in _RESERVED),
    _values, max_size=6,
).map(lambda rest: {**columns, **rest}))


def _both(event: dict[str, Any]) -> tuple[str, str]:
    ours = ConsoleLines()(None, "info", dict(event))
    theirs = structlog.dev.ConsoleRenderer(colors=False)(None, "info", dict(event))
    return ours, theirs


@given(_events)
def test_a_plain_event_renders_as_structlog_renders_it(event: dict[str, Any]) -> None:
    ours, theirs = _both(event)
    assert ours == theirs


def test_an_access_line_reads_as_before() -> None:
    ours, theirs = _both({"timestamp": "2026-12-06T10:00:00.000000Z", "level": "info", "event": "request",
                          "logger": "orderzap.access", "request_id": "r-1", "method": "GET",
                          "path": "/v1/orders", "status": 200, "duration_ms": 1.5})
    assert ours == theirs == ("2026-12-06T10:00:00.000000Z [info     ] request" + " " * 24
                              + "[orderzap.access] duration_ms=1.5 method=GET path=/v1/orders"
                              " request_id=r-1 status=200")


def test_an_event_with_an_exception_keeps_structlog_s_traceback() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        ours, theirs = _both({"event": "failed", "level": "error", "exc_info": sys.exc_info()})
    assert ours == theirs
    assert "ValueError: broken" in ours


def test_an_event_with_a_stack_keeps_structlog_s_layout() -> None:
    ours, theirs = _both({"event": "here", "stack": "Stack (most recent call last):\n  frame"})
    assert ours == theirs
    assert ours.endswith("\n  frame")
