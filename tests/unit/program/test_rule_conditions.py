"""Conditions every rule kind shares: channels, stores, local days and hours, priority, ties and `stop`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty_core.program import FixedBonus, Multiplier, evaluate_purchase
from loyalty_core.program.errors import InvalidProgram, RuleNeverFires, WindowEndsBeforeStart

from .builders import RECORDED_AT, base_rule, facts, hcm, line, program, purchase, spend


def test_a_channel_rule_fires_only_on_its_channels() -> None:
    zalo = FixedBonus(rule_id="zalo", priority=20, points=10, channels=("zalo",))
    state = program(zalo)
    assert evaluate_purchase(spend(50_000, channel="zalo"), state, facts(), {}).points == 10
    assert evaluate_purchase(spend(50_000, channel="pos"), state, facts(), {}).points == 0


def test_a_store_rule_fires_only_in_its_stores_and_not_online() -> None:
    opening = FixedBonus(rule_id="opening", priority=20, points=10, stores=("THU-DUC",))
    state = program(opening)
    assert evaluate_purchase(spend(50_000, store_id="THU-DUC"), state, facts(), {}).points == 10
    assert evaluate_purchase(spend(50_000, store_id=None), state, facts(), {}).points == 0


@pytest.mark.parametrize(
    ("hour", "minute", "fires"), [(13, 59, False), (14, 0, True), (16, 59, True), (17, 0, False)]
)
def test_happy_hour_is_read_on_the_local_clock_with_an_exclusive_end(
    hour: int, minute: int, fires: bool
) -> None:
    happy = Multiplier(rule_id="happy-hour", priority=30, factor=Decimal(2), hours=("14:00-17:00",))
    decision = evaluate_purchase(
        spend(100_000, at=hcm(2025, 3, 5, hour, minute)), program(base_rule(), happy), facts(), {}
    )
    assert decision.points == (20 if fires else 10)


def test_an_hours_range_may_wrap_midnight() -> None:
    night = FixedBonus(rule_id="night-owl", priority=20, points=5, hours=("22:00-02:00",))
    state = program(night)
    assert evaluate_purchase(spend(50_000, at=hcm(2025, 3, 5, 1, 30)), state, facts(), {}).points == 5
    assert evaluate_purchase(spend(50_000, at=hcm(2025, 3, 5, 2, 0)), state, facts(), {}).points == 0


def test_lines_come_in_priority_order_and_equal_priorities_are_ordered_by_rule_id() -> None:
    rules = [
        FixedBonus(rule_id=rid, priority=prio, points=1)
        for rid, prio in [("zeta", 5), ("alpha", 5), ("first", 1)]
    ]
    decision = evaluate_purchase(spend(50_000), program(*rules), facts(), {})
    assert [line.rule_id for line in decision.lines] == ["first", "alpha", "zeta"]


def test_a_stop_rule_that_fires_skips_every_lower_priority_rule() -> None:
    flash_sale = FixedBonus(rule_id="flash-sale", priority=5, points=100, stop=True, skus=("FLASH",))
    state = program(flash_sale, base_rule())
    flash = evaluate_purchase(purchase(line("FLASH", 100_000, "food")), state, facts(), {})
    assert [ln.rule_id for ln in flash.lines] == ["flash-sale"]
    regular = evaluate_purchase(spend(100_000), state, facts(), {})
    assert [ln.rule_id for ln in regular.lines] == ["base"]


@pytest.mark.parametrize(
    "changes",
    [{"channels": ()}, {"stores": ()}, {"days_of_week": ()}, {"hours": ()}, {"hours": ("10:00-10:00",)}],
)
def test_an_empty_condition_is_refused_as_never_firing(changes: dict) -> None:
    with pytest.raises(RuleNeverFires):
        FixedBonus(rule_id="r", priority=20, points=1, **changes).validate(RECORDED_AT)


def test_a_date_window_that_contains_none_of_its_days_is_refused_as_never_firing() -> None:
    monday = hcm(2025, 3, 10, 0, 0)
    rule = FixedBonus(
        rule_id="r",
        priority=20,
        points=1,
        starts_at=monday,
        ends_at=monday + timedelta(days=2),
        days_of_week=(6, 7),
    )
    with pytest.raises(RuleNeverFires):
        rule.validate(RECORDED_AT)


def test_a_window_that_already_ended_is_refused_as_never_firing() -> None:
    rule = FixedBonus(rule_id="r", priority=20, points=1, ends_at=RECORDED_AT)
    with pytest.raises(RuleNeverFires):
        rule.validate(RECORDED_AT)


def test_a_window_that_ends_before_it_starts_is_refused() -> None:
    rule = FixedBonus(rule_id="r", priority=20, points=1, starts_at=hcm(2025, 5, 2), ends_at=hcm(2025, 5, 1))
    with pytest.raises(WindowEndsBeforeStart) as refused:
        rule.validate(RECORDED_AT)
    assert refused.value.code == "window_ends_before_start"


@pytest.mark.parametrize(
    "changes", [{"days_of_week": (0,)}, {"hours": ("9h-17h",)}, {"hours": ("10:00-25:00",)}, {"rule_id": ""}]
)
def test_malformed_conditions_are_refused(changes: dict) -> None:
    with pytest.raises(InvalidProgram):
        FixedBonus(**{"rule_id": "r", "priority": 20, "points": 1, **changes}).validate(RECORDED_AT)
