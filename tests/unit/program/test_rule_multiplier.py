"""multiplier: (factor - 1) x the base points, on some SKUs or categories or the whole basket, in a
local-time window."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalty_core.program import Multiplier, evaluate_purchase, project_program
from loyalty_core.program.commands import AddRule
from loyalty_core.program.decide import decide_all
from loyalty_core.program.errors import MultiplierMustBePositive, RuleNeverFires

from .builders import RECORDED_AT, base_rule, create_command, facts, hcm, line, program, purchase, spend

WEEKEND = Multiplier(
    rule_id="weekend-x2",
    priority=30,
    factor=Decimal(2),
    days_of_week=(6, 7),
    label_vi="Cuối tuần",
    label_en="Weekend",
)


def test_weekend_multiplier_doubles_base_points_on_saturday_in_hcm_time() -> None:
    saturday_morning = hcm(2025, 3, 8, 6, 0)  # still Friday 23:00 in UTC
    decision = evaluate_purchase(
        spend(100_000, at=saturday_morning), program(base_rule(), WEEKEND), facts(), {}
    )
    assert decision.points == 20
    assert [ln.rule_id for ln in decision.lines] == ["base", "weekend-x2"]
    assert decision.lines[1].description_vi == "Cuối tuần: nhân 2 điểm"
    assert decision.lines[1].description_en == "Weekend: 2× points"


def test_weekend_multiplier_does_not_fire_after_midnight_on_monday_in_hcm_time() -> None:
    monday_00_30 = hcm(2025, 3, 10, 0, 30)  # still Sunday 17:30 in UTC
    decision = evaluate_purchase(spend(100_000, at=monday_00_30), program(base_rule(), WEEKEND), facts(), {})
    assert decision.points == 10


def test_a_tet_multiplier_applies_only_inside_its_date_window() -> None:
    tet = Multiplier(
        rule_id="tet-x3",
        priority=30,
        factor=Decimal(3),
        starts_at=hcm(2025, 1, 28, 0, 0),
        ends_at=hcm(2025, 2, 3, 0, 0),
    )
    state = program(base_rule(), tet)
    inside = evaluate_purchase(spend(100_000, at=hcm(2025, 2, 2, 23, 30)), state, facts(), {})
    after = evaluate_purchase(spend(100_000, at=hcm(2025, 2, 3, 0, 0)), state, facts(), {})
    assert (inside.points, after.points) == (30, 10)


def test_a_category_multiplier_multiplies_only_the_base_points_of_that_category() -> None:
    coffee_x2 = Multiplier(rule_id="coffee-x2", priority=30, factor=Decimal(2), categories=("coffee",))
    basket = purchase(line("CF", 40_000, "coffee"), line("CAKE", 60_000, "food"))
    decision = evaluate_purchase(basket, program(base_rule(), coffee_x2), facts(), {})
    assert decision.points == 10 + 4


def test_two_multipliers_add_their_extras_on_the_base_rather_than_compounding() -> None:
    x3 = Multiplier(rule_id="happy-x3", priority=31, factor=Decimal(3))
    decision = evaluate_purchase(
        spend(100_000, at=hcm(2025, 3, 8)), program(base_rule(), WEEKEND, x3), facts(), {}
    )
    assert decision.points == 10 + 10 + 20


def test_a_fractional_factor_rounds_the_extra_with_the_program_rounding() -> None:
    x15 = Multiplier(rule_id="x1.5", priority=30, factor=Decimal("1.5"))
    assert (
        evaluate_purchase(spend(50_000), program(base_rule(), x15), facts(), {}).points == 7
    )  # 5 + 2.5 down
    assert (
        evaluate_purchase(spend(50_000), program(base_rule(), x15, rounding="half_up"), facts(), {}).points
        == 8
    )


def test_a_factor_below_one_reduces_points_but_never_below_zero() -> None:
    half = Multiplier(rule_id="half", priority=30, factor=Decimal("0.5"))
    decision = evaluate_purchase(spend(100_000), program(base_rule(), half), facts(), {})
    assert decision.points == 5 and decision.lines[1].points == -5


def test_a_multiplier_with_no_base_points_in_scope_does_not_fire() -> None:
    decision = evaluate_purchase(spend(100_000, at=hcm(2025, 3, 8)), program(WEEKEND), facts(), {})
    assert decision.lines == ()


@pytest.mark.parametrize("factor", [Decimal(0), Decimal(-2)])
def test_a_zero_or_negative_factor_is_refused_and_the_program_is_unchanged(factor: Decimal) -> None:
    state, events = decide_all(None, [create_command()], RECORDED_AT, "test")
    bad = Multiplier(rule_id="bad", priority=30, factor=factor)
    with pytest.raises(MultiplierMustBePositive) as refused:
        decide_all(state, [AddRule(bad)], RECORDED_AT, "test")
    assert refused.value.code == "multiplier_must_be_positive"
    assert project_program(None, events) == state and state is not None and state.rules == ()


def test_a_factor_of_one_is_refused_because_it_never_changes_anything() -> None:
    with pytest.raises(RuleNeverFires):
        Multiplier(rule_id="noop", priority=30, factor=Decimal(1)).validate(RECORDED_AT)
