"""Tiers: a ladder of levels a member climbs by spend, points earned or visits over a window.

Upgrades happen as soon as the figures qualify; downgrades only at a review date (plus grace days), so a
member who has a slow month is not demoted mid-year, and is told beforehand (`downgrade_notice_at`).
The points basis is points *earned* in the window, never the balance: spending points must not cost a tier.
A refund appears in the history as negative spend and points, so it lowers the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from loyalty_core.program.errors import InvalidProgram, MultiplierMustBePositive, TierLadderNotIncreasing
from loyalty_core.program.localtime import add_months, local, local_instant
from loyalty_core.program.plain import Plain

BASES = ("spend", "points_earned", "visits")
WINDOWS = ("rolling_months", "calendar_year")
DOWNGRADES = ("one_step", "recompute")
REVIEWS = ("yearly", "every_n_months")
REASONS = ("qualified", "downgraded_at_review", "manual", "refunded")


@dataclass(frozen=True)
class Tier(Plain):
    code: str
    name_vi: str
    name_en: str
    #: Spend (Decimal) or points / visits (int) over the window needed to hold the tier.
    threshold: int | Decimal
    earn_multiplier: Decimal = Decimal(1)
    birthday_bonus_points: int = 0


@dataclass(frozen=True, kw_only=True)
class TierLadder(Plain):
    tiers: tuple[Tier, ...]
    basis: str = "spend"
    window: str = "rolling_months"
    window_months: int = 12
    downgrade: str = "one_step"
    #: yearly: on review_month/review_day (local); every_n_months: review_every_months after the last review.
    review: str = "yearly"
    review_month: int = 1
    review_day: int = 1
    review_every_months: int = 12
    grace_days: int = 0

    def tier(self, code: str) -> Tier | None:
        return next((tier for tier in self.tiers if tier.code == code), None)

    def rank(self, code: str) -> int:
        for index, tier in enumerate(self.tiers):
            if tier.code == code:
                return index
        raise InvalidProgram(f"tier {code!r} is not on the ladder", tier=code)

    def validate(self) -> None:
        if not self.tiers:
            raise InvalidProgram("a tier ladder needs at least one tier")
        codes = [tier.code for tier in self.tiers]
        if len(set(codes)) != len(codes) or not all(codes):
            raise InvalidProgram("tier codes must be non-empty and unique", codes=codes)
        thresholds = [tier.threshold for tier in self.tiers]
        if any(later <= earlier for earlier, later in zip(thresholds, thresholds[1:], strict=False)):
            raise TierLadderNotIncreasing(
                f"tier thresholds must be strictly increasing, got {[str(t) for t in thresholds]}"
            )
        if thresholds[0] < 0:
            raise InvalidProgram("the lowest tier's threshold must not be negative")
        for tier in self.tiers:
            if tier.earn_multiplier <= 0:
                raise MultiplierMustBePositive(f"tier {tier.code}: earn_multiplier must be greater than 0")
        self._validate_options()

    def _validate_options(self) -> None:
        for name, allowed in (
            ("basis", BASES),
            ("window", WINDOWS),
            ("downgrade", DOWNGRADES),
            ("review", REVIEWS),
        ):
            if getattr(self, name) not in allowed:
                raise InvalidProgram(f"tier ladder {name} must be one of {allowed}")
        if self.window_months < 1 or self.review_every_months < 1 or self.grace_days < 0:
            raise InvalidProgram("window_months and review_every_months must be >= 1, grace_days >= 0")
        try:
            local_instant(2024, self.review_month, self.review_day)  # 2024: leap year, so 29 Feb is allowed
        except ValueError:
            raise InvalidProgram("review_month/review_day is not a calendar date") from None


@dataclass(frozen=True)
class TierDecision(Plain):
    from_tier: str
    to_tier: str
    reason: str  # one of REASONS
    #: The window's figures the decision was made on: spend, points_earned, visits.
    figures: dict[str, Any]


def qualifying_tier(ladder: TierLadder, figures: dict[str, Any]) -> str:
    """The highest tier whose threshold the figures reach (the lowest tier otherwise)."""
    value = figures[ladder.basis]
    chosen = ladder.tiers[0]
    for tier in ladder.tiers:
        if value >= tier.threshold:
            chosen = tier
    return chosen.code


def window_start(ladder: TierLadder, at: datetime) -> datetime:
    if ladder.window == "calendar_year":
        return local_instant(local(at).year, 1, 1)
    return add_months(at, -ladder.window_months)


def window_figures(history: Iterable[Sequence[Any]], ladder: TierLadder, at: datetime) -> dict[str, Any]:
    """Sum `(occurred_at, spend, points_earned)` entries in the window ending at `at` (inclusive).

    Refunds are entries with negative spend and points. Visits count entries with positive spend.
    """
    start = window_start(ladder, at)
    spend, points, visits = Decimal(0), 0, 0
    for occurred_at, entry_spend, entry_points in history:
        if start <= occurred_at <= at:
            spend += entry_spend
            points += entry_points
            visits += 1 if entry_spend > 0 else 0
    return {"spend": max(spend, Decimal(0)), "points_earned": max(points, 0), "visits": visits}


def next_review_at(ladder: TierLadder, last_review_at: datetime) -> datetime:
    """The first review after `last_review_at`, at 00:00 local time."""
    if ladder.review == "every_n_months":
        return add_months(last_review_at, ladder.review_every_months)
    year = local(last_review_at).year
    for candidate_year in (year, year + 1, year + 2):
        candidate = _review_day(candidate_year, ladder)
        if candidate > last_review_at:
            return candidate
    raise AssertionError("a yearly review always falls within two years")


def _review_day(year: int, ladder: TierLadder) -> datetime:
    try:
        return local_instant(year, ladder.review_month, ladder.review_day)
    except ValueError:  # 29 February in a common year: review on 28 February
        return local_instant(year, ladder.review_month, ladder.review_day - 1)


def downgrade_due_at(ladder: TierLadder, last_review_at: datetime) -> datetime:
    return next_review_at(ladder, last_review_at) + timedelta(days=ladder.grace_days)


def downgrade_notice_at(
    ladder: TierLadder, current_tier: str, figures: dict[str, Any], last_review_at: datetime
) -> datetime | None:
    """When the member "will be downgraded on …" if the figures stay as they are; None if not at risk."""
    if ladder.rank(qualifying_tier(ladder, figures)) >= ladder.rank(current_tier):
        return None
    return downgrade_due_at(ladder, last_review_at)


def decide_tier(
    ladder: TierLadder, current_tier: str, figures: dict[str, Any], at: datetime, last_review_at: datetime
) -> TierDecision | None:
    """Upgrade at once; downgrade only once the review date plus grace has come; otherwise None."""
    target = qualifying_tier(ladder, figures)
    current_rank, target_rank = ladder.rank(current_tier), ladder.rank(target)
    if target_rank > current_rank:
        return TierDecision(current_tier, target, "qualified", dict(figures))
    if target_rank == current_rank or at < downgrade_due_at(ladder, last_review_at):
        return None
    to_tier = target if ladder.downgrade == "recompute" else ladder.tiers[current_rank - 1].code
    return TierDecision(current_tier, to_tier, "downgraded_at_review", dict(figures))


def decide_downgrade_at_review(
    ladder: TierLadder, current_tier: str, figures_at_review: dict[str, Any], review_at: datetime, at: datetime
) -> TierDecision | None:
    """The downgrade a review decided, on the figures as they stood at `review_at`, once its grace is over.

    `decide_tier` reconstructs the review from the one before it, which only works for a yearly review; this
    takes the review itself, so `every_n_months` ladders downgrade on their own dates too.
    """
    if at < review_at + timedelta(days=ladder.grace_days):
        return None
    target = qualifying_tier(ladder, figures_at_review)
    current_rank = ladder.rank(current_tier)
    if ladder.rank(target) >= current_rank:
        return None
    to_tier = target if ladder.downgrade == "recompute" else ladder.tiers[current_rank - 1].code
    return TierDecision(current_tier, to_tier, "downgraded_at_review", dict(figures_at_review))


def manual_tier_decision(
    ladder: TierLadder, current_tier: str, to_tier: str, figures: dict[str, Any]
) -> TierDecision:
    """A staff decision (complaint, VIP gesture): any tier on the ladder, recorded as `manual`."""
    ladder.rank(current_tier)
    ladder.rank(to_tier)
    return TierDecision(current_tier, to_tier, "manual", dict(figures))


__all__ = [
    "Tier",
    "TierDecision",
    "TierLadder",
    "decide_downgrade_at_review",
    "decide_tier",
    "downgrade_notice_at",
    "manual_tier_decision",
    "next_review_at",
    "qualifying_tier",
    "window_figures",
]
