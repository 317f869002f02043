"""Rule problems of a body that also has type problems, so one 422 names every bad field.

When a body fails the wire's strict typing, the fields that did type-check are still worth
checking against the rules: ``{"customerName": "", "items": [{"quantity": "2"}]}`` should name
both ``customerName`` and ``items[0].quantity``. :func:`lenient` builds the command anyway, with a
placeholder of the right type wherever a value was mistyped or missing; the use case's own pure
checks then run on it, and :func:`rule_problems` keeps only the problems that are not at or below
a path that already has a type problem (a placeholder says nothing about the client's value).
Checks that need the database (the menu, name uniqueness) wait for a well-typed body.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from enum import Enum
from typing import Any, get_args, get_origin
from uuid import UUID

import attrs

from orderzap_core import rules
from orderzap_core.commands import EditMenuItem, EditOrder, NewMenuItem, PlaceOrder, StatusChange, Unset
from orderzap_core.errors import Problem
from orderzap_core.services.orders import edit_problems, order_problems

_PRIMITIVES: Mapping[type, Any] = {str: "", int: 0, bool: False}


def _menu_item_problems(command: NewMenuItem | EditMenuItem) -> list[Problem]:
    found: list[Problem] = []
    if isinstance(command.name, str):
        found += rules.name("name", command.name)
    if isinstance(command.price_cents, int):
        found += rules.price_cents("price_cents", command.price_cents)
    return found


#: The pure checks of each command a client sends.
CHECKS: Mapping[type, Callable[[Any], list[Problem]]] = {
    PlaceOrder: order_problems,
    EditOrder: edit_problems,
    StatusChange: lambda change: rules.text("reason", change.reason),
    NewMenuItem: _menu_item_problems,
    EditMenuItem: _menu_item_problems,
}


def rule_problems(body: dict[str, Any], kind: type, type_paths: Iterable[str],
                  to_wire: Callable[[str], str]) -> list[Problem]:
    """The rule problems of ``body`` as a ``kind`` that no type problem already covers."""
    check = CHECKS.get(kind)
    if check is None:
        return []
    # NOTE: "body" problems (an empty PATCH) say nothing new once a field was sent and refused.
    covered = [*type_paths, "body"]
    return [p for p in check(lenient(body, kind, to_wire))
            if not any(_at_or_below(p.field, path) for path in covered)]


def _at_or_below(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith((ancestor + ".", ancestor + "["))


def lenient(value: Any, tp: Any, to_wire: Callable[[str], str]) -> Any:
    """``value`` as a ``tp``, with a placeholder wherever it does not fit (never raises)."""
    if get_origin(tp) in (typing.Union, types.UnionType):
        options = [a for a in get_args(tp) if a is not Unset]
        if value is None and type(None) in options:
            return None
        return lenient(value, next(a for a in options if a is not type(None)), to_wire)
    if isinstance(tp, typing.NewType):
        return lenient(value, tp.__supertype__, to_wire)
    if attrs.has(tp):
        return _lenient_object(value if isinstance(value, dict) else {}, tp, to_wire)
    if get_origin(tp) in (tuple, list):
        inner = get_args(tp)[0]
        items = [lenient(v, inner, to_wire) for v in value] if type(value) is list else []
        return tuple(items) if get_origin(tp) is tuple else items
    if isinstance(tp, type) and issubclass(tp, Enum):
        return next((m for m in tp if type(value) is str and m.value == value), next(iter(tp)))
    if tp is UUID:
        try:
            return UUID(value) if type(value) is str else UUID(int=0)
        except ValueError:
            return UUID(int=0)
    if tp is datetime:
        return datetime.fromtimestamp(0, UTC)
    return value if type(value) is tp else _PRIMITIVES.get(tp)


def _lenient_object(body: dict[str, Any], cl: type, to_wire: Callable[[str], str]) -> Any:
    values: dict[str, Any] = {}
    for field in attrs.fields(cl):
        key = to_wire(field.name)
        if key in body:
            values[field.name] = lenient(body[key], field.type, to_wire)
        elif field.default is attrs.NOTHING:
            values[field.name] = lenient(None, field.type, to_wire)
    return cl(**values)
