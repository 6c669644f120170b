"""Earning rules at work: how each rule kind turns a basket into points, one function per kind.

`engine.evaluate_purchase` walks the rules in priority order and calls `fire(rule, context, run)` for each;
a kind's function returns the run with its award added, or None when it does not fire. The run is a
frozen value threaded through the walk, so what multipliers see (the base points fired so far) is explicit.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from loyalty_core.program import explain
from loyalty_core.program.kinds import (
    BirthdayMonth,
    FirstPurchase,
    FixedBonus,
    Multiplier,
    PointsPerAmount,
    Referral,
    StampCard,
    TierMultiplier,
)
from loyalty_core.program.limits import Award
from loyalty_core.program.localtime import local, local_date_key
from loyalty_core.program.model import MemberFacts, PurchaseLine, StampReward
from loyalty_core.program.program import ProgramState
from loyalty_core.program.rules import Rule, line_in_scope

_ROUNDING = {"down": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "up": ROUND_CEILING}


def activity_count_key(kind: str, occurred_at: datetime, period: str) -> str:
    """The `MemberFacts.activity_counts` key for `kind` in the local day, month or year (or lifetime)."""
    wall = local(occurred_at)
    bucket = {
        "day": local_date_key(occurred_at),
        "month": f"{wall.year:04d}-{wall.month:02d}",
        "year": f"{wall.year:04d}",
        "lifetime": "",
    }[period]
    return f"{kind}:{period}:{bucket}" if bucket else f"{kind}:{period}"


def round_points(value: Decimal, rounding: str) -> int:
    return int(value.to_integral_value(rounding=_ROUNDING[rounding]))


def scale_to_paid(amounts: list[Decimal], paid: Decimal) -> list[Decimal]:
    """Each line's share of the money paid, when the lines add up to more (part paid with points, a discount).

    Shares are in the paid amount's own unit (whole đồng for VND, cents for an amount with cents) and add up to
    exactly `paid`: rounding each line down alone would lose up to a unit per line, and 100.000 ₫ paid over
    three equal lines would earn on 99.999 ₫. The units left over go to the lines with the largest remainders
    (ties to the earlier line), the largest-remainder method. Negative lines (discounts) get nothing."""
    positive = [max(amount, Decimal(0)) for amount in amounts]
    gross = sum(positive, Decimal(0))
    if paid >= gross or gross <= 0:
        return positive
    paid = max(paid, Decimal(0))
    exponent = paid.as_tuple().exponent
    unit = Decimal(1).scaleb(min(exponent if isinstance(exponent, int) else 0, 0))
    exact = [amount * paid / gross for amount in positive]
    floors = [share.quantize(unit, rounding=ROUND_FLOOR) for share in exact]
    left = int((paid - sum(floors, Decimal(0))) / unit)
    by_remainder = sorted(range(len(exact)), key=lambda n: (-(exact[n] - floors[n]), n))
    for n in by_remainder[:left]:
        floors[n] += unit
    return floors


@dataclass(frozen=True)
class Context:
    program: ProgramState
    facts: MemberFacts
    at: datetime
    lines: tuple[PurchaseLine, ...]

    @property
    def spend(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def spend_on(self, skus: tuple[str, ...] | None, categories: tuple[str, ...] | None) -> Decimal:
        return sum((ln.amount for ln in self.lines if line_in_scope(ln, skus, categories)), Decimal(0))

    def items_on(self, skus: tuple[str, ...] | None, categories: tuple[str, ...] | None) -> int:
        """Matching items actually paid for (a free drink on a voucher earns no stamp)."""
        return sum(ln.quantity for ln in self.lines if ln.amount > 0 and line_in_scope(ln, skus, categories))


@dataclass(frozen=True)
class Run:
    """What the rules fired so far have produced."""

    awards: tuple[Award, ...] = ()
    base_rules: tuple[PointsPerAmount, ...] = ()
    stamps_added: dict[str, int] = field(default_factory=dict)
    stamp_rewards: tuple[StampReward, ...] = ()
    activity_key: str | None = None

    @property
    def total(self) -> int:
        return sum(award.points for award in self.awards if not award.for_referrer)

    def add(self, rule: Rule, points: int, text: tuple[str, str], **changes: Any) -> Run:
        award = Award(rule.rule_id, rule.campaign_id, points, *explain.labelled(rule, text))
        return dataclasses.replace(self, awards=(*self.awards, award), **changes)


@functools.singledispatch
def fire(rule: Rule, context: Context, run: Run) -> Run | None:
    """The run after `rule`, or None when it does not fire. Caps, exclusions, activities: elsewhere."""
    return None


def _base_points(rule: PointsPerAmount, spend: Decimal, program: ProgramState) -> int:
    return round_points(spend * rule.points / rule.per_amount, rule.rounding or program.rounding)


def _base_on(
    context: Context, run: Run, skus: tuple[str, ...] | None, categories: tuple[str, ...] | None
) -> int:
    """Base points the fired base rules gave on the lines in this scope."""
    total = 0
    for base in run.base_rules:
        spend = sum(
            (
                ln.amount
                for ln in context.lines
                if line_in_scope(ln, base.skus, base.categories) and line_in_scope(ln, skus, categories)
            ),
            Decimal(0),
        )
        total += _base_points(base, spend, context.program)
    return total


def _extra(base: int, factor: Decimal, context: Context, run: Run) -> int:
    """Points a multiplier adds on top of `base`; a factor below 1 never takes the total below zero."""
    extra = round_points(base * factor, context.program.rounding) - base
    return max(extra, -run.total)


@fire.register
def _(rule: PointsPerAmount, context: Context, run: Run) -> Run | None:
    spend = context.spend_on(rule.skus, rule.categories)
    points = _base_points(rule, spend, context.program)
    if points <= 0:
        return None
    text = explain.per_amount(rule.points, rule.per_amount, spend, explain.scope(rule.skus, rule.categories))
    return run.add(rule, points, text, base_rules=(*run.base_rules, rule))


@fire.register
def _(rule: Multiplier, context: Context, run: Run) -> Run | None:
    extra = _extra(_base_on(context, run, rule.skus, rule.categories), rule.factor, context, run)
    if extra == 0:
        return None
    return run.add(rule, extra, explain.multiplier(rule.factor, explain.scope(rule.skus, rule.categories)))


@fire.register
def _(rule: TierMultiplier, context: Context, run: Run) -> Run | None:
    tier = context.program.tiers.tier(context.facts.tier)
    if rule.factors:
        factor = rule.factors.get(context.facts.tier)
    else:
        factor = tier.earn_multiplier if tier is not None else None
    if factor is None or factor == 1:
        return None
    extra = _extra(_base_on(context, run, None, None), factor, context, run)
    if extra == 0:
        return None
    name = (tier.name_vi, tier.name_en) if tier else (context.facts.tier, context.facts.tier)
    return run.add(rule, extra, explain.tier(name, factor))


@fire.register
def _(rule: FixedBonus, context: Context, run: Run) -> Run | None:
    where = explain.scope(rule.skus, rule.categories)
    if rule.per_item:
        items = context.items_on(rule.skus, rule.categories)
        return (
            run.add(rule, rule.points * items, explain.fixed_bonus(rule.points, items, where))
            if items
            else None
        )
    if (rule.skus is not None or rule.categories is not None) and not context.items_on(
        rule.skus, rule.categories
    ):
        return None
    return run.add(rule, rule.points, explain.fixed_bonus(rule.points, None, where))


@fire.register
def _(rule: BirthdayMonth, context: Context, run: Run) -> Run | None:
    if context.facts.birthday_month != local(context.at).month:
        return None
    tier = context.program.tiers.tier(context.facts.tier)
    bonus = rule.bonus_points + (tier.birthday_bonus_points if rule.add_tier_bonus and tier else 0)
    key = activity_count_key("birthday_bonus", context.at, "year") if rule.limit_per_year else None
    if key is not None and context.facts.activity_counts.get(key, 0) >= (rule.limit_per_year or 0):
        bonus = 0
    extra = _extra(_base_on(context, run, None, None), rule.factor, context, run) if rule.factor else 0
    if bonus + extra == 0:
        return None
    text = explain.birthday(bonus, rule.factor if extra else None)
    return run.add(rule, bonus + extra, text, activity_key=key if bonus else run.activity_key)


@fire.register
def _(rule: FirstPurchase, context: Context, run: Run) -> Run | None:
    if context.facts.purchase_count != 0:
        return None
    return run.add(rule, rule.points, explain.first_purchase(rule.points))


@fire.register
def _(rule: StampCard, context: Context, run: Run) -> Run | None:
    added = context.items_on(rule.skus, rule.categories)
    if added == 0:
        return None
    collected = context.facts.stamps.get(rule.card_id, 0) + run.stamps_added.get(rule.card_id, 0) + added
    rewards, progress = divmod(collected, rule.stamps_required)
    reward = context.program.reward(rule.reward_id) if rule.reward_id else None
    reward_name = (reward.name_vi, reward.name_en) if reward else None
    text = explain.stamps(
        rule.card_id, added, progress, rule.stamps_required, rewards, reward_name, rule.bonus_points
    )
    earned = tuple(
        StampReward(rule.card_id, rule.reward_id, rule.bonus_points, rule.stamps_required)
        for _ in range(rewards)
    )
    stamps = {**run.stamps_added, rule.card_id: run.stamps_added.get(rule.card_id, 0) + added}
    return run.add(
        rule,
        rule.bonus_points * rewards,
        text,
        stamps_added=stamps,
        stamp_rewards=(*run.stamp_rewards, *earned),
    )


@fire.register
def _(rule: Referral, context: Context, run: Run) -> Run | None:
    if context.facts.referred_by is None or context.facts.purchase_count != 0:
        return None
    awards = run.awards
    if rule.buyer_points:
        awards = run.add(rule, rule.buyer_points, explain.referral_buyer(rule.buyer_points)).awards
    if rule.referrer_points:
        text = explain.labelled(rule, explain.referral_referrer(rule.referrer_points))
        awards = (
            *awards,
            Award(rule.rule_id, rule.campaign_id, rule.referrer_points, *text, for_referrer=True),
        )
    return dataclasses.replace(run, awards=awards)
