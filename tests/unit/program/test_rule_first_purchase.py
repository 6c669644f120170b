"""first_purchase: a bonus on the member's very first purchase."""

from __future__ import annotations

import pytest

from loyalty_core.program import FirstPurchase, evaluate_purchase
from loyalty_core.program.errors import InvalidProgram

from .builders import RECORDED_AT, base_rule, facts, program, spend

WELCOME = FirstPurchase(rule_id="welcome", priority=20, points=30)


def test_the_first_purchase_earns_the_bonus() -> None:
    decision = evaluate_purchase(spend(50_000), program(base_rule(), WELCOME), facts(purchase_count=0), {})
    assert decision.points == 35
    assert decision.lines[1].description_en == "First purchase bonus: +30 points"
    assert decision.lines[1].description_vi == "Thưởng lần mua hàng đầu tiên: +30 điểm"


def test_a_later_purchase_does_not() -> None:
    decision = evaluate_purchase(spend(50_000), program(base_rule(), WELCOME), facts(purchase_count=1), {})
    assert decision.points == 5


def test_the_bonus_needs_positive_points() -> None:
    with pytest.raises(InvalidProgram):
        FirstPurchase(rule_id="w", priority=20, points=0).validate(RECORDED_AT)
