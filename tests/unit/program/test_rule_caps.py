"""caps: per transaction, per member per local day, and campaign budgets; each cut says so in its own line."""

from __future__ import annotations

from datetime import UTC
from decimal import Decimal

import pytest

from loyalty_core.program import Cap, FixedBonus, Multiplier, evaluate_purchase
from loyalty_core.program.errors import InvalidProgram

from .builders import base_rule, campaign, facts, hcm, program, spend

TX_CAP = Cap(rule_id="cap-tx", priority=900, max_points=50, per="transaction")
DAY_CAP = Cap(rule_id="cap-day", priority=901, max_points=100, per="member_day")
TET_X3 = Multiplier(rule_id="tet-x3", priority=30, factor=Decimal(3), campaign_id="tet")
IN_TET = hcm(2025, 1, 30)


def test_a_transaction_cap_adds_a_negative_line_that_says_the_cap_applied() -> None:
    decision = evaluate_purchase(spend(800_000), program(base_rule(), TX_CAP), facts(), {})
    assert decision.points == 50
    cap_line = decision.lines[-1]
    assert (cap_line.rule_id, cap_line.points) == ("cap-tx", -30)
    assert cap_line.description_vi == "Đã áp dụng giới hạn 50 điểm mỗi giao dịch"
    assert cap_line.description_en == "Cap applied: at most 50 points per transaction"


def test_a_purchase_under_the_cap_has_no_cap_line() -> None:
    decision = evaluate_purchase(spend(300_000), program(base_rule(), TX_CAP), facts(), {})
    assert [line.rule_id for line in decision.lines] == ["base"]


def test_a_daily_cap_counts_what_the_member_already_earned_that_local_day() -> None:
    late = hcm(2025, 3, 5, 23, 30)
    earned_today = facts(points_earned_on_local_day={"2025-03-05": 80})
    decision = evaluate_purchase(spend(500_000, at=late), program(base_rule(), DAY_CAP), earned_today, {})
    assert decision.points == 20
    assert "mỗi ngày" in decision.lines[-1].description_vi


def test_the_daily_cap_starts_afresh_after_midnight_hcm_time() -> None:
    earned_yesterday = facts(points_earned_on_local_day={"2025-03-05": 100})
    after_midnight = hcm(2025, 3, 6, 0, 15)  # 5 March 17:15 UTC
    decision = evaluate_purchase(
        spend(500_000, at=after_midnight), program(base_rule(), DAY_CAP), earned_yesterday, {}
    )
    assert decision.points == 50


def test_a_campaign_budget_is_never_exceeded_and_records_what_it_paid() -> None:
    state = program(base_rule(), TET_X3, campaigns=(campaign(budget_points=10_000),))
    decision = evaluate_purchase(spend(500_000, at=IN_TET), state, facts(), {"tet": 40})
    assert decision.points == 50 + 40
    assert decision.budget_used == {"tet": 40}
    assert decision.lines[-1].rule_id == "budget:tet"
    assert decision.lines[-1].points == -60
    assert "ngân sách chiến dịch Tết 2025" in decision.lines[-1].description_vi


def test_a_campaign_missing_from_budget_remaining_starts_with_its_whole_budget() -> None:
    state = program(base_rule(), TET_X3, campaigns=(campaign(budget_points=70),))
    assert evaluate_purchase(spend(500_000, at=IN_TET), state, facts(), {}).budget_used == {"tet": 70}


def test_a_cap_cuts_the_lowest_priority_award_first_so_budget_used_is_what_was_really_paid() -> None:
    state = program(base_rule(), TET_X3, TX_CAP, campaigns=(campaign(budget_points=10_000),))
    decision = evaluate_purchase(spend(400_000, at=IN_TET), state, facts(), {})
    assert decision.points == 50
    assert decision.budget_used == {"tet": 10}  # 40 base + 80 campaign, cut 70 from the campaign's line


def test_a_campaign_scoped_cap_limits_only_that_campaigns_points() -> None:
    tet_cap = Cap(rule_id="tet-cap", priority=900, max_points=20, campaign_id="tet")
    state = program(base_rule(), TET_X3, tet_cap, campaigns=(campaign(),))
    decision = evaluate_purchase(spend(400_000, at=IN_TET), state, facts(), {})
    assert decision.points == 40 + 20
    assert "chiến dịch Tết 2025" in decision.lines[-1].description_vi


def test_a_purchase_at_23_30_hcm_on_the_last_day_of_a_campaign_is_inside_it() -> None:
    state = program(base_rule(), TET_X3, campaigns=(campaign(),))  # ends 3 Feb 00:00 local
    last_evening = hcm(2025, 2, 2, 23, 30)
    assert last_evening.astimezone(UTC).isoformat() == "2025-02-02T16:30:00+00:00"
    assert evaluate_purchase(spend(100_000, at=last_evening), state, facts(), {}).points == 30
    assert evaluate_purchase(spend(100_000, at=hcm(2025, 2, 3, 0, 0)), state, facts(), {}).points == 10


def test_an_exclusive_campaign_shuts_out_other_campaigns_rules_but_not_base_rules() -> None:
    app_bonus = FixedBonus(rule_id="app-week", priority=40, points=25, campaign_id="app-week")
    state = program(
        base_rule(),
        TET_X3,
        app_bonus,
        campaigns=(campaign(exclusive=True), campaign("app-week", name_en="App week")),
    )
    decision = evaluate_purchase(spend(100_000, at=IN_TET), state, facts(), {})
    assert [line.rule_id for line in decision.lines] == ["base", "tet-x3"]


def test_a_daily_cap_limited_to_one_campaign_is_refused() -> None:
    with pytest.raises(InvalidProgram):
        program(
            Cap(rule_id="c", priority=900, max_points=5, per="member_day", campaign_id="tet"),
            campaigns=(campaign(),),
        )
