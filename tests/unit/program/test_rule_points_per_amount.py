"""points_per_amount: the base rule, N points per X of qualifying spend, with a stated rounding."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalty_core.program import PointsPerAmount, evaluate_purchase
from loyalty_core.program.errors import InvalidProgram, RuleNeverFires

from .builders import RECORDED_AT, base_rule, facts, line, program, purchase, spend


def test_one_point_per_10000_vnd_rounds_down_by_default() -> None:
    decision = evaluate_purchase(spend(129_000), program(base_rule()), facts(), {})
    assert decision.points == 12
    assert decision.qualifying_spend == Decimal(129_000)


def test_the_line_explains_the_rule_in_vietnamese_and_english_with_vietnamese_money_format() -> None:
    [rule_line] = evaluate_purchase(spend(129_000), program(base_rule()), facts(), {}).lines
    assert rule_line.rule_id == "base"
    assert rule_line.description_vi.startswith("1 điểm mỗi 10.000 ₫ chi tiêu")
    assert "129.000 ₫" in rule_line.description_vi
    assert rule_line.description_en.startswith("1 point per 10,000 VND spent")


@pytest.mark.parametrize(("rounding", "expected"), [("down", 12), ("half_up", 13), ("up", 13)])
def test_rounding_mode_is_applied_to_the_exact_ratio(rounding: str, expected: int) -> None:
    decision = evaluate_purchase(spend(125_000), program(base_rule(rounding=rounding)), facts(), {})
    assert decision.points == expected


def test_several_points_per_amount_are_multiplied_before_rounding() -> None:
    rule = base_rule(points=3)
    assert evaluate_purchase(spend(25_000), program(rule), facts(), {}).points == 7  # 7.5 down, not 2 x 3


def test_points_are_earned_on_the_amount_paid_after_line_discounts() -> None:
    discounted = purchase(line("CF", 30_000, "coffee", quantity=2))  # list price 2 x 45.000, paid 30.000
    assert evaluate_purchase(discounted, program(base_rule()), facts(), {}).points == 3


def test_the_part_of_an_order_paid_with_points_earns_nothing() -> None:
    half_paid_with_points = purchase(line("CF", 100_000, "coffee"), total=60_000)
    decision = evaluate_purchase(half_paid_with_points, program(base_rule()), facts(), {})
    assert (decision.points, decision.qualifying_spend) == (6, Decimal(60_000))


def test_a_purchase_without_lines_earns_on_its_total() -> None:
    decision = evaluate_purchase(purchase(total=50_000), program(base_rule()), facts(), {})
    assert decision.points == 5


def test_a_category_scoped_base_rule_earns_only_on_that_category() -> None:
    rule = base_rule(categories=("coffee",), points=2)
    basket = purchase(line("CF", 50_000, "coffee"), line("CAKE", 50_000, "food"))
    decision = evaluate_purchase(basket, program(rule), facts(), {})
    assert decision.points == 10
    assert "danh mục coffee" in decision.lines[0].description_vi


def test_a_spend_below_one_step_earns_nothing_and_shows_no_line() -> None:
    decision = evaluate_purchase(spend(9_999), program(base_rule()), facts(), {})
    assert (decision.points, decision.lines) == (0, ())


def test_an_empty_sku_filter_is_refused_as_never_firing() -> None:
    with pytest.raises(RuleNeverFires) as refused:
        program(base_rule(skus=()))
    assert refused.value.code == "rule_never_fires"


@pytest.mark.parametrize("changes", [{"per_amount": Decimal(0)}, {"points": 0}, {"rounding": "banker"}])
def test_malformed_rates_are_refused(changes: dict) -> None:
    with pytest.raises(InvalidProgram):
        base_rule(**changes).validate(RECORDED_AT)


def test_a_rule_reads_back_from_its_dict_with_its_kind() -> None:
    rule = base_rule(categories=("coffee",))
    assert rule.to_dict()["kind"] == "points_per_amount"
    assert PointsPerAmount.from_dict(rule.to_dict()) == rule
