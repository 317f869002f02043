"""The one camelCase converter: JSON bodies in, API objects and mirror snapshots out.

Primitives are strict: ``"5"``, ``2.5``, ``1e2`` and ``True`` are not integers, ``1`` and
``"true"`` are not booleans, and ``123`` is not a string. Every type problem of a body is gathered
into one ValidationFailed whose paths use Python names (``items[0].menu_item_id``); the HTTP shell
renames them with :func:`to_camel`. Semantic rules (lengths, ranges, the menu) belong to the use
cases, which report every problem at once as well.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin
from uuid import UUID

import attrs
from cattrs import Converter
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from orderzap_core import salvage
from orderzap_core.commands import EditMenuItem, EditOrder, StatusChange, Unset
from orderzap_core.domain.accounts import Role
from orderzap_core.domain.events import EventType
from orderzap_core.domain.orders import PaymentMethod
from orderzap_core.domain.pagination import Sort
from orderzap_core.domain.status import OrderStatus
from orderzap_core.errors import Problem, ValidationFailed

T = TypeVar("T")

#: PATCH bodies that are not partial updates: an unknown key is a 422 there too (api.md).
CLOSED: tuple[type, ...] = (StatusChange,)

#: Every enum that crosses a JSON boundary.
ENUMS: tuple[type[Enum], ...] = (OrderStatus, PaymentMethod, Role, EventType, Sort)

_CAMEL = re.compile(r"_([a-z0-9])")


def to_camel(name: str) -> str:
    """``menu_item_id`` → ``menuItemId``; also renames each part of a path like ``items[0].menu_item_id``."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name)


