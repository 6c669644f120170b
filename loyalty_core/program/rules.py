"""Earning rules: what marketing writes, as frozen dataclasses with a `kind` discriminator.

Every rule shares one set of conditions (`Rule`): a stable id, an explicit priority (lower runs first, ties
broken by id), `stop`, channels, stores, a local-time window and a campaign. Each kind then adds its own
payload. `validate(now)` is the only place that refuses a rule; constructing or reading one never does,
so events recorded under older, looser rules always replay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from loyalty_core.program.errors import (
    InvalidProgram,
    MultiplierMustBePositive,
    RuleNeverFires,
    WindowEndsBeforeStart,
)
from loyalty_core.program.localtime import is_aware, local
from loyalty_core.program.model import ACTIVITY_KINDS, PurchaseLine
from loyalty_core.program.plain import Plain
from loyalty_core.program.segments import MemberCondition

ROUNDING_MODES = ("down", "half_up", "up")
COUNT_PERIODS = ("day", "month", "year", "lifetime")
CAP_PERIODS = ("transaction", "member_day")


def parse_hours(text: str) -> tuple[int, int]:
    """'14:00-17:00' -> minutes since local midnight (start, end); end may be '24:00'."""
    try:
        start, end = (_minutes(part) for part in text.split("-"))
    except ValueError:
        raise InvalidProgram(f"hours must look like '14:00-17:00', got {text!r}") from None
    return start, end


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not (len(minutes) == 2 and 0 <= int(minutes) < 60 and 0 <= value <= 24 * 60):
        raise ValueError(text)
    return value


def _in_range(minute: int, start: int, end: int) -> bool:
    # A range whose end is before its start wraps midnight: '22:00-02:00'.
    return start <= minute < end if start < end else minute >= start or minute < end


@dataclass(frozen=True, kw_only=True)
class Rule(Plain):
    """Conditions every rule kind shares. Windows are read in Ho Chi Minh City time."""

    kind: ClassVar[str] = ""
    rule_id: str
    priority: int
    stop: bool = False
    channels: tuple[str, ...] | None = None
    stores: tuple[str, ...] | None = None
    #: ISO weekdays, 1 = Monday ... 7 = Sunday, of the local calendar.
    days_of_week: tuple[int, ...] | None = None
    #: Local 'HH:MM-HH:MM' ranges, end exclusive.
    hours: tuple[str, ...] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    campaign_id: str | None = None
    #: The minimum qualifying spend (after exclusions) for the rule to apply: the `minimum_order` condition.
    min_spend: Decimal | None = None
    label_vi: str | None = None
    label_en: str | None = None
    #: Only members in this segment (decided from their own state before the purchase) earn by this rule.
    member_condition: MemberCondition | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, **super().to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        if cls is not Rule:
            return super().from_dict(data)
        try:
            kind_cls = RULE_KINDS[data["kind"]]
        except KeyError:
            raise InvalidProgram(
                f"unknown rule kind {data.get('kind')!r}", kinds=sorted(RULE_KINDS)
            ) from None
        return kind_cls.from_dict(data)

    def applies_at(self, at: datetime, channel: str, store_id: str | None) -> bool:
        """Channel, store and time conditions (the campaign and `min_spend` are checked by the engine)."""
        if self.channels is not None and channel not in self.channels:
            return False
        if self.stores is not None and store_id not in self.stores:
            return False
        if self.starts_at is not None and at < self.starts_at:
            return False
        if self.ends_at is not None and at >= self.ends_at:
            return False
        wall = local(at)
        if self.days_of_week is not None and wall.isoweekday() not in self.days_of_week:
            return False
        minute = wall.hour * 60 + wall.minute
        return self.hours is None or any(_in_range(minute, *parse_hours(h)) for h in self.hours)

    def validate(self, now: datetime) -> None:
        """Refuse a rule that is malformed or can never fire; kind-specific checks extend this."""
        if not self.rule_id or self.rule_id != self.rule_id.strip():
            raise InvalidProgram(f"rule_id must be a non-empty trimmed string, got {self.rule_id!r}")
        if isinstance(self.priority, bool) or not isinstance(self.priority, int):
            raise InvalidProgram(f"rule {self.rule_id}: priority must be an integer")
        for name in ("channels", "stores", "days_of_week", "hours"):
            if getattr(self, name) == ():
                self._never(f"its {name} list is empty")
        if self.days_of_week and not set(self.days_of_week) <= set(range(1, 8)):
            raise InvalidProgram(f"rule {self.rule_id}: days_of_week are 1 (Monday) to 7 (Sunday)")
        for text in self.hours or ():
            start, end = parse_hours(text)
            if start == end:
                self._never(f"its hours range {text!r} is empty")
        if self.min_spend is not None and self.min_spend < 0:
            raise InvalidProgram(f"rule {self.rule_id}: min_spend must not be negative")
        if self.member_condition is not None:
            self.member_condition.validate()
        self._validate_dates(now)

    def _validate_dates(self, now: datetime) -> None:
        if not (is_aware(self.starts_at) and is_aware(self.ends_at)):
            raise InvalidProgram(f"rule {self.rule_id}: starts_at and ends_at must be timezone-aware")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise WindowEndsBeforeStart(
                f"rule {self.rule_id} ends ({self.ends_at.isoformat()}) before it starts "
                f"({self.starts_at.isoformat()})",
                rule_id=self.rule_id,
            )
        if self.ends_at is not None and self.ends_at <= now:
            # A rule applies only to purchases made after it was recorded, so this one is dead on arrival.
            self._never(f"its window ended at {self.ends_at.isoformat()}, before now")
        if self.starts_at and self.ends_at and self.days_of_week:
            days = _local_weekdays_between(self.starts_at, self.ends_at)
            if days is not None and not days & set(self.days_of_week):
                self._never("no day of its date window is one of its days_of_week")

    def _never(self, why: str) -> None:
        raise RuleNeverFires(f"rule {self.rule_id} can never fire: {why}", rule_id=self.rule_id)

    def _check_scope(self, skus: tuple[str, ...] | None, categories: tuple[str, ...] | None) -> None:
        if skus == () or categories == ():
            self._never("its SKU or category filter is empty")

    def _check_positive_points(self, **points: int) -> None:
        for name, value in points.items():
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise InvalidProgram(f"rule {self.rule_id}: {name} must be a positive integer, got {value!r}")


def _local_weekdays_between(start: datetime, end: datetime) -> set[int] | None:
    """ISO weekdays of the local dates a short window touches; None when it spans a whole week."""
    first, last = local(start).date(), local(end - timedelta(microseconds=1)).date()
    if (last - first).days >= 6:
        return None
    return {(first + timedelta(days=offset)).isoweekday() for offset in range((last - first).days + 1)}


def line_in_scope(
    line: PurchaseLine, skus: tuple[str, ...] | None, categories: tuple[str, ...] | None
) -> bool:
    """No filter means the whole basket; otherwise a line matches by SKU or by category."""
    if skus is None and categories is None:
        return True
    return line.sku in (skus or ()) or (line.category is not None and line.category in (categories or ()))


def check_rounding(rule: Rule, rounding: str | None) -> None:
    if rounding is not None and rounding not in ROUNDING_MODES:
        raise InvalidProgram(f"rule {rule.rule_id}: rounding must be one of {ROUNDING_MODES}")


def check_factor(rule: Rule, factor: Decimal, what: str = "factor") -> None:
    if factor <= 0:
        raise MultiplierMustBePositive(
            f"rule {rule.rule_id}: {what} must be greater than 0, got {factor}", rule_id=rule.rule_id
        )


# The kinds register themselves here (see kinds.py) so that `Rule.from_dict` can dispatch on "kind".
RULE_KINDS: dict[str, type[Rule]] = {}


def register(cls: type[Rule]) -> type[Rule]:
    RULE_KINDS[cls.kind] = cls
    return cls


__all__ = [
    "ACTIVITY_KINDS",
    "CAP_PERIODS",
    "COUNT_PERIODS",
    "ROUNDING_MODES",
    "RULE_KINDS",
    "Rule",
    "check_factor",
    "check_rounding",
    "line_in_scope",
    "parse_hours",
    "register",
]
