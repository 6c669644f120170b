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
from typing import Any

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
    if isinstance(value, str):
        bad = bad_character(value)
        return (path or "value", bad) if bad is not None else None
    if is_dataclass(value) and not isinstance(value, type):
        items: Any = ((f.name, getattr(value, f.name)) for f in fields(value))
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
        found = first_bad_field(inner, _join(path, _printable(str(name))))
        if found is not None:
            return found
    return None


def check_all_text(value: Any) -> None:
    """Refuse `value` (a command, a dict, a list) if any string inside it has a forbidden character."""
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
