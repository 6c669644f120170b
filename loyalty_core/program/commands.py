"""Program commands: what marketing asks for, in the imperative. `decide.py` checks them.

Commands carry domain objects (a `Rule`, a `Campaign`); the events they produce carry those objects'
plain dicts. Every command is `Plain`, so the admin API and the CLI can read one from JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from loyalty_core.program.expiry import ExpiryPolicy
from loyalty_core.program.model import Campaign, Reward
from loyalty_core.program.plain import Plain
from loyalty_core.program.program import ProgramSettings
from loyalty_core.program.refunds import RefundPolicy
from loyalty_core.program.rules import Rule
from loyalty_core.program.tiers import TierLadder


@dataclass(frozen=True)
class CreateProgram(Plain):
    program_id: UUID
    settings: ProgramSettings
    expiry: ExpiryPolicy
    refund: RefundPolicy
    tiers: TierLadder


@dataclass(frozen=True)
class ChangeProgramSettings(Plain):
    settings: ProgramSettings


@dataclass(frozen=True)
class AddRule(Plain):
    rule: Rule


@dataclass(frozen=True)
class ReplaceRule(Plain):
    rule: Rule


@dataclass(frozen=True)
class RemoveRule(Plain):
    rule_id: str


@dataclass(frozen=True)
class SetTierLadder(Plain):
    ladder: TierLadder


@dataclass(frozen=True)
class AddCampaign(Plain):
    campaign: Campaign


@dataclass(frozen=True)
class EndCampaign(Plain):
    campaign_id: str
    #: When its rules stop (exclusive); None means now.
    ended_at: datetime | None = None


@dataclass(frozen=True)
class AddReward(Plain):
    reward: Reward


@dataclass(frozen=True)
class RestockReward(Plain):
    reward_id: str
    quantity: int


@dataclass(frozen=True)
class TakeRewardStock(Plain):
    reward_id: str
    quantity: int = 1
    reason: str = "redemption"


@dataclass(frozen=True)
class SetExpiryPolicy(Plain):
    policy: ExpiryPolicy


@dataclass(frozen=True)
class SetRefundPolicy(Plain):
    policy: RefundPolicy


ProgramCommand = (
    CreateProgram
    | ChangeProgramSettings
    | AddRule
    | ReplaceRule
    | RemoveRule
    | SetTierLadder
    | AddCampaign
    | EndCampaign
    | AddReward
    | RestockReward
    | TakeRewardStock
    | SetExpiryPolicy
    | SetRefundPolicy
)
