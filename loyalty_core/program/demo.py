"""The demo program: "Cà Phê Sài Gòn", a coffee chain, as marketing would set it up.

It is built from commands through the same `decide_*` functions as a real program, so the demo is also a
check that an ordinary program passes validation. 1 point per 10.000 ₫; the 10th coffee free; double points
on Saturday and Sunday; a birthday-month bonus; four tiers on 12 months' spend; gift cards and delivery
fees earn nothing; points usable at once and expiring at the end of the following year.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from uuid import UUID

from loyalty_core.program.commands import AddReward, AddRule, CreateProgram
from loyalty_core.program.decide import decide_all
from loyalty_core.program.events import ProgramEvent
from loyalty_core.program.expiry import ExpiryPolicy
from loyalty_core.program.kinds import (
    BirthdayMonth,
    Exclusions,
    Multiplier,
    PointsPerAmount,
    StampCard,
    TierMultiplier,
)
from loyalty_core.program.model import Reward
from loyalty_core.program.program import ProgramSettings, ProgramState
from loyalty_core.program.refunds import RefundPolicy
from loyalty_core.program.tiers import Tier, TierLadder

DEMO_PROGRAM_ID = UUID("5f0c2a8e-3b1d-4c47-9a61-0d7a1e2f3c4b")
DEMO_CREATED_AT = datetime(2025, 1, 1, tzinfo=UTC)

DEMO_TIERS = TierLadder(
    tiers=(
        Tier("member", "Thành viên", "Member", Decimal(0), Decimal(1), 0),
        Tier("silver", "Bạc", "Silver", Decimal(2_000_000), Decimal("1.25"), 50),
        Tier("gold", "Vàng", "Gold", Decimal(5_000_000), Decimal("1.5"), 100),
        Tier("diamond", "Kim Cương", "Diamond", Decimal(15_000_000), Decimal(2), 200),
    ),
    basis="spend",
    window="rolling_months",
    window_months=12,
    downgrade="one_step",
    review="yearly",
    review_month=1,
    review_day=1,
    grace_days=30,
)


def demo_program_commands(program_id: UUID = DEMO_PROGRAM_ID) -> list[object]:
    """The commands marketing would send to set up Cà Phê Sài Gòn."""
    settings = ProgramSettings(
        code="CPSG",
        name="Cà Phê Sài Gòn",
        currency="VND",
        point_value=Decimal(100),
        rounding="down",
        pending_days=0,
        max_points_share_of_order=Decimal("0.5"),
    )
    return [
        CreateProgram(
            program_id,
            settings,
            ExpiryPolicy(kind="end_of_period", period="year", periods_after=1),
            RefundPolicy(basis="pro_rata", on_shortfall="take_what_is_left"),
            DEMO_TIERS,
        ),
        AddReward(Reward("discount-15", "Giảm 15%", "15% off", "discount_percent", Decimal(15), 200)),
        AddReward(Reward("free-drink", "Miễn phí 1 ly", "One free drink", "free_item")),
        AddRule(
            Exclusions(
                rule_id="no-points-gift-cards-delivery",
                priority=0,
                skus=("DELIVERY",),
                categories=("gift_card",),
            )
        ),
        AddRule(PointsPerAmount(rule_id="base-1-per-10k", priority=10, points=1, per_amount=Decimal(10_000))),
        AddRule(TierMultiplier(rule_id="tier-multiplier", priority=20)),
        AddRule(
            Multiplier(
                rule_id="weekend-x2",
                priority=30,
                factor=Decimal(2),
                days_of_week=(6, 7),
                label_vi="Cuối tuần",
                label_en="Weekend",
            )
        ),
        AddRule(
            BirthdayMonth(
                rule_id="birthday-month", priority=40, bonus_points=50, add_tier_bonus=True, limit_per_year=1
            )
        ),
        AddRule(
            StampCard(
                rule_id="coffee-10th-cup-free",
                priority=50,
                card_id="coffee",
                categories=("coffee",),
                stamps_required=10,
                reward_id="free-drink",
                label_vi="Ly thứ 10 miễn phí",
                label_en="10th cup free",
            )
        ),
    ]


def demo_program_events(
    program_id: UUID = DEMO_PROGRAM_ID, now: datetime = DEMO_CREATED_AT, actor: str = "demo"
) -> list[ProgramEvent]:
    """The events that record the demo program, as the event store would hold them."""
    _, events = decide_all(None, demo_program_commands(program_id), now, actor)
    return events


def demo_program(program_id: UUID = DEMO_PROGRAM_ID, now: datetime = DEMO_CREATED_AT) -> ProgramState:
    state, _ = decide_all(None, demo_program_commands(program_id), now, "demo")
    assert state is not None
    return state
