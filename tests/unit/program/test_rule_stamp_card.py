"""stamp_card: one stamp per qualifying item; every Nth earns a voucher and/or bonus points."""

from __future__ import annotations

import pytest

from loyalty_core.program import Exclusions, StampCard, StampReward, evaluate_purchase
from loyalty_core.program.errors import InvalidProgram, RuleNeverFires

from .builders import RECORDED_AT, facts, line, program, purchase

TENTH_CUP = StampCard(
    rule_id="coffee-card",
    priority=50,
    card_id="coffee",
    categories=("coffee",),
    stamps_required=10,
    reward_id="free-drink",
)


def test_each_coffee_paid_for_adds_a_stamp() -> None:
    basket = purchase(line("CF", 90_000, "coffee", quantity=2), line("CAKE", 40_000, "food"))
    decision = evaluate_purchase(basket, program(TENTH_CUP), facts(stamps={"coffee": 3}), {})
    assert decision.stamps_added == {"coffee": 2}
    assert decision.stamp_rewards == ()
    assert decision.lines[0].description_vi == "Thẻ tem coffee: +2 tem (5/10)"


def test_the_tenth_cup_earns_the_free_drink_voucher() -> None:
    decision = evaluate_purchase(
        purchase(line("CF", 45_000, "coffee")), program(TENTH_CUP), facts(stamps={"coffee": 9}), {}
    )
    assert decision.stamp_rewards == (StampReward("coffee", "free-drink", 0, 10),)
    assert "Miễn phí 1 ly" in decision.lines[0].description_vi
    assert "One free drink" in decision.lines[0].description_en


def test_a_big_order_can_complete_the_card_twice_and_carries_the_rest() -> None:
    decision = evaluate_purchase(
        purchase(line("CF", 540_000, "coffee", quantity=12)),
        program(TENTH_CUP),
        facts(stamps={"coffee": 9}),
        {},
    )
    assert len(decision.stamp_rewards) == 2
    progress = 9 + decision.stamps_added["coffee"] - sum(r.stamps_used for r in decision.stamp_rewards)
    assert progress == 1


def test_a_drink_paid_with_the_voucher_earns_no_stamp() -> None:
    decision = evaluate_purchase(purchase(line("CF", 0, "coffee")), program(TENTH_CUP), facts(), {})
    assert (decision.stamps_added, decision.lines) == ({}, ())


def test_excluded_items_earn_no_stamps() -> None:
    no_gift_coffee = Exclusions(rule_id="excl", priority=0, skus=("CF-GIFT",))
    decision = evaluate_purchase(
        purchase(line("CF-GIFT", 45_000, "coffee")), program(no_gift_coffee, TENTH_CUP), facts(), {}
    )
    assert decision.stamps_added == {}


def test_a_card_can_give_bonus_points_instead_of_a_voucher() -> None:
    card = StampCard(
        rule_id="tea-card", priority=50, card_id="tea", skus=("TRA",), stamps_required=5, bonus_points=40
    )
    decision = evaluate_purchase(
        purchase(line("TRA", 35_000, "tea")), program(card), facts(stamps={"tea": 4}), {}
    )
    assert decision.points == 40
    assert decision.stamp_rewards == (StampReward("tea", None, 40, 5),)


def test_a_reward_that_is_not_in_the_catalogue_is_refused() -> None:
    with pytest.raises(InvalidProgram):
        program(TENTH_CUP, rewards=())


def test_a_card_without_any_reward_is_refused_as_never_firing() -> None:
    card = StampCard(rule_id="c", priority=50, card_id="c", categories=("coffee",), stamps_required=10)
    with pytest.raises(RuleNeverFires):
        card.validate(RECORDED_AT)
