"""Shared by the statistics projections: which local day an event belongs to, and per-key counters.

An earning belongs to the day the purchase happened (`occurred_at`: a POS that was offline pushes
yesterday's sales today), every other event to the day it was recorded; days are Ho Chi Minh dates.
Counters are summed in memory for a whole batch, then written with one upsert per key.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Iterable

from loyalty_core.member import HCM

#: Channels that are a shop counter; every other channel (web, app, zalo, shopee, ...) is online.
IN_STORE_CHANNELS = frozenset({"pos"})
NO_STORE = ""
"""Stored instead of NULL for "no store", so that (day, channel, store) can be a primary key."""


def local_day(event: Any) -> date:
    at = getattr(event, "occurred_at", None) or event.timestamp
    return at.astimezone(HCM).date()


def where(event: Any) -> tuple[str, str]:
    return event.channel, event.store_id or NO_STORE


def is_online(channel: str) -> bool:
    return channel not in IN_STORE_CHANNELS


def moved(lots: Iterable[Iterable[Any]]) -> int:
    """Points in a list of lot movements ([[lot, points], ...] or [[lot, points, expires], ...])."""
    return sum(int(move[1]) for move in lots)


class Counters:
    """Sums per key, in first-seen order: `counters[key]["points"] += 5`."""

    def __init__(self, fields: tuple[str, ...]):
        self.fields = fields
        self.by_key: dict[tuple, dict[str, Any]] = defaultdict(lambda: dict.fromkeys(fields, 0))

    def __getitem__(self, key: tuple) -> dict[str, Any]:
        return self.by_key[key]

    def rows(self) -> list[tuple]:
        return [(*key, *(values[f] for f in self.fields)) for key, values in self.by_key.items()]
