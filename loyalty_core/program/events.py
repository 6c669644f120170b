"""Program events: every change marketing makes to a program, in the past tense.

These are the persisted contract: never rename or move one, never change a field's meaning. Payloads are
plain dicts (`rule.to_dict()` and so on) rather than domain objects, so the stored form does not change
when a domain class gains a helper, and the event store's transcoder sees only JSON types plus Decimal,
datetime and UUID. `program.evolve` turns them back into domain objects without validating.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from loyalty_core.program.plain import Plain


@dataclass(frozen=True)
class ProgramEvent(Plain):
    originator_id: UUID
    """The program's id."""
    originator_version: int
    """The program's version after this event; earn decisions record it."""
    timestamp: datetime
    """When the change was recorded (UTC); `program_at` folds events up to an instant by this."""
    actor: str
    """Who made the change: a staff id or an API key id."""


@dataclass(frozen=True)
class ProgramCreated(ProgramEvent):
    settings: dict[str, Any]
    """`ProgramSettings.to_dict()`: code, name, currency, point value, rounding, pending days, share."""
    expiry: dict[str, Any]
    """`ExpiryPolicy.to_dict()`."""
    refund: dict[str, Any]
    """`RefundPolicy.to_dict()`."""
    tiers: dict[str, Any]
    """`TierLadder.to_dict()`."""


@dataclass(frozen=True)
class ProgramSettingsChanged(ProgramEvent):
    settings: dict[str, Any]
    """The complete new `ProgramSettings.to_dict()`."""


@dataclass(frozen=True)
class RuleAdded(ProgramEvent):
    rule: dict[str, Any]
    """`Rule.to_dict()`, with its `kind`."""


@dataclass(frozen=True)
class RuleReplaced(ProgramEvent):
    rule: dict[str, Any]
    """The new version of the rule with the same `rule_id`."""


@dataclass(frozen=True)
class RuleRemoved(ProgramEvent):
    rule_id: str
    """The removed rule; decisions made with it keep its id in their lines."""


@dataclass(frozen=True)
class TierLadderSet(ProgramEvent):
    ladder: dict[str, Any]
    """The complete new `TierLadder.to_dict()`."""


@dataclass(frozen=True)
class CampaignAdded(ProgramEvent):
    campaign: dict[str, Any]
    """`Campaign.to_dict()`."""


@dataclass(frozen=True)
class CampaignEnded(ProgramEvent):
    campaign_id: str
    """The campaign stopped early."""
    ended_at: datetime
    """From this instant (exclusive end) its rules no longer fire."""


@dataclass(frozen=True)
class RewardAdded(ProgramEvent):
    reward: dict[str, Any]
    """`Reward.to_dict()`."""


@dataclass(frozen=True)
class RewardStockChanged(ProgramEvent):
    reward_id: str
    """The catalogue reward whose stock changed."""
    delta: int
    """Units added (restock, positive) or taken (redemption, negative)."""
    stock: int
    """The stock after the change: the outcome, so replay never recomputes it."""
    reason: str
    """Why: restock, redemption, correction."""


@dataclass(frozen=True)
class ExpiryPolicySet(ProgramEvent):
    policy: dict[str, Any]
    """`ExpiryPolicy.to_dict()`; applies to points earned from now on."""


@dataclass(frozen=True)
class RefundPolicySet(ProgramEvent):
    policy: dict[str, Any]
    """`RefundPolicy.to_dict()`."""


EVENT_TYPES: dict[str, type[ProgramEvent]] = {
    cls.__name__: cls
    for cls in (
        ProgramCreated,
        ProgramSettingsChanged,
        RuleAdded,
        RuleReplaced,
        RuleRemoved,
        TierLadderSet,
        CampaignAdded,
        CampaignEnded,
        RewardAdded,
        RewardStockChanged,
        ExpiryPolicySet,
        RefundPolicySet,
    )
}


def event_from_dict(type_name: str, data: dict[str, Any]) -> ProgramEvent:
    """Read an event back from its class name and `to_dict()`."""
    return EVENT_TYPES[type_name].from_dict(data)
