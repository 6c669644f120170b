"""Every refusal has a stable code, and a refused command leaves the program exactly as it was."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from loyalty_core.program import (
    AddCampaign,
    AddReward,
    AddRule,
    FixedBonus,
    Multiplier,
    RemoveRule,
    RestockReward,
    Reward,
    SetTierLadder,
    TakeRewardStock,
    Tier,
    TierLadder,
    project_program,
)
from loyalty_core.program.commands import CreateProgram, EndCampaign
from loyalty_core.program.decide import decide, decide_all
from loyalty_core.program.errors import ProgramError

from .builders import RECORDED_AT, base_rule, campaign, create_command, hcm

VOUCHER = Reward("discount-15", "Giảm 15%", "15% off", "discount_percent", Decimal(15), 200, stock=1)
STEADY = TierLadder(
    tiers=(
        Tier("member", "Thành viên", "Member", 0),
        Tier("silver", "Bạc", "Silver", 100),
        Tier("gold", "Vàng", "Gold", 100),
    )
)

REFUSALS = [
    ("rule_never_fires", AddRule(FixedBonus(rule_id="r", priority=1, points=1, days_of_week=()))),
    ("rule_never_fires", AddRule(FixedBonus(rule_id="r", priority=1, points=1, skus=()))),
    (
        "exclusive_campaigns_overlap",
        AddCampaign(campaign("summer", starts_at=hcm(2025, 2, 1), exclusive=True)),
    ),
    ("multiplier_must_be_positive", AddRule(Multiplier(rule_id="m", priority=1, factor=Decimal("-1")))),
    (
        "window_ends_before_start",
        AddRule(
            FixedBonus(rule_id="r", priority=1, points=1, starts_at=hcm(2025, 6, 2), ends_at=hcm(2025, 6, 1))
        ),
    ),
    ("window_ends_before_start", AddCampaign(campaign("x", ends_at=hcm(2025, 1, 1)))),
    ("tier_ladder_not_increasing", SetTierLadder(STEADY)),
    ("reward_out_of_stock", TakeRewardStock("discount-15", quantity=2)),
    ("reward_stock_must_be_positive", RestockReward("discount-15", 0)),
    ("reward_stock_must_be_positive", AddReward(Reward("mug", "Cốc", "Mug", "free_item", stock=0))),
    ("invalid_program", AddRule(base_rule())),  # the id is taken
    ("invalid_program", RemoveRule("no-such-rule")),
    ("invalid_program", AddRule(FixedBonus(rule_id="r", priority=1, points=1, campaign_id="no-such"))),
    ("invalid_program", EndCampaign("tet", RECORDED_AT - timedelta(days=1))),
    ("invalid_program", create_command()),
]


@pytest.mark.parametrize(("code", "command"), REFUSALS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(REFUSALS)])
def test_a_refused_command_raises_its_code_and_leaves_the_program_unchanged(
    code: str, command: object
) -> None:
    setup = [
        create_command(),
        AddReward(VOUCHER),
        AddRule(base_rule()),
        AddCampaign(campaign(exclusive=True)),
    ]
    state, events = decide_all(None, setup, RECORDED_AT, "m")
    with pytest.raises(ProgramError) as refused:
        decide(state, command, RECORDED_AT + timedelta(hours=1), "m")
    assert refused.value.code == code
    assert refused.value.to_dict()["code"] == code and refused.value.message_vi
    assert project_program(None, events) == state


def test_a_command_before_the_program_exists_is_refused() -> None:
    with pytest.raises(ProgramError) as refused:
        decide(None, AddRule(base_rule()), RECORDED_AT, "m")
    assert refused.value.code == "invalid_program"


def test_a_create_command_with_bad_settings_records_nothing() -> None:
    bad = create_command()
    bad = CreateProgram(
        bad.program_id,
        bad.settings.__class__(**{**bad.settings.to_dict(), "currency": "vnd"}),
        bad.expiry,
        bad.refund,
        bad.tiers,
    )
    with pytest.raises(ProgramError) as refused:
        decide(None, bad, RECORDED_AT, "m")
    assert refused.value.code == "invalid_program"