def rfc3339(value: datetime) -> str:
    """``2026-11-24T12:00:00.000Z``: UTC, milliseconds, ``Z``."""
    # NOTE: isoformat of a UTC time ends in "+00:00"; it is several times cheaper than strftime,
    # and a list of 50 orders formats 150 timestamps.
    return value.astimezone(UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


class WireError(ValueError):
    """A value of the wrong JSON type or form; its message is what the client reads."""


class UnknownField(WireError):
    """A key a closed body (PATCH) does not have; its path is the client's own spelling."""

    def __init__(self, key: str) -> None:
        super().__init__("is not a field that can be changed")
        self.__notes__ = [AttributeValidationNote(f"unknown {key}", key, object)]


def _unknown_keys(value: dict[str, Any], known: Iterable[str]) -> list[Exception]:
    allowed = set(known)
    return [UnknownField(key) for key in value if key not in allowed]


def _exactly(kind: type, message: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        if type(value) is not kind:
            raise WireError(message)
        return value

    return structure


def _uuid(value: Any, _: Any) -> UUID:
    if type(value) is not str:
        raise WireError("must be a UUID string")
    try:
        return UUID(value)
    except ValueError:
        raise WireError("must be a UUID string") from None


def _datetime(value: Any, _: Any) -> datetime:
    if type(value) is not str:
        raise WireError("must be an RFC 3339 timestamp string")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise WireError("must be an RFC 3339 timestamp string") from None
    if parsed.tzinfo is None:
        raise WireError("must be an RFC 3339 timestamp with a time zone")
    return parsed.astimezone(UTC)


def _enum(kind: type[Enum]) -> Callable[[Any, Any], Any]:
    choices = ", ".join(str(m.value) for m in kind)

    def structure(value: Any, _: Any) -> Any:
        for member in kind:
            if type(value) is str and member.value == value:
                return member
        raise WireError(f"must be one of {choices}")

    return structure


def _is_optional(tp: Any) -> bool:
    return get_origin(tp) in (typing.Union, types.UnionType) and type(None) in get_args(tp)


def _without(tp: Any, *drop: type) -> Any:
    """``str | None | Unset`` without ``Unset`` → ``str | None``."""
    if get_origin(tp) not in (typing.Union, types.UnionType):
        return tp
    kept = [a for a in get_args(tp) if a not in drop]
    return kept[0] if len(kept) == 1 else typing.Union[tuple(kept)]  # noqa: UP007


def make_converter() -> Converter:
    """The converter of every JSON boundary (API bodies, snapshots for the mirror and the outbox)."""
    c = Converter(detailed_validation=True)
    c.register_structure_hook(str, _exactly(str, "must be a string"))
    c.register_structure_hook(int, _exactly(int, "must be an integer"))
    c.register_structure_hook(bool, _exactly(bool, "must be true or false"))
    # NOTE: each enum by name: a str-Enum is a str, and singledispatch would otherwise hand it
    # the str hook, which accepts any string.
    for kind in ENUMS:
        c.register_structure_hook(kind, _enum(kind))
        c.register_unstructure_hook(kind, _value)
    c.register_structure_hook(UUID, _uuid)
    c.register_structure_hook(datetime, _datetime)
    c.register_unstructure_hook(datetime, rfc3339)
    c.register_unstructure_hook(UUID, str)
    c.register_structure_hook_factory(_is_sequence, lambda t: _sequence(c, t))
    c.register_structure_hook_func(lambda t: isinstance(t, typing.NewType), _newtype(c))

    def camel(cl: type) -> dict[str, Any]:
        return {a.name: override(rename=to_camel(a.name)) for a in attrs.fields(cl)}

    c.register_structure_hook_factory(
        attrs.has, lambda cl: _object(make_dict_structure_fn(cl, c, **camel(cl))))
    c.register_unstructure_hook_factory(
        attrs.has, lambda cl: make_dict_unstructure_fn(cl, c, **camel(cl)))
    for partial in (EditOrder, EditMenuItem):
        c.register_structure_hook(partial, _partial(c, partial))
    for closed in CLOSED:
        c.register_structure_hook(closed, _closed(make_dict_structure_fn(closed, c, **camel(closed)), closed))
    return c


def _value(member: Enum) -> Any:
    return member.value


def _is_sequence(tp: Any) -> bool:
    return get_origin(tp) in (tuple, list) and (get_origin(tp) is list or get_args(tp)[-1:] == (...,))


def _sequence(c: Converter, tp: Any) -> Callable[[Any, Any], Any]:
    inner = get_args(tp)[0]
    build = tuple if get_origin(tp) is tuple else list

    def structure(value: Any, _: Any) -> Any:
        if type(value) is not list:
            raise WireError("must be a JSON array")
        errors: list[Exception] = []
        out = []
        for index, item in enumerate(value):
            try:
                out.append(c.structure(item, inner))
            except Exception as exc:  # noqa: BLE001 — gathered and reported per index below
                exc.__notes__ = [*getattr(exc, "__notes__", []),
                                 IterableValidationNote(f"index {index}", index, inner)]
                errors.append(exc)
        if errors:
            raise IterableValidationError(f"While structuring {tp}", errors, tp)
        return build(out)

    return structure


def _object(structure: Callable[[Any, Any], T]) -> Callable[[Any, Any], T]:
    def checked(value: Any, tp: Any) -> T:
        if not isinstance(value, dict):
            raise WireError("must be a JSON object")
        return structure(value, tp)

    return checked


def _closed(structure: Callable[[Any, Any], T], cl: type) -> Callable[[Any, Any], T]:
    """A body whose unknown keys are refused (422), reported with every other problem."""
    known = [to_camel(a.name) for a in attrs.fields(cl)]

    def checked(value: Any, tp: Any) -> T:
        if not isinstance(value, dict):
            raise WireError("must be a JSON object")
        unknown = _unknown_keys(value, known)
        if not unknown:
            return structure(value, tp)
        try:
            structure({k: v for k, v in value.items() if k in known}, tp)
        except ClassValidationError as error:
            unknown = [*error.exceptions, *unknown]
        raise ClassValidationError(f"While structuring {cl.__name__}", unknown, cl)

    return checked


def _newtype(c: Converter) -> Callable[[Any, Any], Any]:
    def structure(value: Any, tp: Any) -> Any:
        return c.structure(value, tp.__supertype__)

    return structure


def _partial(c: Converter, cl: type[T]) -> Callable[[Any, Any], T]:
    """A PATCH body: every key optional, ``null`` only where the field allows it, unknown keys refused."""
    known = {to_camel(a.name): a for a in attrs.fields(cl)}  # type: ignore[arg-type]

    def structure(value: Any, _: Any) -> T:
        if not isinstance(value, dict):
            raise WireError("must be a JSON object")
        errors: list[Exception] = []
        given: dict[str, Any] = {}
        for key, raw in value.items():
            field = known.get(key)
            if field is None:
                errors.append(UnknownField(key))
                continue
            tp = _without(field.type, Unset)
            try:
                given[field.name] = None if raw is None and _is_optional(tp) else c.structure(
                    raw, _without(tp, type(None)) if raw is not None else tp)
            except Exception as exc:  # noqa: BLE001 — gathered and reported per field below
                exc.__notes__ = [*getattr(exc, "__notes__", []),
                                 AttributeValidationNote(f"field {field.name}", field.name, tp)]
                errors.append(exc)
        if errors:
            raise ClassValidationError(f"While structuring {cl.__name__}", errors, cl)
        return cl(**given)

    return structure


def problems_of(error: BaseException, path: str = "") -> list[Problem]:
    """Every leaf of a cattrs validation tree as a Problem with its Python path."""
    if isinstance(error, ClassValidationError | IterableValidationError):
        found: list[Problem] = []
        for inner in error.exceptions:
            found += problems_of(inner, _extend(path, inner))
        return found
    return [Problem(path or "body", _message(error), literal=isinstance(error, UnknownField))]


def _extend(path: str, error: BaseException) -> str:
    for note in getattr(error, "__notes__", []):
        if isinstance(note, AttributeValidationNote):
            return f"{path}.{note.name}" if path else note.name
        if isinstance(note, IterableValidationNote):
            return f"{path}[{note.index}]"
    return path


def _message(error: BaseException) -> str:
    if isinstance(error, KeyError):
        return "is required"
    if isinstance(error, WireError):
        return str(error)
    if isinstance(error, TypeError | AttributeError) and "null" not in str(error):
        return "has the wrong type"
    return "is invalid"


class Wire:
    """Structure request bodies into commands and unstructure results, through one converter."""

    def __init__(self, converter: Converter | None = None) -> None:
        self.converter = converter or make_converter()

    def parse(self, body: Any, kind: type[T]) -> T:
        """``body`` as a ``kind``. Raises ValidationFailed naming every bad field (Python paths)."""
        if not isinstance(body, dict):
            raise ValidationFailed.one("body", "must be a JSON object")
        try:
            return self.converter.structure(body, kind)
        except (ClassValidationError, IterableValidationError) as error:
            found = problems_of(error)
            found += salvage.rule_problems(body, kind, [p.field for p in found], to_camel)
            raise ValidationFailed(found) from None
        except (WireError, TypeError, ValueError, KeyError) as error:
            raise ValidationFailed([Problem("body", _message(error))]) from None

    def dump(self, value: Any) -> Any:
        """``value`` as JSON-ready data with camelCase keys."""
        return self.converter.unstructure(value)
