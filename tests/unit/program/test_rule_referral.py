"""referral: on a referred member's first purchase both members earn; the referrer's share is separate."""

from __future__ import annotations

import pytest

from loyalty_core.program import Referral, evaluate_purchase
from loyalty_core.program.errors import RuleNeverFires

from .builders import FRIEND_ID, RECORDED_AT, base_rule, campaign, facts, hcm, program, spend

REFER = Referral(rule_id="refer-a-friend", priority=60, buyer_points=50, referrer_points=100)


def test_a_referred_members_first_purchase_rewards_both_members() -> None:
    decision = evaluate_purchase(
        spend(50_000), program(base_rule(), REFER), facts(purchase_count=0, referred_by=FRIEND_ID), {}
    )
    assert decision.points == 5 + 50
    bonus = decision.referral_bonus
    assert bonus is not None
    assert (bonus.referrer_id, bonus.points, bonus.rule_id) == (FRIEND_ID, 100, "refer-a-friend")
    assert "giới thiệu" in bonus.description_vi and "friend" in bonus.description_en


def test_the_referrers_points_are_not_in_the_buyers_lines() -> None:
    decision = evaluate_purchase(
        spend(50_000), program(REFER), facts(purchase_count=0, referred_by=FRIEND_ID), {}
    )
    assert sum(line.points for line in decision.lines) == decision.points == 50


def test_a_second_purchase_earns_no_referral_bonus() -> None:
    decision = evaluate_purchase(
        spend(50_000), program(REFER), facts(purchase_count=1, referred_by=FRIEND_ID), {}
    )
    assert (decision.points, decision.referral_bonus) == (0, None)


def test_a_member_who_was_not_referred_earns_no_referral_bonus() -> None:
    decision = evaluate_purchase(spend(50_000), program(REFER), facts(purchase_count=0), {})
    assert decision.referral_bonus is None


def test_a_referral_campaign_budget_covers_the_referrers_share_too() -> None:
    rule = Referral(rule_id="refer", priority=60, buyer_points=50, referrer_points=100, campaign_id="tet")
    state = program(rule, campaigns=(campaign(budget_points=1_000),))
    decision = evaluate_purchase(
        spend(50_000, at=hcm(2025, 1, 30)),
        state,
        facts(purchase_count=0, referred_by=FRIEND_ID),
        {"tet": 120},
    )
    assert decision.budget_used == {"tet": 120}
    assert decision.points + decision.referral_bonus.points == 120  # type: ignore[union-attr]


def test_a_referral_that_gives_nobody_anything_is_refused() -> None:
    with pytest.raises(RuleNeverFires):
        Referral(rule_id="r", priority=60).validate(RECORDED_AT)
