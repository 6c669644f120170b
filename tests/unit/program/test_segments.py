"""Member conditions decide from the member's own facts: tier, channels, lapse, visits and spend."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

import pytest

from loyalty_core import program as prog
from loyalty_core.program.segments import HistoryRow

NOW = datetime(2026, 6, 1, 3, tzinfo=timezone.utc)


def facts(tier="member", channels=(), rows=(), purchases=None):
    history = tuple(HistoryRow(NOW - timedelta(days=days), Decimal(spend)) for days, spend in rows)
    return prog.MemberFacts(member_id=uuid4(), tier=tier, birthday_month=None, enrolled_at=NOW - timedelta(days=900),
                            purchase_count=len(rows) if purchases is None else purchases, channels_bought=channels,
                            history=history)


def test_online_only_needs_an_online_purchase_and_no_till():
    online_only = prog.MemberCondition(online_only=True)
    assert online_only.holds(facts(channels=("app", "web")), NOW)
    assert not online_only.holds(facts(channels=("pos", "web")), NOW)
    assert not online_only.holds(facts(), NOW)  # never bought: not an online shopper yet


def test_omnichannel_needs_both_a_till_and_an_online_channel():
    both = prog.MemberCondition(omnichannel=True)
    assert both.holds(facts(channels=("pos", "shopee")), NOW)
    assert not both.holds(facts(channels=("pos",)), NOW)


def test_lapsed_counts_days_since_the_last_purchase_and_never_a_newcomer():
    lapsed = prog.MemberCondition(lapsed_days=90)
    assert lapsed.holds(facts(rows=[(91, 100_000)]), NOW)
    assert not lapsed.holds(facts(rows=[(91, 100_000), (89, 50_000)]), NOW)
    assert not lapsed.holds(facts(), NOW)
    assert lapsed.holds(facts(purchases=3), NOW)  # bought long ago, beyond the kept history


def test_visits_and_spend_in_a_window_count_refunds_against_spend_only():
    vip = prog.MemberCondition(min_visits=2, min_spend=Decimal(1_000_000), window_days=30)
    assert vip.holds(facts(rows=[(5, 600_000), (10, 500_000)]), NOW)
    assert not vip.holds(facts(rows=[(5, 600_000), (10, 500_000), (2, -200_000)]), NOW)
    assert not vip.holds(facts(rows=[(5, 600_000), (40, 500_000)]), NOW)


def test_tiers_and_an_empty_condition():
    assert prog.MemberCondition(tiers=("gold",)).holds(facts(tier="gold"), NOW)
    assert not prog.MemberCondition(tiers=("gold",)).holds(facts(tier="silver"), NOW)
    assert prog.MemberCondition().holds(facts(), NOW)


@pytest.mark.parametrize("condition", [
    prog.MemberCondition(online_only=True, omnichannel=True), prog.MemberCondition(tiers=()),
    prog.MemberCondition(lapsed_days=0), prog.MemberCondition(window_days=801),
    prog.MemberCondition(min_spend=Decimal(0))])
def test_impossible_conditions_are_refused(condition):
    with pytest.raises(prog.ProgramError):
        condition.validate()


def test_a_condition_round_trips_through_a_rule_dict():
    rule = prog.FixedBonus(rule_id="x", priority=1, points=5,
                           member_condition=prog.MemberCondition(online_only=True, min_spend=Decimal(10)))
    assert prog.Rule.from_dict(rule.to_dict()) == rule
