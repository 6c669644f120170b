"""The program aggregate: commands decided into events, events folded into state, and `program_at`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty_core.program import (
    AddCampaign,
    AddReward,
    AddRule,
    EndCampaign,
    FixedBonus,
    ProgramSettings,
    RemoveRule,
    ReplaceRule,
    RestockReward,
    Reward,
    TakeRewardStock,
    evaluate_purchase,
    program_at,
    project_program,
)
from loyalty_core.program.commands import ChangeProgramSettings, SetExpiryPolicy, SetRefundPolicy
from loyalty_core.program.decide import decide, decide_all
from loyalty_core.program.errors import InvalidProgram
from loyalty_core.program.events import ProgramCreated, RuleAdded, RuleReplaced
from loyalty_core.program.expiry import ExpiryPolicy
from loyalty_core.program.refunds import RefundPolicy

from .builders import PROGRAM_ID, RECORDED_AT, base_rule, campaign, create_command, facts, hcm, spend


def created():
    return decide_all(None, [create_command()], RECORDED_AT, "marketing:lan")


def test_creating_a_program_records_who_and_when_at_version_one() -> None:
    state, [event] = created()
    assert isinstance(event, ProgramCreated)
    assert (event.originator_id, event.originator_version, event.timestamp, event.actor) == (
        PROGRAM_ID,
        1,
        RECORDED_AT,
        "marketing:lan",
    )
    assert state is not None and (state.version, state.currency, state.rules) == (1, "VND", ())


def test_each_change_is_one_event_and_bumps_the_version() -> None:
    state, events = created()
    state, more = decide_all(
        state, [AddRule(base_rule()), ReplaceRule(base_rule(points=2)), RemoveRule("base")], RECORDED_AT, "m"
    )
    assert [type(e).__name__ for e in more] == ["RuleAdded", "RuleReplaced", "RuleRemoved"]
    assert state is not None and state.version == 4 and state.rules == ()
    assert project_program(None, [*events, *more]) == state


def test_replacing_a_rule_keeps_its_place_and_id() -> None:
    state, _ = decide_all(
        None,
        [
            create_command(),
            AddRule(base_rule()),
            AddRule(FixedBonus(rule_id="bonus", priority=20, points=5)),
            ReplaceRule(base_rule(points=3)),
        ],
        RECORDED_AT,
        "m",
    )
    assert state is not None
    assert [(r.rule_id, r.points) for r in state.rules] == [("base", 3), ("bonus", 5)]


def test_a_late_purchase_is_computed_with_the_rules_in_force_when_it_happened() -> None:
    monday = hcm(2025, 3, 3, 9, 0)
    _, events = decide_all(None, [create_command(), AddRule(base_rule())], monday, "m")
    state = project_program(None, events)
    changed = decide(state, ReplaceRule(base_rule(points=2)), monday + timedelta(days=1), "m")
    history = [*events, *changed]
    assert isinstance(changed[0], RuleReplaced)
    offline_sale = spend(100_000, at=monday + timedelta(hours=10))  # synced only after the change
    then = program_at(history, offline_sale.occurred_at)
    decision = evaluate_purchase(offline_sale, then, facts(), {})
    assert (decision.points, decision.program_version) == (10, 2)
    now = program_at(history, monday + timedelta(days=2))
    assert evaluate_purchase(spend(100_000, at=monday + timedelta(days=2)), now, facts(), {}).points == 20


def test_program_at_before_creation_says_the_program_did_not_exist() -> None:
    _, events = created()
    with pytest.raises(InvalidProgram):
        program_at(events, RECORDED_AT - timedelta(seconds=1))


def test_ending_a_campaign_early_stops_its_rules_from_then_on() -> None:
    tet_bonus = FixedBonus(rule_id="tet-bonus", priority=20, points=8, campaign_id="tet")
    state, _ = decide_all(
        None, [create_command(), AddCampaign(campaign()), AddRule(tet_bonus)], RECORDED_AT, "m"
    )
    stop_at = hcm(2025, 1, 29)
    state, _ = decide_all(state, [EndCampaign("tet", stop_at)], RECORDED_AT, "m")
    assert state is not None
    assert evaluate_purchase(spend(50_000, at=stop_at - timedelta(minutes=1)), state, facts(), {}).points == 8
    assert evaluate_purchase(spend(50_000, at=stop_at), state, facts(), {}).points == 0


def test_reward_stock_is_taken_and_restocked_as_recorded_outcomes() -> None:
    voucher = Reward("discount-15", "Giảm 15%", "15% off", "discount_percent", Decimal(15), 200, stock=2)
    state, _ = decide_all(
        None,
        [
            create_command(),
            AddReward(voucher),
            TakeRewardStock("discount-15"),
            RestockReward("discount-15", 5),
        ],
        RECORDED_AT,
        "m",
    )
    assert state is not None and state.reward("discount-15").stock == 6  # type: ignore[union-attr]


def test_taking_an_unlimited_reward_records_nothing() -> None:
    state, _ = decide_all(
        None,
        [create_command(), AddReward(Reward("free-drink", "Miễn phí 1 ly", "Free drink", "free_item"))],
        RECORDED_AT,
        "m",
    )
    assert decide(state, TakeRewardStock("free-drink"), RECORDED_AT, "m") == []


def test_settings_and_policies_can_change_and_are_replayed() -> None:
    state, events = created()
    settings = ProgramSettings("TEST", "Chương trình mới", "VND", Decimal(200), "half_up", 7, Decimal("0.3"))
    state, more = decide_all(
        state,
        [
            ChangeProgramSettings(settings),
            SetExpiryPolicy(ExpiryPolicy(kind="per_lot", months=12)),
            SetRefundPolicy(RefundPolicy(basis="per_line")),
        ],
        RECORDED_AT,
        "m",
    )
    assert state is not None and (state.name, state.pending_days, state.expiry.months) == (
        "Chương trình mới",
        7,
        12,
    )
    assert project_program(None, [*events, *more]) == state


def test_an_event_recorded_under_looser_checks_still_replays() -> None:
    state, events = created()
    assert state is not None
    never = FixedBonus(rule_id="legacy", priority=1, points=1, channels=())  # today this is refused
    legacy = RuleAdded(
        originator_id=PROGRAM_ID,
        originator_version=2,
        timestamp=RECORDED_AT,
        actor="2019",
        rule=never.to_dict(),
    )
    replayed = project_program(None, [*events, legacy])
    assert replayed is not None and replayed.rules == (never,)
