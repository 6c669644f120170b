"""Refunds: how many earned points a refund takes back, and what happens when they are already spent.

The claw-back is cumulative by construction: after each partial refund we compute the share of the points
that *all* refunds so far should have removed, and take the difference from what earlier refunds took.
Rounding therefore never accumulates: three refunds of a third each remove exactly the points earned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from loyalty_core.program.errors import InvalidProgram
from loyalty_core.program.model import PurchaseLine, round_half_up
from loyalty_core.program.plain import Plain

BASES = ("pro_rata", "per_line")
SHORTFALLS = ("take_what_is_left", "allow_negative")


@dataclass(frozen=True, kw_only=True)
class RefundPolicy(Plain):
    #: pro_rata: by the refunded money; per_line: by the qualifying amount of the returned lines.
    basis: str = "pro_rata"
    #: What to do when the member already spent the points: write the rest off, or go negative.
    on_shortfall: str = "take_what_is_left"
    #: allow_negative: how far below zero a balance may go; beyond it the rest is written off.
    negative_limit: int = 0
    #: A full refund within this many days of the purchase undoes the tier the purchase bought.
    return_window_days: int = 30

    def validate(self) -> None:
        if self.basis not in BASES or self.on_shortfall not in SHORTFALLS:
            raise InvalidProgram(f"refund basis must be one of {BASES}, on_shortfall one of {SHORTFALLS}")
        if self.negative_limit < 0:
            raise InvalidProgram("negative_limit must not be negative")
        if self.return_window_days < 0:
            raise InvalidProgram("return_window_days must not be negative")


@dataclass(frozen=True)
class ClawBackSettlement(Plain):
    """How a claw-back was settled; recorded in full on the ledger's EarnReversed event."""

    points: int
    taken_points: int
    #: Part of `taken_points` that pushed the balance below zero (allow_negative).
    negative_points: int
    written_off_points: int


def _share(points_earned: int, qualifying_spend: Decimal, refunded: Decimal) -> int:
    refunded = min(max(refunded, Decimal(0)), qualifying_spend)
    return round_half_up(points_earned * refunded / qualifying_spend)


def points_to_claw_back(
    policy: RefundPolicy,
    points_earned: int,
    qualifying_spend: Decimal,
    refunded_so_far: Decimal,
    refund_amount: Decimal,
    returned_lines: Sequence[PurchaseLine] | None = None,
) -> int:
    """Points this refund removes, so that all refunds together remove the pro-rata share of the total.

    With `per_line`, `returned_lines` are the qualifying lines handed back (exclusions already removed) and
    their amounts replace `refund_amount`: money refunded for a delivery fee never removes points.
    """
    if policy.basis == "per_line":
        if returned_lines is None:
            raise InvalidProgram("a per_line refund policy needs the returned lines")
        refund_amount = sum((line.amount for line in returned_lines), Decimal(0))
    if points_earned <= 0 or qualifying_spend <= 0:
        return 0
    before = _share(points_earned, qualifying_spend, refunded_so_far)
    after = _share(points_earned, qualifying_spend, refunded_so_far + refund_amount)
    return max(after - before, 0)


def settle_claw_back(policy: RefundPolicy, points: int, points_available: int) -> ClawBackSettlement:
    """Take `points` from a balance of `points_available`, settling any shortfall by the policy."""
    from_balance = min(points, max(points_available, 0))
    shortfall = points - from_balance
    negative = 0
    if policy.on_shortfall == "allow_negative":
        room = policy.negative_limit + min(points_available, 0)
        negative = min(shortfall, max(room, 0))
    return ClawBackSettlement(
        points=points,
        taken_points=from_balance + negative,
        negative_points=negative,
        written_off_points=shortfall - negative,
    )
