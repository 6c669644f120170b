"""Refunds: cumulative pro-rata claw-back, per-line basis, and shortfall settlement."""

from __future__ import annotations

from decimal import Decimal

import pytest

from loyalty_core.program import RefundPolicy, points_to_claw_back, settle_claw_back
from loyalty_core.program.errors import InvalidProgram

from .builders import line

PRO_RATA = RefundPolicy()


def test_a_half_refund_takes_back_half_the_points() -> None:
    assert points_to_claw_back(PRO_RATA, 30, Decimal(300_000), Decimal(0), Decimal(150_000)) == 15


def test_three_partial_refunds_take_back_exactly_what_was_earned() -> None:
    taken, refunded = 0, Decimal(0)
    for _ in range(3):
        taken += points_to_claw_back(PRO_RATA, 10, Decimal(300_000), refunded, Decimal(100_000))
        refunded += Decimal(100_000)
    assert taken == 10


def test_refunding_more_than_the_qualifying_spend_never_takes_more_than_earned() -> None:
    assert points_to_claw_back(PRO_RATA, 10, Decimal(100_000), Decimal(0), Decimal(250_000)) == 10


def test_per_line_uses_the_returned_lines_not_the_money_refunded() -> None:
    policy = RefundPolicy(basis="per_line")
    returned = [line("CF", 50_000, "coffee")]
    assert points_to_claw_back(policy, 20, Decimal(100_000), Decimal(0), Decimal(65_000), returned) == 10
    with pytest.raises(InvalidProgram):
        points_to_claw_back(policy, 20, Decimal(100_000), Decimal(0), Decimal(65_000))


def test_take_what_is_left_writes_off_the_shortfall() -> None:
    settlement = settle_claw_back(PRO_RATA, 50, 20)
    assert (settlement.taken_points, settlement.negative_points, settlement.written_off_points) == (20, 0, 30)


def test_allow_negative_goes_below_zero_up_to_the_limit_and_writes_off_the_rest() -> None:
    policy = RefundPolicy(on_shortfall="allow_negative", negative_limit=25)
    settlement = settle_claw_back(policy, 50, 20)
    assert (settlement.taken_points, settlement.negative_points, settlement.written_off_points) == (45, 25, 5)


def test_a_policy_with_an_unknown_basis_is_refused() -> None:
    with pytest.raises(InvalidProgram):
        RefundPolicy(basis="generous").validate()
