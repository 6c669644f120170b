"""Expiry: per lot, end of period (23:59:59.999999 local, stored as UTC), inactivity, never."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from loyalty_core.program import ExpiryPolicy, inactivity_expires_at, lot_expires_at
from loyalty_core.program.errors import InvalidProgram

from .builders import hcm


def test_end_of_the_following_year_is_the_last_microsecond_of_31_december_hcm_time() -> None:
    policy = ExpiryPolicy(kind="end_of_period", period="year", periods_after=1)
    expires = lot_expires_at(policy, hcm(2025, 3, 5))
    assert expires == datetime(2026, 12, 31, 16, 59, 59, 999999, tzinfo=UTC)


def test_points_earned_on_new_years_morning_in_hcm_belong_to_the_new_year() -> None:
    policy = ExpiryPolicy(kind="end_of_period", period="year", periods_after=1)
    still_2024_in_utc = hcm(2025, 1, 1, 5, 0)
    assert lot_expires_at(policy, still_2024_in_utc) == datetime(2026, 12, 31, 16, 59, 59, 999999, tzinfo=UTC)


def test_end_of_the_current_quarter() -> None:
    policy = ExpiryPolicy(kind="end_of_period", period="quarter", periods_after=0)
    assert lot_expires_at(policy, hcm(2025, 5, 20)) == datetime(2025, 6, 30, 16, 59, 59, 999999, tzinfo=UTC)


def test_per_lot_expiry_is_n_calendar_months_later_clamped_to_the_month_end() -> None:
    policy = ExpiryPolicy(kind="per_lot", months=1)
    assert lot_expires_at(policy, hcm(2025, 1, 31, 10, 0)) == hcm(2025, 2, 28, 10, 0)


def test_inactivity_expires_the_whole_balance_n_months_after_the_last_activity() -> None:
    policy = ExpiryPolicy(kind="inactivity", months=18)
    assert lot_expires_at(policy, hcm(2025, 1, 1)) is None
    assert inactivity_expires_at(policy, hcm(2025, 1, 10)) == hcm(2026, 7, 10)


def test_never_means_never() -> None:
    policy = ExpiryPolicy(kind="never")
    assert lot_expires_at(policy, hcm(2025, 1, 1)) is None
    assert inactivity_expires_at(policy, hcm(2025, 1, 1)) is None


@pytest.mark.parametrize(
    "policy",
    [
        ExpiryPolicy(kind="per_lot"),
        ExpiryPolicy(kind="someday"),
        ExpiryPolicy(kind="end_of_period", period="week"),
    ],
)
def test_incomplete_policies_are_refused(policy: ExpiryPolicy) -> None:
    with pytest.raises(InvalidProgram):
        policy.validate()
