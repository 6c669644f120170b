"""birthday_month: in the member's birthday month (Ho Chi Minh City calendar): a bonus, a multiplier,
or both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalty_core.program import BirthdayMonth, activity_count_key, evaluate_purchase
from loyalty_core.program.errors import MultiplierMustBePositive, RuleNeverFires

from .builders import RECORDED_AT, base_rule, facts, hcm, program, spend

BONUS = BirthdayMonth(rule_id="birthday", priority=40, bonus_points=50, add_tier_bonus=False)


def test_the_bonus_is_given_in_the_birthday_month() -> None:
    decision = evaluate_purchase(spend(100_000), program(base_rule(), BONUS), facts(birthday_month=3), {})
    assert decision.points == 60
    assert decision.lines[1].description_vi == "Quà tháng sinh nhật: +50 điểm"
    assert decision.lines[1].description_en == "Birthday month: +50 points"


def test_no_bonus_outside_the_birthday_month() -> None:
    decision = evaluate_purchase(spend(100_000), program(base_rule(), BONUS), facts(birthday_month=4), {})
    assert decision.points == 10


def test_the_month_is_read_in_hcm_time_on_the_first_morning_of_the_month() -> None:
    april_1_at_5am = hcm(2025, 4, 1, 5, 0)  # 31 March 22:00 UTC
    decision = evaluate_purchase(
        spend(100_000, at=april_1_at_5am), program(BONUS), facts(birthday_month=4), {}
    )
    assert decision.points == 50


def test_the_tier_birthday_bonus_is_added_for_higher_tiers() -> None:
    rule = BirthdayMonth(rule_id="birthday", priority=40, bonus_points=50)
    decision = evaluate_purchase(spend(100_000), program(rule), facts(birthday_month=3, tier="gold"), {})
    assert decision.points == 150


def test_a_bonus_limited_to_once_a_year_records_its_counter_and_is_not_given_twice() -> None:
    once = BirthdayMonth(
        rule_id="birthday", priority=40, bonus_points=50, add_tier_bonus=False, limit_per_year=1
    )
    state = program(once)
    first = evaluate_purchase(spend(100_000), state, facts(birthday_month=3), {})
    key = activity_count_key("birthday_bonus", hcm(2025, 3, 5), "year")
    assert (first.points, first.activity_key) == (50, key)
    second = evaluate_purchase(spend(100_000), state, facts(birthday_month=3, activity_counts={key: 1}), {})
    assert (second.points, second.activity_key) == (0, None)


def test_the_multiplier_form_doubles_base_points_all_month() -> None:
    x2 = BirthdayMonth(rule_id="birthday-x2", priority=40, factor=Decimal(2), add_tier_bonus=False)
    decision = evaluate_purchase(spend(100_000), program(base_rule(), x2), facts(birthday_month=3), {})
    assert decision.points == 20
    assert "nhân 2 điểm" in decision.lines[1].description_vi


def test_a_zero_factor_is_refused() -> None:
    with pytest.raises(MultiplierMustBePositive):
        BirthdayMonth(rule_id="b", priority=40, factor=Decimal(0)).validate(RECORDED_AT)


def test_a_birthday_rule_that_gives_nothing_is_refused() -> None:
    with pytest.raises(RuleNeverFires):
        BirthdayMonth(rule_id="b", priority=40, add_tier_bonus=False).validate(RECORDED_AT)
