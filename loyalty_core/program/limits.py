"""Limits: campaign budgets and caps, applied after the earning rules, and the decision they produce.

A limit never rewrites a rule's line: the line keeps what the rule would give, and the limit adds its own
negative line that says which cap applied, so the member and the CSKH agent see both. Behind the lines,
the cut is charged to the awards from the last one fired backwards (lowest priority first), so we always
know how many points each campaign really issued (`budget_used`) even after a later cap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from loyalty_core.program import explain
from loyalty_core.program.kinds import Cap
from loyalty_core.program.localtime import local_date_key
from loyalty_core.program.model import EarnDecision, MemberFacts, ReferralBonus, RuleLine, StampReward
from loyalty_core.program.program import ProgramState


@dataclass(frozen=True)
class Award:
    """Points one rule gave, before limits. The referrer's share of a referral is an award too."""

    rule_id: str
    campaign_id: str | None
    points: int
    description_vi: str
    description_en: str
    for_referrer: bool = False


@dataclass(frozen=True)
class Limited:
    awards: tuple[Award, ...]
    #: Points left on each award after every limit, parallel to `awards`.
    remaining: tuple[int, ...]
    #: One negative line per limit that cut something.
    limit_lines: tuple[RuleLine, ...]


def _cut(remaining: list[int], indexes: Sequence[int], amount: int) -> dict[int, int]:
    """Take `amount` from the awards at `indexes`, last first; return what was taken from each."""
    taken: dict[int, int] = {}
    for index in reversed(indexes):
        take = min(max(remaining[index], 0), amount)
        if take:
            remaining[index] -= take
            taken[index] = take
            amount -= take
    return taken


def apply_limits(
    awards: Sequence[Award],
    caps: Sequence[Cap],
    program: ProgramState,
    facts: MemberFacts,
    at: datetime,
    budget_remaining: dict[str, int],
) -> Limited:
    remaining = [award.points for award in awards]
    lines: list[RuleLine] = []
    for campaign_id in dict.fromkeys(a.campaign_id for a in awards if a.campaign_id is not None):
        campaign = program.campaign(campaign_id)
        if campaign is None or campaign.budget_points is None:
            continue
        left = max(budget_remaining.get(campaign_id, campaign.budget_points), 0)
        indexes = [i for i, award in enumerate(awards) if award.campaign_id == campaign_id]
        over = sum(remaining[i] for i in indexes) - left
        if over > 0:
            taken = _cut(remaining, indexes, over)
            buyer_cut = sum(points for i, points in taken.items() if not awards[i].for_referrer)
            text = explain.budget((campaign.name_vi, campaign.name_en), left)
            lines.append(RuleLine(f"budget:{campaign_id}", -buyer_cut, *text))
    for cap in caps:
        indexes = [
            i
            for i, award in enumerate(awards)
            if not award.for_referrer and cap.campaign_id in (None, award.campaign_id)
        ]
        allowed = cap.max_points
        if cap.per == "member_day":
            allowed = max(cap.max_points - facts.points_earned_on_local_day.get(local_date_key(at), 0), 0)
        over = sum(remaining[i] for i in indexes) - allowed
        if over > 0:
            _cut(remaining, indexes, over)
            campaign = program.campaign(cap.campaign_id) if cap.campaign_id else None
            name = (campaign.name_vi, campaign.name_en) if campaign else None
            lines.append(
                RuleLine(
                    cap.rule_id, -over, *explain.labelled(cap, explain.cap(cap.max_points, cap.per, name))
                )
            )
    return Limited(tuple(awards), tuple(remaining), tuple(lines))


def decision(
    limited: Limited,
    program: ProgramState,
    facts: MemberFacts,
    qualifying_spend: Decimal,
    stamps_added: dict[str, int],
    stamp_rewards: tuple[StampReward, ...],
    activity_key: str | None,
) -> EarnDecision:
    pairs = list(zip(limited.awards, limited.remaining, strict=True))
    lines = (
        tuple(
            RuleLine(a.rule_id, a.points, a.description_vi, a.description_en)
            for a in limited.awards
            if not a.for_referrer
        )
        + limited.limit_lines
    )
    budget_used: dict[str, int] = {}
    for award, left in pairs:
        if award.campaign_id is not None:
            budget_used[award.campaign_id] = budget_used.get(award.campaign_id, 0) + left
    referral = next(((a, left) for a, left in pairs if a.for_referrer and left > 0), None)
    bonus = None
    if referral is not None and facts.referred_by is not None:
        award, left = referral
        vi, en = award.description_vi, award.description_en
        if left < award.points:
            vi, en = f"{vi} (giới hạn ngân sách: còn {left})", f"{en} (budget cap applied: {left} left)"
        bonus = ReferralBonus(facts.referred_by, left, award.rule_id, vi, en)
    points = sum(left for award, left in pairs if not award.for_referrer)
    # The lines must add up to the points awarded: it is what the member is shown.
    assert points == sum(line.points for line in lines) and points >= 0, (points, lines)
    return EarnDecision(
        points=points,
        lines=lines,
        qualifying_spend=qualifying_spend,
        program_version=program.version,
        stamps_added=dict(stamps_added),
        stamp_rewards=stamp_rewards,
        budget_used={cid: used for cid, used in budget_used.items() if used > 0},
        activity_key=activity_key,
        referral_bonus=bonus,
    )
