"""activity: points for non-purchase actions, limited per member per local day, month or lifetime."""

from __future__ import annotations

import pytest

from loyalty_core.program import ActivityRule, activity_count_key, evaluate_activity
from loyalty_core.program.errors import InvalidProgram

from .builders import RECORDED_AT, activity, facts, hcm, program

SIGN_UP = ActivityRule(rule_id="sign-up", priority=10, activity="sign_up", points=100, limit=1)
CHECK_IN = ActivityRule(rule_id="check-in", priority=10, activity="check_in", points=5, limit=1, period="day")
SURVEY = ActivityRule(rule_id="survey", priority=10, activity="survey", points=20, limit=2, period="month")


def test_sign_up_earns_its_points_once_in_a_lifetime() -> None:
    state = program(SIGN_UP)
    decision = evaluate_activity(activity("sign_up"), state, facts(), {})
    assert (decision.points, decision.activity_key) == (100, "sign_up:lifetime")
    assert decision.lines[0].description_vi == "Đăng ký thành viên: +100 điểm"
    again = evaluate_activity(activity("sign_up"), state, facts(activity_counts={"sign_up:lifetime": 1}), {})
    assert (again.points, again.lines, again.activity_key) == (0, (), None)


def test_a_daily_check_in_limit_resets_at_midnight_hcm_time() -> None:
    state = program(CHECK_IN)
    late_evening = hcm(2025, 3, 5, 23, 30)
    key = activity_count_key("check_in", late_evening, "day")
    assert key == "check_in:day:2025-03-05"
    counted = facts(activity_counts={key: 1})
    assert evaluate_activity(activity("check_in", at=late_evening), state, counted, {}).points == 0
    just_after_midnight = hcm(2025, 3, 6, 0, 10)  # still 5 March in UTC
    assert evaluate_activity(activity("check_in", at=just_after_midnight), state, counted, {}).points == 5


def test_a_monthly_survey_limit_allows_the_stated_number() -> None:
    state = program(SURVEY)
    key = activity_count_key("survey", hcm(2025, 3, 5), "month")
    assert evaluate_activity(activity("survey"), state, facts(activity_counts={key: 1}), {}).points == 20
    assert evaluate_activity(activity("survey"), state, facts(activity_counts={key: 2}), {}).points == 0


def test_an_action_without_a_rule_earns_nothing() -> None:
    decision = evaluate_activity(activity("review"), program(SIGN_UP), facts(), {})
    assert (decision.points, decision.lines, decision.qualifying_spend) == (0, (), 0)


def test_a_review_rule_only_on_the_app_channel() -> None:
    review = ActivityRule(rule_id="review", priority=10, activity="review", points=10, channels=("app",))
    state = program(review)
    assert evaluate_activity(activity("review", channel="app"), state, facts(), {}).points == 10
    assert evaluate_activity(activity("review", channel="zalo"), state, facts(), {}).points == 0


@pytest.mark.parametrize("changes", [{"activity": "dancing"}, {"period": "week"}, {"points": 0}])
def test_unknown_actions_periods_and_zero_points_are_refused(changes: dict) -> None:
    rule = ActivityRule(**{"rule_id": "a", "priority": 10, "activity": "survey", "points": 5, **changes})
    with pytest.raises(InvalidProgram):
        rule.validate(RECORDED_AT)
