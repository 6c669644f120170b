"""Member conditions: "online shoppers who never came to a store", "lapsed 90 days", "VIP by spend and visits".

A `MemberCondition` limits a rule or a reward to members in a segment, and names the members an offer is
granted to. It is decided from the member's own state (`MemberFacts`, built from the member aggregate at
the moment of the command), never from a projection, so the decision is recorded with its outcome and a
replay never depends on a read model's lag. Every field given must hold; an empty condition holds for all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from loyalty_core.program.errors import InvalidProgram
from loyalty_core.program.plain import Plain

#: Channels that are a visit to a shop; every other channel (web, app, zalo, shopee…) is online.
IN_STORE_CHANNELS = ("pos",)
DEFAULT_WINDOW_DAYS = 365


@dataclass(frozen=True)
class HistoryRow(Plain):
    """One purchase (positive spend) or refund (negative spend) in the member's tier history."""

    at: datetime
    spend: Decimal


@dataclass(frozen=True, kw_only=True)
class MemberCondition(Plain):
    #: The member's tier is one of these.
    tiers: tuple[str, ...] | None = None
    #: Has bought, and only online: never through a store's till.
    online_only: bool = False
    #: Has bought both in a store and online.
    omnichannel: bool = False
    #: Has bought before, but nothing in the last `lapsed_days` days.
    lapsed_days: int | None = None
    #: At least this many purchases / this much spend (net of refunds) in the last `window_days` days.
    min_visits: int | None = None
    min_spend: Decimal | None = None
    window_days: int = DEFAULT_WINDOW_DAYS

    def validate(self) -> None:
        if self.tiers is not None and (not self.tiers or not all(self.tiers)):
            raise InvalidProgram("a condition's tiers must name at least one tier")
        if self.online_only and self.omnichannel:
            raise InvalidProgram("a member cannot be both online-only and omnichannel")
        for name in ("lapsed_days", "min_visits"):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= 3650:
                raise InvalidProgram(f"{name} must be 1 to 3650")
        if not 1 <= self.window_days <= 800:
            raise InvalidProgram("window_days must be 1 to 800 (the member keeps 800 days of history)")
        if self.min_spend is not None and self.min_spend <= 0:
            raise InvalidProgram("min_spend must be positive")

    def holds(self, facts: object, at: datetime) -> bool:
        """Whether a member with these facts (a `MemberFacts`) is in the segment at `at`."""
        channels = set(getattr(facts, "channels_bought", ()))
        if self.tiers is not None and getattr(facts, "tier") not in self.tiers:
            return False
        in_store = bool(channels & set(IN_STORE_CHANNELS))
        online = bool(channels - set(IN_STORE_CHANNELS))
        if self.online_only and not (online and not in_store):
            return False
        if self.omnichannel and not (online and in_store):
            return False
        rows = getattr(facts, "history", ())
        if self.lapsed_days is not None and not _lapsed(facts, rows, at, self.lapsed_days):
            return False
        start = at - timedelta(days=self.window_days)
        recent = [row for row in rows if start <= row.at <= at]
        if self.min_visits is not None and sum(1 for row in recent if row.spend > 0) < self.min_visits:
            return False
        spend = sum((row.spend for row in recent), Decimal(0))
        return self.min_spend is None or spend >= self.min_spend


def _lapsed(facts: object, rows: tuple[HistoryRow, ...], at: datetime, days: int) -> bool:
    if getattr(facts, "purchase_count", 0) == 0:
        return False  # never bought: a newcomer, not a lapsed shopper
    last = max((row.at for row in rows if row.spend > 0), default=None)
    return last is None or last <= at - timedelta(days=days)
