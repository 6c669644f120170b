"""tier_multiplier: higher tiers earn more on the base points, by the ladder or by an explicit table."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalty_core.program import SetTierLadder, Tier, TierLadder, TierMultiplier, evaluate_purchase
from loyalty_core.program.decide import decide_all
from loyalty_core.program.errors import InvalidProgram, MultiplierMustBePositive

from .builders import RECORDED_AT, base_rule, facts, program, spend

BY_LADDER = TierMultiplier(rule_id="tier", priority=20)


def test_a_gold_member_earns_the_ladders_one_and_a_half_times() -> None:
    decision = evaluate_purchase(spend(100_000), program(base_rule(), BY_LADDER), facts(tier="gold"), {})
    assert decision.points == 15
    assert decision.lines[1].description_vi == "Hạng Vàng: nhân 1,5 điểm"
    assert decision.lines[1].description_en == "Gold tier: 1.5× points"


def test_the_base_tier_earns_no_extra_line() -> None:
    decision = evaluate_purchase(spend(100_000), program(base_rule(), BY_LADDER), facts(tier="member"), {})
    assert [line.rule_id for line in decision.lines] == ["base"]


def test_an_explicit_factor_table_overrides_the_ladder() -> None:
    table = TierMultiplier(rule_id="tier", priority=20, factors={"silver": Decimal(3)})
    state = program(base_rule(), table)
    assert evaluate_purchase(spend(100_000), state, facts(tier="silver"), {}).points == 30
    assert evaluate_purchase(spend(100_000), state, facts(tier="gold"), {}).points == 10


def test_a_factor_table_naming_an_unknown_tier_is_refused() -> None:
    with pytest.raises(InvalidProgram):
        program(TierMultiplier(rule_id="tier", priority=20, factors={"platinum": Decimal(2)}))


def test_a_new_ladder_that_drops_a_tier_a_rule_names_is_refused() -> None:
    state = program(TierMultiplier(rule_id="tier", priority=20, factors={"gold": Decimal(2)}))
    smaller = TierLadder(tiers=(Tier("member", "Thành viên", "Member", 0),))
    with pytest.raises(InvalidProgram):
        decide_all(state, [SetTierLadder(smaller)], RECORDED_AT, "test")


def test_a_zero_tier_factor_is_refused() -> None:
    with pytest.raises(MultiplierMustBePositive):
        TierMultiplier(rule_id="t", priority=20, factors={"gold": Decimal(0)}).validate(RECORDED_AT)
