"""The rules engine: a purchase or an activity, the program and the member's facts in; a decision out.

Pure and deterministic: the instant is the purchase's own `occurred_at`, nothing reads a clock, a
database or a random source, so a dry run is just a call and a replay gives the same answer.

The order of work is fixed and explained in docs/program.md:
1. exclusions remove lines from the qualifying spend (what was paid in money, after discounts);
2. earning rules run by (priority, rule_id); each one that fires adds one line; `stop` ends the run;
3. campaign budgets, then caps (in their own priority order) cut points and say so in negative lines.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from loyalty_core.program import explain
from loyalty_core.program.earning import Context, Run, activity_count_key, fire, round_points, scale_to_paid
from loyalty_core.program.errors import InvalidPurchase
from loyalty_core.program.kinds import ActivityRule, Cap, Exclusions
from loyalty_core.program.limits import Award, apply_limits, decision
from loyalty_core.program.localtime import require_aware
from loyalty_core.program.model import Activity, EarnDecision, MemberFacts, Purchase, PurchaseLine
from loyalty_core.program.program import ProgramState
from loyalty_core.program.rules import Rule

__all__ = [
    "activity_count_key",
    "evaluate_activity",
    "evaluate_purchase",
    "qualifying_lines",
    "round_points",
    "rules_in_force",
]


def rules_in_force(program: ProgramState, at: datetime, channel: str, store_id: str | None) -> list[Rule]:
    """Rules whose channel, store, window and campaign match, sorted by (priority, rule_id)."""
    active = {c.campaign_id: c for c in program.campaigns if c.active_at(at)}
    exclusive = min(
        (c for c in active.values() if c.exclusive), key=lambda c: (c.starts_at, c.campaign_id), default=None
    )

    def in_force(rule: Rule) -> bool:
        if rule.campaign_id is not None:
            if rule.campaign_id not in active:
                return False
            if exclusive is not None and rule.campaign_id != exclusive.campaign_id:
                return False
        return rule.applies_at(at, channel, store_id)

    return sorted(filter(in_force, program.rules), key=lambda rule: (rule.priority, rule.rule_id))


def qualifying_lines(purchase: Purchase, program: ProgramState) -> tuple[PurchaseLine, ...]:
    """The lines of a purchase that earn, each `amount` scaled to the money actually paid.

    What a `per_line` refund policy claws back against (see `refunds.points_to_claw_back`).
    """
    rules = rules_in_force(program, purchase.occurred_at, purchase.channel, purchase.store_id)
    return _split_basket(purchase, rules)[0]


def _split_basket(purchase: Purchase, rules: list[Rule]) -> tuple[tuple[PurchaseLine, ...], list[Award]]:
    """Lines that can earn (scaled to the money paid), and one zero-point line per exclusion that applied."""
    lines = purchase.lines or (PurchaseLine("", None, 0, purchase.total, purchase.total),)
    amounts = scale_to_paid([line.amount for line in lines], purchase.total)
    kept: list[PurchaseLine] = []
    excluded: dict[str, tuple[Exclusions, Decimal, list[str]]] = {}
    for line, amount in zip(lines, amounts):
        scaled = dataclasses.replace(line, amount=amount)
        rule = next((r for r in rules if isinstance(r, Exclusions) and _excludes(r, line)), None)
        if rule is None:
            kept.append(scaled)
            continue
        _, amount, what = excluded.get(rule.rule_id, (rule, Decimal(0), []))
        reason = line.sku if line.sku in rule.skus else str(line.category)
        excluded[rule.rule_id] = (rule, amount + scaled.amount, [*what, reason])
    awards = [
        Award(rule.rule_id, None, 0, *explain.labelled(rule, explain.exclusions(amount, what)))
        for rule, amount, what in excluded.values()
    ]
    return tuple(kept), awards


def _excludes(rule: Exclusions, line: PurchaseLine) -> bool:
    return line.sku in rule.skus or (line.category is not None and line.category in rule.categories)


def evaluate_purchase(
    purchase: Purchase, program: ProgramState, facts: MemberFacts, budget_remaining: dict[str, int]
) -> EarnDecision:
    """Price a purchase: one line per rule that fired, in priority order, then any cap lines."""
    require_aware(purchase.occurred_at, "occurred_at")
    if purchase.currency != program.currency:
        raise InvalidPurchase(
            f"purchase currency {purchase.currency} is not the program's {program.currency}",
            currency=purchase.currency,
        )
    rules = rules_in_force(program, purchase.occurred_at, purchase.channel, purchase.store_id)
    lines, exclusion_awards = _split_basket(purchase, rules)
    context = Context(program, facts, purchase.occurred_at, lines)
    run = Run()
    for rule in rules:
        if rule.min_spend is not None and context.spend < rule.min_spend:
            continue
        if rule.member_condition is not None and not rule.member_condition.holds(facts, purchase.occurred_at):
            continue
        fired = fire(rule, context, run)
        if fired is not None:
            run = fired
            if rule.stop:
                break
    awards = (*exclusion_awards, *run.awards)
    caps = [r for r in rules if isinstance(r, Cap) and (r.min_spend is None or context.spend >= r.min_spend)]
    limited = apply_limits(
        awards,
        caps,
        program,
        facts,
        purchase.occurred_at,
        budget_remaining,
    )
    return decision(
        limited, program, facts, context.spend, run.stamps_added, run.stamp_rewards, run.activity_key
    )


def evaluate_activity(
    activity: Activity, program: ProgramState, facts: MemberFacts, budget_remaining: dict[str, int]
) -> EarnDecision:
    """Points for a non-purchase action: the first matching activity rule whose limit is not reached."""
    require_aware(activity.occurred_at, "occurred_at")
    rules = rules_in_force(program, activity.occurred_at, activity.channel, activity.store_id)
    run = Run()
    for rule in rules:
        if not (isinstance(rule, ActivityRule) and rule.activity == activity.kind):
            continue
        if rule.member_condition is not None and not rule.member_condition.holds(facts, activity.occurred_at):
            continue
        key = activity_count_key(activity.kind, activity.occurred_at, rule.period)
        if rule.limit is not None and facts.activity_counts.get(key, 0) >= rule.limit:
            continue
        run = run.add(rule, rule.points, explain.activity(activity.kind, rule.points), activity_key=key)
        break
    limited = apply_limits(
        run.awards,
        [r for r in rules if isinstance(r, Cap)],
        program,
        facts,
        activity.occurred_at,
        budget_remaining,
    )
    return decision(limited, program, facts, Decimal(0), {}, (), run.activity_key)
