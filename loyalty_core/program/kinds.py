"""The rule kinds marketing can use, each a `Rule` with its own payload and checks.

How each kind computes points lives in `engine.py`; how it explains itself lives in `explain.py`. Keeping
the declarations here, apart from both, makes this file the readable catalogue of what a program can say.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loyalty_core.program.errors import InvalidProgram, RuleNeverFires
from loyalty_core.program.model import ACTIVITY_KINDS
from loyalty_core.program.rules import (
    CAP_PERIODS,
    COUNT_PERIODS,
    Rule,
    check_factor,
    check_rounding,
    register,
)


@register
@dataclass(frozen=True, kw_only=True)
class PointsPerAmount(Rule):
    """The base rule: `points` for every `per_amount` of qualifying spend, rounded as told."""

    kind = "points_per_amount"
    points: int
    per_amount: Decimal
    #: down | half_up | up; None uses the program's rounding.
    rounding: str | None = None
    skus: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None

    def validate(self, now: datetime) -> None:
        super().validate(now)
        self._check_positive_points(points=self.points)
        if self.per_amount <= 0:
            raise InvalidProgram(f"rule {self.rule_id}: per_amount must be positive")
        check_rounding(self, self.rounding)
        self._check_scope(self.skus, self.categories)


@register
@dataclass(frozen=True, kw_only=True)
class Multiplier(Rule):
    """Adds (factor - 1) x the base points earned on the matching lines (or the whole basket)."""

    kind = "multiplier"
    factor: Decimal
    skus: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None

    def validate(self, now: datetime) -> None:
        super().validate(now)
        check_factor(self, self.factor)
        if self.factor == 1:
            self._never("a factor of 1 changes nothing")
        self._check_scope(self.skus, self.categories)


@register
@dataclass(frozen=True, kw_only=True)
class FixedBonus(Rule):
    """A fixed number of points per order, or per matching item when `per_item`."""

    kind = "fixed_bonus"
    points: int
    skus: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    per_item: bool = False

    def validate(self, now: datetime) -> None:
        super().validate(now)
        self._check_positive_points(points=self.points)
        self._check_scope(self.skus, self.categories)


@register
@dataclass(frozen=True, kw_only=True)
class BirthdayMonth(Rule):
    """In the member's birthday month (local calendar): bonus points, a multiplier, or both."""

    kind = "birthday_month"
    bonus_points: int = 0
    factor: Decimal | None = None
    #: Also give the member's tier `birthday_bonus_points`.
    add_tier_bonus: bool = True
    #: How many purchases a year get the bonus points (None: every purchase that month).
    limit_per_year: int | None = None

    def validate(self, now: datetime) -> None:
        super().validate(now)
        if self.factor is not None:
            check_factor(self, self.factor)
        if self.bonus_points < 0:
            raise InvalidProgram(f"rule {self.rule_id}: bonus_points must not be negative")
        if self.limit_per_year is not None and self.limit_per_year < 1:
            raise InvalidProgram(f"rule {self.rule_id}: limit_per_year must be at least 1 or null")
        if not (self.bonus_points or self.add_tier_bonus or (self.factor and self.factor != 1)):
            self._never("it gives no bonus points, no tier bonus and no multiplier")


@register
@dataclass(frozen=True, kw_only=True)
class FirstPurchase(Rule):
    kind = "first_purchase"
    points: int

    def validate(self, now: datetime) -> None:
        super().validate(now)
        self._check_positive_points(points=self.points)


