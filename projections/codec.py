"""Reading the notification log fast: skip what no projection needs, decode the rest with orjson.

The library's mapper decodes with the stdlib `json` and an object hook, about 35 µs an event here; a
rebuild of a million events would spend most of its time there. `Decoder` parses with `orjson` and
then revives the library's tagged values (`{"_type_": "datetime_iso", "_data_": ...}`) itself, the same
objects the mapper builds (a test compares the two on every event of a random history). Receipts,
claims and anything else that is not a member event are skipped by topic, without being parsed at all.
If the store ever uses a cipher, a compressor or another transcoder, the mapper is used instead.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Iterable, Sequence
from uuid import UUID

import orjson
from eventsourcing.persistence import JSONTranscoder, Notification
from eventsourcing.utils import get_topic, resolve_topic

from loyalty_core import events as ev
from loyalty_core.privacy.fields import PROTECTED, reveal
from loyalty_core.upcasting import complete

_REVIVE: dict[str, Callable[[Any], Any]] = {
    "datetime_iso": datetime.fromisoformat, "decimal_str": Decimal, "uuid_hex": UUID,
}
_NESTED = (dict, list)


def member_event_classes() -> tuple[type[ev.MemberEvent], ...]:
    found: list[type[ev.MemberEvent]] = []
    pending = [ev.MemberEvent]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            found.append(sub)
            pending.append(sub)
    return tuple(found)


def topics_of(classes: Iterable[type]) -> list[str]:
    return [get_topic(cls) for cls in classes]


def _plan(cls: type) -> list[tuple[str, Callable[[Any], Any]]]:
    """Which fields of `cls` may hold tagged values, and how to revive each.

    Fields declared as plain str/int/bool are left alone: checking twenty fields of every event for
    nested values was half the cost of decoding.
    """
    plan: list[tuple[str, Callable[[Any], Any]]] = []
    for f in dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ():
        kind = str(f.type).replace(" ", "")
        if kind in _PLAIN:
            continue
        for name, reviver in (("datetime", _datetime), ("Decimal", _decimal), ("UUID", _uuid)):
            if kind in (name, f"{name}|None"):
                plan.append((f.name, reviver))
                break
        else:
            plan.append((f.name, _revive))
    return plan


_PLAIN = {"str", "int", "bool", "str|None", "int|None", "bool|None"}


def _datetime(value: Any) -> Any:
    return None if value is None else datetime.fromisoformat(value["_data_"])


def _decimal(value: Any) -> Any:
    return None if value is None else Decimal(value["_data_"])


def _uuid(value: Any) -> Any:
    return None if value is None else UUID(value["_data_"])


def _revive(value: Any) -> Any:
    if type(value) is dict:
        if len(value) == 2 and "_type_" in value and "_data_" in value:
            return _REVIVE[value["_type_"]](_revive(value["_data_"]))
        return {k: (_revive(v) if type(v) in _NESTED else v) for k, v in value.items()}
    if type(value) is list:
        return [_revive(v) if type(v) in _NESTED else v for v in value]
    return value


class Decoder:
    """Notifications to member events, skipping every other topic."""

    def __init__(self, mapper: Any, wanted: Iterable[type] | None = None):
        self.mapper = mapper
        wanted_classes = tuple(wanted) if wanted is not None else member_event_classes()
        self.classes: dict[str, type | None] = {get_topic(cls): cls for cls in wanted_classes}
        self.plans: dict[type, list[tuple[str, Callable[[Any], Any]]]] = {}
        transcoder = mapper.transcoder
        self.fast = (mapper.cipher is None and mapper.compressor is None
                     and isinstance(transcoder, JSONTranscoder) and set(transcoder.names) <= set(_REVIVE))

    def wanted(self, topic: str) -> type | None:
        try:
            return self.classes[topic]
        except KeyError:
            # A topic written before a class was renamed still resolves; anything else is skipped.
            cls = None
            try:
                resolved = resolve_topic(topic)
                cls = resolved if any(issubclass(resolved, c) for c in self.classes.values() if c) else None
            except Exception:  # noqa: BLE001 - an unknown topic is simply not ours
                pass
            self.classes[topic] = cls
            return cls

    def decode(self, notification: Notification) -> Any:
        cls = self.wanted(notification.topic)
        if cls is None:
            return None
        if not self.fast or getattr(cls, "class_version", 1) != 1:
            return self.mapper.to_domain_event(notification)
        plan = self.plans.get(cls)
        if plan is None:
            plan = self.plans[cls] = _plan(cls)
        state = orjson.loads(notification.state)
        for key, revive in plan:
            if key in state:
                state[key] = revive(state[key])
        state["originator_id"] = notification.originator_id
        state["originator_version"] = notification.originator_version
        complete(cls, state)  # fields added since the event was written read as their defaults
        vault = getattr(self.mapper, "vault", None)
        if vault is not None:  # as the store's mapper does (loyalty_core/ledger.py CompletingMapper)
            if cls in PROTECTED:  # sealed personal fields opened
                reveal(cls, state, vault.unseal)
            elif cls is ev.PersonalDataErased:  # another process erased them: drop the cached key now
                vault.forget(state["originator_id"], erased=True)
        event = object.__new__(cls)
        object.__setattr__(event, "__dict__", state)
        return event

    def warm_keys(self, page: Sequence[Notification]) -> None:
        """The data keys of the members whose sealed fields this page opens, looked up in one query (each
        event's member cost a query of its own: half of a projection catch-up's time)."""
        vault = getattr(self.mapper, "vault", None)
        if vault is not None:
            try:
                vault.warm(n.originator_id for n in page if self.wanted(n.topic) in PROTECTED)
            except Exception:  # noqa: BLE001 - only a shortcut: each event then looks its key up as before
                pass

    def decode_page(self, page: Sequence[Notification]) -> list[tuple[int, Any]]:
        self.warm_keys(page)
        out = []
        for notification in page:
            event = self.decode(notification)
            if event is not None:
                out.append((notification.id, event))
        return out
