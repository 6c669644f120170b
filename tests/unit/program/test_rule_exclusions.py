"""exclusions: SKUs and categories that never earn, removed from qualifying spend before any rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalty_core.program import Exclusions, FixedBonus, evaluate_purchase, qualifying_lines
from loyalty_core.program.errors import RuleNeverFires

from .builders import RECORDED_AT, base_rule, facts, line, program, purchase

NO_GIFT_CARDS_OR_DELIVERY = Exclusions(
    rule_id="excl", priority=99, skus=("DELIVERY",), categories=("gift_card",)
)


def test_gift_cards_and_delivery_fees_are_removed_from_qualifying_spend() -> None:
    basket = purchase(
        line("CF", 90_000, "coffee"), line("GC-200", 200_000, "gift_card"), line("DELIVERY", 15_000)
    )
    decision = evaluate_purchase(basket, program(base_rule(), NO_GIFT_CARDS_OR_DELIVERY), facts(), {})
    assert (decision.points, decision.qualifying_spend) == (9, Decimal(90_000))


def test_exclusions_run_before_every_rule_whatever_their_priority() -> None:
    basket = purchase(line("GC-200", 200_000, "gift_card"))
    decision = evaluate_purchase(
        basket, program(base_rule(priority=1), NO_GIFT_CARDS_OR_DELIVERY), facts(), {}
    )
    assert decision.points == 0


def test_the_explanation_says_what_was_excluded_and_for_how_much() -> None:
    basket = purchase(line("CF", 90_000, "coffee"), line("DELIVERY", 15_000))
    decision = evaluate_purchase(basket, program(base_rule(), NO_GIFT_CARDS_OR_DELIVERY), facts(), {})
    excluded = decision.lines[0]
    assert (excluded.rule_id, excluded.points) == ("excl", 0)
    assert excluded.description_vi == "Không tích điểm cho hàng loại trừ: 15.000 ₫ (DELIVERY)"
    assert excluded.description_en == "Excluded items earn no points: 15,000 VND (DELIVERY)"


def test_a_basket_of_only_excluded_items_does_not_meet_a_fixed_bonus_minimum() -> None:
    bonus = FixedBonus(rule_id="b", priority=20, points=10, min_spend=Decimal(1))
    decision = evaluate_purchase(
        purchase(line("DELIVERY", 15_000)), program(bonus, NO_GIFT_CARDS_OR_DELIVERY), facts(), {}
    )
    assert decision.points == 0


def test_an_exclusion_list_that_excludes_nothing_is_refused() -> None:
    with pytest.raises(RuleNeverFires):
        Exclusions(rule_id="e", priority=0).validate(RECORDED_AT)


def test_qualifying_lines_give_a_per_line_refund_the_lines_that_earned() -> None:
    half_paid_with_points = 52_500
    basket = purchase(line("CF", 90_000, "coffee"), line("DELIVERY", 15_000), total=half_paid_with_points)
    lines = qualifying_lines(basket, program(base_rule(), NO_GIFT_CARDS_OR_DELIVERY))
    assert [(ln.sku, ln.amount) for ln in lines] == [("CF", Decimal(45_000))]
