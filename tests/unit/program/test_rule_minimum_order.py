"""minimum_order: `min_spend`, a condition any rule can carry, on the qualifying spend after exclusions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalty_core.program import Exclusions, FixedBonus, Multiplier, evaluate_purchase
from loyalty_core.program.errors import InvalidProgram

from .builders import RECORDED_AT, base_rule, facts, line, program, purchase, spend

BIG_ORDER = FixedBonus(rule_id="big-order", priority=20, points=30, min_spend=Decimal(200_000))


@pytest.mark.parametrize(("amount", "bonus"), [(199_999, 0), (200_000, 30), (350_000, 30)])
def test_a_bonus_with_min_spend_fires_from_exactly_the_minimum(amount: int, bonus: int) -> None:
    decision = evaluate_purchase(spend(amount), program(base_rule(), BIG_ORDER), facts(), {})
    assert decision.points == amount // 10_000 + bonus


def test_excluded_items_do_not_count_toward_the_minimum() -> None:
    no_gift_cards = Exclusions(rule_id="excl", priority=0, categories=("gift_card",))
    basket = purchase(line("GC-500", 500_000, "gift_card"), line("CF", 50_000, "coffee"))
    decision = evaluate_purchase(basket, program(no_gift_cards, BIG_ORDER), facts(), {})
    assert decision.points == 0


def test_min_spend_works_on_a_multiplier_too() -> None:
    x2_over_100k = Multiplier(rule_id="x2-100k", priority=30, factor=Decimal(2), min_spend=Decimal(100_000))
    state = program(base_rule(), x2_over_100k)
    assert evaluate_purchase(spend(90_000), state, facts(), {}).points == 9
    assert evaluate_purchase(spend(100_000), state, facts(), {}).points == 20


def test_a_negative_minimum_is_refused() -> None:
    with pytest.raises(InvalidProgram):
        FixedBonus(rule_id="x", priority=20, points=5, min_spend=Decimal(-1)).validate(RECORDED_AT)
