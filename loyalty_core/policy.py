"""The program's answers the ledger asks for, and the plain ledger's defaults when no program is installed."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core.decide import Change, ShortfallPolicy
from loyalty_core.member import Member
from loyalty_core.planning import Context, Plan


class Policy:
    """The program's answers the ledger needs; the default is a plain ledger with no program rules.

    The loyalty program (earning rules, tiers, rewards, expiry and refund policies) plugs in by
    subclassing this, so the ledger's rhythm never changes when marketing changes the program.
    """

    program_code = "default"
    base_tier = "member"

    def check_tier(self, tier: str) -> None:
        if not isinstance(tier, str) or not 1 <= len(tier) <= 40:
            raise errors.InvalidInput("tier must be a tier code", field="tier")

    def redeem_reward(self, ctx: Context, c: cmd.RedeemPoints) -> Plan:
        raise errors.RewardNotFound(f"no reward {c.reward_id}: this ledger has no reward catalogue")

    def downgrade_notice(self, member: Member, now: datetime) -> datetime | None:
        """When the member will lose their tier if nothing changes; a plain ledger has no tiers."""
        return None

    def discount_for(self, points: int, order_total: Decimal | None) -> Decimal | None:
        """The money value of `points` at checkout; a plain ledger has no point value."""
        if order_total is not None:
            raise errors.InvalidInput("this ledger has no point value, so points cannot pay an order",
                                      field="order_total")
        return None

    def money_value(self, points: int) -> Decimal | None:
        """What `points` pay at checkout (a capture's discount); a plain ledger has no point value."""
        return None

    def scheduled_work(self, ctx: Context, change: Change) -> None:
        """Work beyond what every command applies (tier review, birthday bonus); none by default."""

    def inactivity_expires_at(self, member: Member) -> datetime | None:
        return None

    def shortfall_policy(self) -> ShortfallPolicy:
        return ShortfallPolicy()

    def adjustment_approval_threshold(self) -> int:
        """Manual adjustments of more points than this wait for a second person (loyalty_core/approvals.py)."""
        return 500

    def points_to_claw_back(self, earning: Any, refund_amount: Decimal) -> int:
        # Pro rata on the cumulative refunded amount, so several partial refunds add up exactly.
        refunded = earning.refunded + refund_amount
        target = (Decimal(earning.points) * refunded / earning.spend).to_integral_value(ROUND_FLOOR)
        return max(min(int(target), earning.points) - earning.points_reversed, 0)
