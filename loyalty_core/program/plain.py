"""Plain data: how every program type becomes a dict the event store can keep, and comes back.

The event store's transcoder knows JSON types plus `Decimal`, `datetime` and `UUID`, nothing else. So each
frozen dataclass here inherits `Plain`, which writes its fields as such values (tuples become lists, nested
types become dicts) and reads them back guided by the field annotations (lists become tuples again, strings
become `Decimal`/`datetime`/`UUID` so that hand-written JSON works too). It is one small, annotation-driven
codec rather than forty hand-written pairs of methods, so a new field cannot be forgotten on one side.
Reading never validates business rules: `evolve` must replay old events even if today's rules are stricter.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID


def to_plain(value: Any) -> Any:
    """Turn a value into JSON types plus Decimal, datetime and UUID."""
    if isinstance(value, Plain):
        return value.to_dict()
    if isinstance(value, (list, tuple)):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: to_plain(item) for key, item in value.items()}
    return value


def from_plain(hint: Any, value: Any) -> Any:
    """Read `value` back as the annotated type `hint`."""
    if isinstance(value, float):
        raise TypeError(f"floats are never accepted (use a string or Decimal): {value!r}")
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        return _from_union(hint, value)
    if value is None:
        return None
    if origin is tuple:
        return tuple(from_plain(typing.get_args(hint)[0], item) for item in value)
    if origin is list:
        return [from_plain(typing.get_args(hint)[0], item) for item in value]
    if origin is dict:
        item_hint = typing.get_args(hint)[1]
        return {key: from_plain(item_hint, item) for key, item in value.items()}
    return _from_scalar(hint, value)


def _from_union(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if len(options) == 1:
        return from_plain(options[0], value)
    # Numeric unions (a tier threshold is `int | Decimal`): keep what came, read text as Decimal.
    return Decimal(value) if isinstance(value, str) else value


def _from_scalar(hint: Any, value: Any) -> Any:
    if isinstance(hint, type) and issubclass(hint, Plain):
        return hint.from_dict(value)
    if hint is Decimal and not isinstance(value, Decimal):
        return Decimal(str(value))
    if hint is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if hint is UUID and isinstance(value, str):
        return UUID(value)
    return value


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """The resolved field annotations of a class, computed once (classes never change at run time)."""
    if cls not in _HINTS:
        _HINTS[cls] = typing.get_type_hints(cls)
    return _HINTS[cls]


_TUPLE_FIELDS: dict[type, tuple[str, ...]] = {}


def _tuple_fields(cls: type) -> tuple[str, ...]:
    """The names of the fields of `cls` typed as tuples (computed once: classes never change at run time)."""
    names = _TUPLE_FIELDS.get(cls)
    if names is None:
        hints = _hints(cls)
        names = _TUPLE_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if _is_tuple(hints[f.name]))
    return names


class Plain:
    """Mixin for frozen dataclasses: `to_dict`/`from_dict` and list-to-tuple freezing."""

    def __post_init__(self) -> None:
        # Callers may pass lists; a frozen value keeps tuples so that it is really immutable. Only the fields
        # typed as tuples are looked at, worked out once per class: this runs for every value the rules
        # engine builds (a member's facts hold a row per purchase), and walking every field of each, every
        # time, was most of a long-standing member's purchase (12 ms of it at 1,600 purchases).
        for name in _tuple_fields(type(self)):
            value = getattr(self, name)
            if isinstance(value, list):
                object.__setattr__(self, name, tuple(value))

    def to_dict(self) -> dict[str, Any]:
        return {
            field.name: to_plain(getattr(self, field.name))
            for field in dataclasses.fields(self)  # type: ignore[arg-type]
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        hints = _hints(cls)
        values = {
            field.name: from_plain(hints[field.name], data[field.name])
            for field in dataclasses.fields(cls)  # type: ignore[arg-type]
            if field.name in data
        }
        return cls(**values)


def _is_tuple(hint: Any) -> bool:
    """`tuple[X, ...]` or `tuple[X, ...] | None`."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return any(typing.get_origin(arg) is tuple for arg in typing.get_args(hint))
    return typing.get_origin(hint) is tuple
