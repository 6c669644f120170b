"""A member's state as compact plain JSON (lists of values in field order, times and money as strings).

Snapshots let a long history load without replaying it, but only if the snapshot itself is cheap to read:
the store's generic transcoder tags every datetime and Decimal as an object of its own, which made a
large member's snapshot slower to decode than the events it replaced. This packing writes each lot,
earning and redemption as one short list, and the store keeps the whole thing as a single JSON string.
`SCHEMA` changes whenever the layout does; a snapshot of another schema is ignored (the events are replayed).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable
from uuid import UUID

import orjson

from loyalty_core.member import Earning, Lot, Member, Redemption, Reservation, Voucher

SCHEMA = 5  # 3: Member.card_secret_id; 4: Member.erased; 5: Member.merged_into and absorbed


def _dt(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _pdt(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _row(obj: Any, encoders: dict[str, Callable[[Any], Any]]) -> list[Any]:
    return [encoders.get(f.name, _same)(getattr(obj, f.name)) for f in fields(obj)]


def _same(value: Any) -> Any:
    return value


def _moves(moves: Any) -> list[list[Any]]:
    return [[lot_id, points, *[_dt(x) for x in rest]] for lot_id, points, *rest in moves]


def _pmoves(rows: Any) -> tuple[tuple[Any, ...], ...]:
    return tuple((lot_id, points, *[_pdt(x) for x in rest]) for lot_id, points, *rest in rows)


_ENCODE: dict[type, dict[str, Callable[[Any], Any]]] = {
    Lot: {"earned_at": _dt, "pending_until": _dt, "expires_at": _dt},
    Reservation: {"hold_until": _dt, "lots": _moves},
    Earning: {"spend": str, "refunded": str, "refund_refs": list},
    Redemption: {"lots": _moves},
    Voucher: {"expires_at": _dt},
}
_DECODE: dict[type, dict[str, Callable[[Any], Any]]] = {
    Lot: {"earned_at": _pdt, "pending_until": _pdt, "expires_at": _pdt},
    Reservation: {"hold_until": _pdt, "lots": _pmoves},
    Earning: {"spend": Decimal, "refunded": Decimal, "refund_refs": tuple},
    Redemption: {"lots": _pmoves},
    Voucher: {"expires_at": _pdt},
}
_NESTED = {"lots": Lot, "reservations": Reservation, "earnings": Earning, "redemptions": Redemption,
           "vouchers": Voucher}
_TOP_DECODE: dict[str, Callable[[Any], Any]] = {
    "id": UUID, "referred_by": lambda v: None if v is None else UUID(v), "enrolled_at": _pdt,
    "merged_into": lambda v: None if v is None else UUID(v),
    "last_activity_at": _pdt, "last_tier_change_at": _pdt,
    "identifiers": lambda rows: tuple(tuple(pair) for pair in rows),
    "purchases": lambda rows: tuple((_pdt(at), Decimal(spend), points) for at, spend, points in rows),
}


def pack(member: Member) -> dict[str, Any]:
    state: dict[str, Any] = {"schema": SCHEMA}
    for f in fields(member):
        value = getattr(member, f.name)
        if f.name in _NESTED:
            state[f.name] = [_row(item, _ENCODE[_NESTED[f.name]]) for item in value.values()]
        elif isinstance(value, datetime):
            state[f.name] = value.isoformat()
        elif isinstance(value, UUID):
            state[f.name] = str(value)
        elif f.name == "purchases":
            state[f.name] = [[at.isoformat(), str(spend), points] for at, spend, points in value]
        else:
            state[f.name] = value
    return state


# Per class, worked out once: the field names in order, and the fields that need decoding (a time as
# `datetime.fromisoformat`, called only on a value that is not None).
_LAYOUT = {cls: (tuple(f.name for f in fields(cls)),
                 tuple((f.name, datetime.fromisoformat if _DECODE[cls][f.name] is _pdt else _DECODE[cls][f.name])
                       for f in fields(cls) if f.name in _DECODE[cls]))
           for cls in _DECODE}


def _item(cls: type, row: list[Any]) -> Any:
    # These rows were written by `pack` from valid objects, so the frozen dataclass's __init__ (a slow
    # object.__setattr__ per field) is skipped: the instance gets its dict whole, built by zip, with only
    # the few fields that need it decoded (half the time of decoding field by field: 10,000 lots is most
    # of a long member's cold load, docs/benchmarks.md).
    names, decoded = _LAYOUT[cls]
    values = dict(zip(names, row))
    for name, decode in decoded:
        value = values[name]
        if value is not None:
            values[name] = decode(value)
    item = object.__new__(cls)
    object.__setattr__(item, "__dict__", values)
    return item


def unpack(state: dict[str, Any]) -> Member | None:
    """The member, or None for a snapshot written with another layout."""
    if state.get("schema") != SCHEMA:
        return None
    values: dict[str, Any] = {}
    for f in fields(Member):
        raw = state[f.name]
        if f.name in _NESTED:
            cls = _NESTED[f.name]
            values[f.name] = {row[0]: _item(cls, row) for row in raw}  # each keyed by its first field
        else:
            values[f.name] = _TOP_DECODE.get(f.name, _same)(raw)
    return Member(**values)


def unpack_text(packed: str | bytes) -> Member | None:
    """`unpack` of a snapshot's stored JSON text, with the cyclic garbage collector paused meanwhile.

    A long member's snapshot allocates tens of thousands of objects (a lot and its dict each), none of them
    in a reference cycle; left running, the collector walks the young objects every 700 allocations and now
    and then the whole heap: a fifth of a 10,000-lot cold load (docs/benchmarks.md). Paused only here, and
    switched back on by whoever paused it first, so concurrent loads never leave it off."""
    with _collector_paused():
        return unpack(orjson.loads(packed))


@contextmanager
def _collector_paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