@register
@dataclass(frozen=True, kw_only=True)
class StampCard(Rule):
    """One stamp per matching item paid for; every `stamps_required` stamps earn the reward."""

    kind = "stamp_card"
    card_id: str
    stamps_required: int
    skus: tuple[str, ...] | None = None
    categories: tuple[str, ...] | None = None
    #: A voucher for this catalogue reward...
    reward_id: str | None = None
    #: ...and/or these points, per completed card.
    bonus_points: int = 0

    def validate(self, now: datetime) -> None:
        super().validate(now)
        if not self.card_id:
            raise InvalidProgram(f"rule {self.rule_id}: card_id is required")
        if self.skus is None and self.categories is None:
            raise InvalidProgram(
                f"rule {self.rule_id}: a stamp card counts items of given SKUs or categories"
            )
        self._check_scope(self.skus, self.categories)
        if self.stamps_required < 1:
            raise InvalidProgram(f"rule {self.rule_id}: stamps_required must be at least 1")
        if self.bonus_points < 0:
            raise InvalidProgram(f"rule {self.rule_id}: bonus_points must not be negative")
        if self.reward_id is None and self.bonus_points == 0:
            self._never("a full card earns neither a reward nor bonus points")


@register
@dataclass(frozen=True, kw_only=True)
class ActivityRule(Rule):
    """Points for a non-purchase action, at most `limit` times per member per `period`."""

    kind = "activity"
    activity: str
    points: int
    limit: int | None = None
    period: str = "lifetime"

    def validate(self, now: datetime) -> None:
        super().validate(now)
        if self.activity not in ACTIVITY_KINDS:
            raise InvalidProgram(f"rule {self.rule_id}: activity must be one of {ACTIVITY_KINDS}")
        self._check_positive_points(points=self.points)
        if self.period not in COUNT_PERIODS:
            raise InvalidProgram(f"rule {self.rule_id}: period must be one of {COUNT_PERIODS}")
        if self.limit is not None and self.limit < 1:
            self._never("its limit is below 1")
        if self.min_spend is not None:
            raise InvalidProgram(
                f"rule {self.rule_id}: an activity has no spend, so min_spend is meaningless"
            )


@register
@dataclass(frozen=True, kw_only=True)
class Referral(Rule):
    """On a referred member's first purchase: points for the buyer and for the referrer."""

    kind = "referral"
    buyer_points: int = 0
    referrer_points: int = 0

    def validate(self, now: datetime) -> None:
        super().validate(now)
        if self.buyer_points < 0 or self.referrer_points < 0:
            raise InvalidProgram(f"rule {self.rule_id}: referral points must not be negative")
        if self.buyer_points == 0 and self.referrer_points == 0:
            self._never("it gives no points to either member")


@register
@dataclass(frozen=True, kw_only=True)
class TierMultiplier(Rule):
    """Adds (factor - 1) x base points by the member's tier; no `factors` uses the ladder's multipliers."""

    kind = "tier_multiplier"
    factors: dict[str, Decimal] | None = None

    def validate(self, now: datetime) -> None:
        super().validate(now)
        if self.factors == {}:
            self._never("its factors table is empty")
        for factor in (self.factors or {}).values():
            check_factor(self, factor)


@register
@dataclass(frozen=True, kw_only=True)
class Cap(Rule):
    """At most `max_points` per transaction or per member per local day (of a campaign's rules, if set)."""

    kind = "cap"
    max_points: int
    per: str = "transaction"

    def validate(self, now: datetime) -> None:
        super().validate(now)
        if self.per not in CAP_PERIODS:
            raise InvalidProgram(f"rule {self.rule_id}: per must be one of {CAP_PERIODS}")
        if self.max_points < 0:
            raise InvalidProgram(f"rule {self.rule_id}: max_points must not be negative")


@register
@dataclass(frozen=True, kw_only=True)
class Exclusions(Rule):
    """SKUs and categories that never earn; removed from qualifying spend before any other rule."""

    kind = "exclusions"
    skus: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()

    def validate(self, now: datetime) -> None:
        super().validate(now)
        if not self.skus and not self.categories:
            raise RuleNeverFires(
                f"rule {self.rule_id} can never fire: it excludes nothing", rule_id=self.rule_id
            )


ALL_KINDS = (
    PointsPerAmount,
    Multiplier,
    FixedBonus,
    BirthdayMonth,
    FirstPurchase,
    StampCard,
    ActivityRule,
    Referral,
    TierMultiplier,
    Cap,
    Exclusions,
)
