"""The console log line: structlog's ``ConsoleRenderer(colors=False)``, faster for plain events.

Every request writes an access line, and structlog's renderer builds each field through its
column formatters and a ``StringIO``: about half of a line's cost. :class:`ConsoleLines` writes
the same text directly (the same columns, padding, key order and quoting) and hands any event
with a stack or an exception to structlog's renderer, which formats tracebacks.
"""

from __future__ import annotations

from typing import Any

import structlog

#: Keys whose events structlog's renderer formats (tracebacks); the fast path never sees them.
_TRACEBACK_KEYS = frozenset({"stack", "exception", "exc_info"})
#: Characters that make structlog quote a string value with ``repr``.
_QUOTED = frozenset(" \t=\r\n\"'")
#: The event column's width (``ConsoleRenderer``'s default ``pad_event_to``).
_EVENT_WIDTH = 30


def _value(value: object) -> str:
    if isinstance(value, str):
        return repr(value) if not _QUOTED.isdisjoint(value) else value
    return repr(value)


class ConsoleLines:
    """A structlog processor rendering an event as one uncoloured console line."""

    def __init__(self) -> None:
        self._full = structlog.dev.ConsoleRenderer(colors=False)
        levels = structlog.dev.ConsoleRenderer.get_default_level_styles(colors=False)
        self._level_width = max(len(level) for level in levels)

    def __call__(self, logger: Any, name: str, event_dict: dict[str, Any]) -> str:
        """The line for ``event_dict`` (which, like structlog's renderer, it empties)."""
        if not _TRACEBACK_KEYS.isdisjoint(event_dict):
            return self._full(logger, name, event_dict)
        parts: list[str] = []
        pop = event_dict.pop
        if "timestamp" in event_dict:
            parts.append(str(pop("timestamp")))
        if "level" in event_dict:
            parts.append(f"[{str(pop('level')).ljust(self._level_width)}]")
        if "event" in event_dict:
            parts.append(str(pop("event")).ljust(_EVENT_WIDTH))
        for key in ("logger", "logger_name"):
            if key in event_dict:
                parts.append(f"[{pop(key)}]")
        parts.extend(f"{key}={_value(event_dict[key])}" for key in sorted(event_dict))
        event_dict.clear()
        return " ".join(part for part in parts if part).rstrip(" ")
