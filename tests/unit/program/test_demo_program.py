"""The demo program, Cà Phê Sài Gòn, from a shopper's point of view."""

from __future__ import annotations

from decimal import Decimal

from loyalty_core.program import evaluate_purchase, project_program
from loyalty_core.program.demo import demo_program, demo_program_events
from loyalty_core.program.events import event_from_dict

from .builders import facts, hcm, line, purchase


def test_the_demo_program_is_built_from_validated_events_that_replay() -> None:
    events = demo_program_events()
    assert project_program(None, events) == demo_program()
    assert [event_from_dict(type(e).__name__, e.to_dict()) for e in events] == events


def test_the_demo_catalogue_tiers_and_policies() -> None:
    state = demo_program()
    assert (state.name, state.currency, state.pending_days) == ("Cà Phê Sài Gòn", "VND", 0)
    assert [t.name_vi for t in state.tiers.tiers] == ["Thành viên", "Bạc", "Vàng", "Kim Cương"]
    assert (state.tiers.basis, state.tiers.window, state.tiers.window_months) == (
        "spend",
        "rolling_months",
        12,
    )
    assert state.reward("discount-15").points_cost == 200  # type: ignore[union-attr]
    assert state.reward("free-drink").name_vi == "Miễn phí 1 ly"  # type: ignore[union-attr]
    assert (state.expiry.kind, state.expiry.period, state.expiry.periods_after) == (
        "end_of_period",
        "year",
        1,
    )


def test_a_weekday_coffee_earns_one_point_per_10000_vnd_and_a_stamp() -> None:
    wednesday = hcm(2025, 3, 5, 8, 0)
    decision = evaluate_purchase(
        purchase(line("CF-SUA-DA", 35_000, "coffee"), at=wednesday), demo_program(), facts(), {}
    )
    assert decision.points == 3
    assert decision.stamps_added == {"coffee": 1}


def test_a_saturday_order_by_a_gold_member_in_her_birthday_month_with_her_tenth_coffee() -> None:
    saturday = hcm(2025, 3, 8, 9, 30)
    basket = purchase(
        line("CF-SUA-DA", 90_000, "coffee", quantity=2),
        line("GC-100", 100_000, "gift_card"),
        line("DELIVERY", 15_000),
        at=saturday,
    )
    member = facts(tier="gold", birthday_month=3, stamps={"coffee": 9})
    decision = evaluate_purchase(basket, demo_program(), member, {})
    assert decision.qualifying_spend == Decimal(90_000)
    assert [(ln.rule_id, ln.points) for ln in decision.lines] == [
        ("no-points-gift-cards-delivery", 0),
        ("base-1-per-10k", 9),
        ("tier-multiplier", 4),
        ("weekend-x2", 9),
        ("birthday-month", 150),
        ("coffee-10th-cup-free", 0),
    ]
    assert decision.points == 172
    assert decision.stamp_rewards[0].reward_id == "free-drink"
    for rule_line in decision.lines:
        assert rule_line.description_vi and rule_line.description_en
