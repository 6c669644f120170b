"""Builders for program tests: a program from rules (through the real `decide_*` checks), purchases in
Ho Chi Minh City wall-clock time, and member facts with sensible defaults."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core.program import (
    Activity,
    AddCampaign,
    AddReward,
    AddRule,
    Campaign,
    CreateProgram,
    ExpiryPolicy,
    MemberFacts,
    PointsPerAmount,
    ProgramSettings,
    ProgramState,
    Purchase,
    PurchaseLine,
    RefundPolicy,
    Reward,
    Rule,
    Tier,
    TierLadder,
    decide_all,
)
from loyalty_core.program.localtime import HCM

PROGRAM_ID = UUID("00000000-0000-4000-8000-000000000001")
MEMBER_ID = UUID("00000000-0000-4000-8000-0000000000aa")
FRIEND_ID = UUID("00000000-0000-4000-8000-0000000000bb")
#: Programs are recorded at this instant; every test purchase happens after it.
RECORDED_AT = datetime(2025, 1, 1, tzinfo=UTC)

LADDER = TierLadder(
    tiers=(
        Tier("member", "Thành viên", "Member", Decimal(0), Decimal(1), 0),
        Tier("silver", "Bạc", "Silver", Decimal(2_000_000), Decimal("1.25"), 20),
        Tier("gold", "Vàng", "Gold", Decimal(5_000_000), Decimal("1.5"), 100),
    )
)
FREE_DRINK = Reward("free-drink", "Miễn phí 1 ly", "One free drink", "free_item")


def hcm(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A Ho Chi Minh City wall-clock time, as the aware datetime the engine receives."""
    return datetime(year, month, day, hour, minute, tzinfo=HCM)


def create_command(ladder: TierLadder = LADDER, rounding: str = "down") -> CreateProgram:
    settings = ProgramSettings("TEST", "Chương trình thử", "VND", Decimal(100), rounding, 0, Decimal("0.5"))
    return CreateProgram(PROGRAM_ID, settings, ExpiryPolicy(kind="never"), RefundPolicy(), ladder)


def base_rule(**changes: Any) -> Rule:
    """1 point per 10.000 ₫, priority 10."""
    return PointsPerAmount(
        **{"rule_id": "base", "priority": 10, "points": 1, "per_amount": Decimal(10_000), **changes}
    )


def program(
    *rules: Rule,
    campaigns: tuple[Campaign, ...] = (),
    rewards: tuple[Reward, ...] = (FREE_DRINK,),
    ladder: TierLadder = LADDER,
    rounding: str = "down",
) -> ProgramState:
    """A program built through the real commands, so every rule here passed validation."""
    commands = [
        create_command(ladder, rounding),
        *(AddReward(r) for r in rewards),
        *(AddCampaign(c) for c in campaigns),
        *(AddRule(r) for r in rules),
    ]
    state, _ = decide_all(None, commands, RECORDED_AT, "test")
    assert state is not None
    return state


def line(sku: str, amount: int | str, category: str | None = None, quantity: int = 1) -> PurchaseLine:
    value = Decimal(amount)
    return PurchaseLine(sku, category, quantity, value / quantity if quantity else value, value)


def purchase(
    *lines: PurchaseLine,
    at: datetime | None = None,
    total: int | str | None = None,
    channel: str = "pos",
    store_id: str | None = "Q1",
    ref: str = "T-1",
) -> Purchase:
    paid = Decimal(total) if total is not None else sum((ln.amount for ln in lines), Decimal(0))
    return Purchase(ref, channel, store_id, at or hcm(2025, 3, 5), "VND", paid, tuple(lines))


def spend(amount: int | str, **kwargs: Any) -> Purchase:
    """A one-line purchase of `amount` VND of food."""
    return purchase(line("BANH-MI", amount, "food"), **kwargs)


def facts(**changes: Any) -> MemberFacts:
    base = MemberFacts(
        member_id=MEMBER_ID,
        tier="member",
        birthday_month=None,
        enrolled_at=datetime(2024, 6, 1, tzinfo=UTC),
        purchase_count=3,
    )
    return dataclasses.replace(base, **changes)


def activity(kind: str, at: datetime | None = None, channel: str = "app") -> Activity:
    return Activity(kind, f"{kind}-1", channel, None, at or hcm(2025, 3, 5))


def campaign(campaign_id: str = "tet", **changes: Any) -> Campaign:
    base = Campaign(
        campaign_id, "Tết 2025", "Lunar New Year 2025", hcm(2025, 1, 25, 0, 0), hcm(2025, 2, 3, 0, 0)
    )
    return dataclasses.replace(base, **changes)
