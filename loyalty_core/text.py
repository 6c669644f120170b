"""Text that may enter the ledger: printable Unicode, never a control character or a lone surrogate.

Every string a command carries ends up in an event, and from there in every read store, export, webhook
and page. A NUL byte is legal in a Python string but not in a PostgreSQL `text` column, so a name with one
was accepted once and then stopped the member search projection for good; other control characters
(escape sequences, the C1 range) corrupt terminals, CSV files and logs. A lone surrogate cannot be encoded
as UTF-8 at all. So one check runs on every command before it is decided (`LoyaltyService.prepare`, the
program's `decide`): it walks the whole command (nested members, lines, dicts, keys included) and refuses
the first bad string with `invalid_text`, naming the field. No exception for tab or newline: no field of a
command is multi-line text, and a newline in a reference or a name is as much a forgery tool as a NUL.
"""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core.errors import InvalidInput

#: C0 controls, DEL, C1 controls (category Cc), and UTF-16 surrogates (Cs: only ever lone in a str).
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


class InvalidText(InvalidInput):
    code = "invalid_text"
    message_vi = "Văn bản chứa ký tự điều khiển hoặc ký tự không hợp lệ."


def bad_character(text: str) -> str | None:
    """The first forbidden character of `text`, or None when the text is clean."""
    found = FORBIDDEN.search(text)
    return found.group() if found else None


def check_text(value: str, field: str) -> str:
    """`value`, or InvalidText naming `field` and the offending code point."""
    bad = bad_character(value)
    if bad is not None:
        raise InvalidText(message(field, bad), field=field)
    return value


def first_bad_field(value: Any, path: str = "") -> tuple[str, str] | None:
    """(dotted field, bad character) of the first string anywhere in `value` that holds one, or None."""
    kind = type(value)
    if kind is str:
        bad = bad_character(value)
        return (path or "value", bad) if bad is not None else None
    if value is None or kind in _SCALARS:
        return None
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))  # fields() is slow: once per class
    if names is not None:
        items: Any = ((name, getattr(value, name)) for name in names)
    elif isinstance(value, dict):
        items = value.items()
        for key in value:
            if isinstance(key, str) and bad_character(key) is not None:
                return _join(path, _printable(key)), bad_character(key)  # type: ignore[return-value]
    elif isinstance(value, (list, tuple)):
        items = ((f"[{i}]", v) for i, v in enumerate(value))
    else:
        return None
    for name, inner in items:
        if inner is None or type(inner) in _SCALARS:
            continue
        found = first_bad_field(inner, _join(path, _printable(str(name))))
        if found is not None:
            return found
    return None


_FIELDS: dict[type, tuple[str, ...]] = {}
_SCALARS = frozenset({int, bool, float, Decimal, UUID, datetime, date})


def _strings(value: Any, out: list[str]) -> None:
    """Every string inside `value` (dict keys included), appended to `out`: the fast path finds nothing."""
    kind = type(value)
    if kind is str:
        out.append(value)
        return
    if value is None or kind in _SCALARS:
        return
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value) and not isinstance(value, type):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value))
    if names is not None:
        for name in names:
            _strings(getattr(value, name), out)
    elif isinstance(value, dict):
        for key, inner in value.items():
            _strings(key, out)
            _strings(inner, out)
    elif isinstance(value, (list, tuple)):
        for inner in value:
            _strings(inner, out)


def has_bad_text(value: Any) -> bool:
    """Whether any string inside `value` has a forbidden character: one regex pass over all of them."""
    texts: list[str] = []
    _strings(value, texts)
    return FORBIDDEN.search("".join(texts)) is not None


def check_all_text(value: Any) -> None:
    """Refuse `value` (a command, a dict, a list) if any string inside it has a forbidden character."""
    if not has_bad_text(value):  # the fast path; the field's name is worked out only for a refusal
        return
    found = first_bad_field(value)
    if found is not None:
        field, bad = found
        raise InvalidText(message(field, bad), field=field)


def message(field: str, bad: str) -> str:
    return f"{field} contains U+{ord(bad):04X} (a control character or lone surrogate); only printable text " \
           f"is accepted"


def _printable(name: str) -> str:
    """A dict key fit to quote in an error message (which must itself be printable and encodable)."""
    return name if bad_character(name) is None else name.encode("ascii", "backslashreplace").decode()


def _join(path: str, name: str) -> str:
    if name.startswith("["):
        return f"{path}{name}"
    return f"{path}.{name}" if path else name
