"""The loyalty program: its rules, tiers, expiry, refunds and rewards, and the engine that applies them.

Pure domain code (stdlib only): the program is an event-sourced aggregate (`events`, `program`, `decide`)
and `engine.evaluate_purchase` / `evaluate_activity` turn a purchase or an action into an `EarnDecision`
with bilingual explanations. See docs/program.md for how marketing defines a program.
"""

from loyalty_core.program.commands import (
    AddCampaign,
    AddReward,
    AddRule,
    ChangeProgramSettings,
    CreateProgram,
    EndCampaign,
    RemoveRule,
    ReplaceRule,
    RestockReward,
    SetExpiryPolicy,
    SetRefundPolicy,
    SetTierLadder,
    TakeRewardStock,
)
from loyalty_core.program.decide import decide, decide_all
from loyalty_core.program.engine import (
    activity_count_key,
    evaluate_activity,
    evaluate_purchase,
    qualifying_lines,
    rules_in_force,
)
from loyalty_core.program.errors import ProgramError
from loyalty_core.program.events import EVENT_TYPES, ProgramEvent, event_from_dict
from loyalty_core.program.expiry import ExpiryPolicy, inactivity_expires_at, lot_expires_at
from loyalty_core.program.kinds import (
    ActivityRule,
    BirthdayMonth,
    Cap,
    Exclusions,
    FirstPurchase,
    FixedBonus,
    Multiplier,
    PointsPerAmount,
    Referral,
    StampCard,
    TierMultiplier,
)
from loyalty_core.program.localtime import HCM
from loyalty_core.program.model import (
    Activity,
    Campaign,
    EarnDecision,
    MemberFacts,
    Purchase,
    PurchaseLine,
    ReferralBonus,
    Reward,
    RuleLine,
    StampReward,
    format_vnd,
)
from loyalty_core.program.program import ProgramSettings, ProgramState, evolve, program_at, project_program
from loyalty_core.program.refunds import RefundPolicy, points_to_claw_back, settle_claw_back
from loyalty_core.program.rules import RULE_KINDS, Rule
from loyalty_core.program.segments import HistoryRow, MemberCondition
from loyalty_core.program.tiers import (
    Tier,
    TierDecision,
    TierLadder,
    decide_tier,
    downgrade_notice_at,
    qualifying_tier,
    window_figures,
)

__all__ = [
    "HCM",
    "RULE_KINDS",
    "EVENT_TYPES",
    "Activity",
    "ActivityRule",
    "AddCampaign",
    "AddReward",
    "AddRule",
    "BirthdayMonth",
    "Campaign",
    "Cap",
    "ChangeProgramSettings",
    "CreateProgram",
    "EarnDecision",
    "EndCampaign",
    "Exclusions",
    "ExpiryPolicy",
    "FirstPurchase",
    "FixedBonus",
    "MemberCondition",
    "MemberFacts",
    "HistoryRow",
    "Multiplier",
    "PointsPerAmount",
    "ProgramError",
    "ProgramEvent",
    "ProgramSettings",
    "ProgramState",
    "Purchase",
    "PurchaseLine",
    "Referral",
    "ReferralBonus",
    "RefundPolicy",
    "RemoveRule",
    "ReplaceRule",
    "RestockReward",
    "Reward",
    "Rule",
    "RuleLine",
    "SetExpiryPolicy",
    "SetRefundPolicy",
    "SetTierLadder",
    "StampCard",
    "StampReward",
    "TakeRewardStock",
    "Tier",
    "TierDecision",
    "TierLadder",
    "TierMultiplier",
    "activity_count_key",
    "decide",
    "decide_all",
    "decide_tier",
    "downgrade_notice_at",
    "evaluate_activity",
    "evaluate_purchase",
    "event_from_dict",
    "evolve",
    "format_vnd",
    "inactivity_expires_at",
    "lot_expires_at",
    "points_to_claw_back",
    "program_at",
    "project_program",
    "qualifying_lines",
    "qualifying_tier",
    "rules_in_force",
    "settle_claw_back",
    "window_figures",
]
