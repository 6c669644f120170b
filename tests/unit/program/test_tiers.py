"""Tiers: upgrade at once, downgrade only at review (after grace); figures over the window, never the
balance."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalty_core.program import (
    Tier,
    TierDecision,
    TierLadder,
    decide_tier,
    downgrade_notice_at,
    qualifying_tier,
    window_figures,
)
from loyalty_core.program.errors import InvalidProgram, MultiplierMustBePositive, TierLadderNotIncreasing
from loyalty_core.program.tiers import manual_tier_decision, next_review_at

from .builders import LADDER, hcm

REVIEW_JAN_1 = LADDER  # yearly on 1 January, one_step, no grace


def figures(spend: int) -> dict:
    return {"spend": Decimal(spend), "points_earned": spend // 10_000, "visits": 1}


@pytest.mark.parametrize(
    ("spend", "tier"),
    [(0, "member"), (1_999_999, "member"), (2_000_000, "silver"), (5_000_000, "gold"), (90_000_000, "gold")],
)
def test_the_qualifying_tier_is_the_highest_threshold_reached(spend: int, tier: str) -> None:
    assert qualifying_tier(LADDER, figures(spend)) == tier


def test_an_upgrade_happens_at_once_whatever_the_review_date() -> None:
    decision = decide_tier(LADDER, "member", figures(5_200_000), hcm(2025, 6, 15), hcm(2025, 1, 1, 0, 0))
    assert decision == TierDecision("member", "gold", "qualified", figures(5_200_000))


def test_a_downgrade_waits_for_the_review_date() -> None:
    assert decide_tier(LADDER, "gold", figures(0), hcm(2025, 12, 31, 23, 59), hcm(2025, 1, 1, 0, 0)) is None
    decision = decide_tier(LADDER, "gold", figures(0), hcm(2026, 1, 1, 0, 0), hcm(2025, 1, 1, 0, 0))
    assert decision is not None and (decision.to_tier, decision.reason) == ("silver", "downgraded_at_review")


def test_a_recompute_ladder_drops_straight_to_the_qualifying_tier() -> None:
    ladder = TierLadder(tiers=LADDER.tiers, downgrade="recompute")
    decision = decide_tier(ladder, "gold", figures(0), hcm(2026, 1, 1, 0, 0), hcm(2025, 1, 1, 0, 0))
    assert decision is not None and decision.to_tier == "member"


def test_grace_days_delay_the_downgrade_and_the_notice_says_when() -> None:
    ladder = TierLadder(tiers=LADDER.tiers, grace_days=30)
    last_review = hcm(2025, 1, 1, 0, 0)
    notice = downgrade_notice_at(ladder, "gold", figures(0), last_review)
    assert notice == hcm(2026, 1, 31, 0, 0)
    assert decide_tier(ladder, "gold", figures(0), notice - timedelta(seconds=1), last_review) is None
    assert decide_tier(ladder, "gold", figures(0), notice, last_review) is not None
    assert downgrade_notice_at(ladder, "gold", figures(6_000_000), last_review) is None


def test_a_review_every_n_months_counts_from_the_last_change() -> None:
    ladder = TierLadder(tiers=LADDER.tiers, review="every_n_months", review_every_months=6)
    assert next_review_at(ladder, hcm(2025, 8, 31, 10, 0)) == hcm(2026, 2, 28, 10, 0)


def test_window_figures_sum_spend_points_earned_and_visits_over_the_last_12_months() -> None:
    at = hcm(2025, 6, 30)
    history = [
        (hcm(2024, 6, 29), Decimal(9_000_000), 900),  # outside the window
        (hcm(2024, 7, 1), Decimal(1_000_000), 100),
        (hcm(2025, 6, 1), Decimal(500_000), 50),
    ]
    assert window_figures(history, LADDER, at) == {
        "spend": Decimal(1_500_000),
        "points_earned": 150,
        "visits": 2,
    }


def test_a_refund_lowers_the_figures() -> None:
    history = [(hcm(2025, 3, 1), Decimal(2_500_000), 250), (hcm(2025, 3, 2), Decimal(-1_000_000), -100)]
    result = window_figures(history, LADDER, hcm(2025, 3, 3))
    assert (result["spend"], result["points_earned"]) == (Decimal(1_500_000), 150)
    assert qualifying_tier(LADDER, result) == "member"


def test_a_calendar_year_window_starts_on_1_january_local_time() -> None:
    ladder = TierLadder(tiers=LADDER.tiers, window="calendar_year")
    new_years_eve_utc_but_new_year_in_hcm = datetime(2024, 12, 31, 17, 30, tzinfo=UTC)
    history = [(new_years_eve_utc_but_new_year_in_hcm, Decimal(100), 1)]
    assert window_figures(history, ladder, hcm(2025, 2, 1))["spend"] == Decimal(100)


def test_the_points_basis_uses_points_earned_not_the_balance() -> None:
    ladder = TierLadder(
        tiers=(Tier("member", "TV", "M", 0), Tier("silver", "Bạc", "Silver", 300)), basis="points_earned"
    )
    assert qualifying_tier(ladder, {"spend": Decimal(0), "points_earned": 300, "visits": 0}) == "silver"


def test_a_manual_change_is_recorded_as_manual() -> None:
    decision = manual_tier_decision(LADDER, "member", "gold", figures(0))
    assert decision.reason == "manual"
    with pytest.raises(InvalidProgram):
        manual_tier_decision(LADDER, "member", "platinum", figures(0))


def test_thresholds_must_increase_strictly() -> None:
    flat = TierLadder(tiers=(Tier("a", "A", "A", 0), Tier("b", "B", "B", 0)))
    with pytest.raises(TierLadderNotIncreasing):
        flat.validate()


def test_a_tier_earn_multiplier_must_be_positive() -> None:
    with pytest.raises(MultiplierMustBePositive):
        TierLadder(tiers=(Tier("a", "A", "A", 0, Decimal(0)),)).validate()


def test_a_ladder_round_trips_through_plain_data() -> None:
    assert TierLadder.from_dict(LADDER.to_dict()) == LADDER
    assert REVIEW_JAN_1.review == "yearly"


def test_an_every_n_months_review_downgrades_on_its_own_date_after_grace():
    from datetime import datetime, timedelta, timezone
    from decimal import Decimal

    from loyalty_core.program.tiers import Tier, TierLadder, decide_downgrade_at_review

    ladder = TierLadder(tiers=(Tier("member", "TV", "Member", Decimal(0)), Tier("silver", "Bạc", "Silver",
                                                                                Decimal(100)),
                               Tier("gold", "Vàng", "Gold", Decimal(200))),
                        review="every_n_months", review_every_months=6, grace_days=10, downgrade="one_step")
    review = datetime(2026, 9, 1, tzinfo=timezone.utc)
    low = {"spend": Decimal(0), "points_earned": 0, "visits": 0}
    assert decide_downgrade_at_review(ladder, "gold", low, review, review + timedelta(days=9)) is None
    decision = decide_downgrade_at_review(ladder, "gold", low, review, review + timedelta(days=10))
    assert (decision.to_tier, decision.reason) == ("silver", "downgraded_at_review")
    held = {"spend": Decimal(250), "points_earned": 0, "visits": 1}
    assert decide_downgrade_at_review(ladder, "gold", held, review, review + timedelta(days=30)) is None
