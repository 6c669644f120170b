"""fixed_bonus: a fixed number of points per order, per matching order, or per matching item."""

from __future__ import annotations

import pytest

from loyalty_core.program import FixedBonus, evaluate_purchase
from loyalty_core.program.errors import InvalidProgram, RuleNeverFires

from .builders import RECORDED_AT, base_rule, facts, line, program, purchase, spend


def test_a_basket_bonus_adds_its_points_to_every_order() -> None:
    bonus = FixedBonus(rule_id="app-bonus", priority=20, points=15)
    decision = evaluate_purchase(spend(30_000), program(base_rule(), bonus), facts(), {})
    assert decision.points == 3 + 15
    assert decision.lines[1].description_vi == "Thưởng 15 điểm"
    assert decision.lines[1].description_en == "15 bonus points"


def test_a_sku_bonus_fires_only_when_the_sku_is_in_the_basket() -> None:
    bonus = FixedBonus(rule_id="new-drink", priority=20, points=20, skus=("TRA-DAO",))
    state = program(bonus)
    assert evaluate_purchase(purchase(line("TRA-DAO", 45_000, "tea")), state, facts(), {}).points == 20
    assert evaluate_purchase(purchase(line("CF", 45_000, "coffee")), state, facts(), {}).points == 0


def test_a_per_item_bonus_counts_each_unit_of_the_matching_category() -> None:
    bonus = FixedBonus(rule_id="cake-bonus", priority=20, points=5, categories=("cake",), per_item=True)
    basket = purchase(line("TIRAMISU", 90_000, "cake", quantity=3), line("CF", 30_000, "coffee"))
    decision = evaluate_purchase(basket, program(bonus), facts(), {})
    assert decision.points == 15
    assert "× 3" in decision.lines[0].description_vi


def test_an_item_given_free_earns_no_per_item_bonus() -> None:
    bonus = FixedBonus(rule_id="cake-bonus", priority=20, points=5, categories=("cake",), per_item=True)
    decision = evaluate_purchase(purchase(line("TIRAMISU", 0, "cake")), program(bonus), facts(), {})
    assert decision.points == 0


def test_an_empty_category_filter_is_refused_as_never_firing() -> None:
    with pytest.raises(RuleNeverFires):
        program(FixedBonus(rule_id="x", priority=20, points=5, categories=()))


def test_zero_bonus_points_are_refused() -> None:
    with pytest.raises(InvalidProgram):
        FixedBonus(rule_id="x", priority=20, points=0).validate(RECORDED_AT)
