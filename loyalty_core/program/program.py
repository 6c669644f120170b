"""The program aggregate's state and the fold that builds it from events.

`ProgramState` is what the rules engine reads. `evolve` applies one event and never validates (aggregate6's
`mutate`): a program recorded under looser rules must always replay. `program_at` answers "which rules were
in force at 14:03 on Tết": it folds only the events recorded up to that instant, so a purchase that reaches
us hours late is priced with the program that was in force when it happened.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core.program import kinds as _kinds  # noqa: F401  (registers the rule kinds)
from loyalty_core.program.errors import InvalidProgram
from loyalty_core.program.events import (
    CampaignAdded,
    CampaignEnded,
    ExpiryPolicySet,
    ProgramCreated,
    ProgramEvent,
    ProgramSettingsChanged,
    RefundPolicySet,
    RewardAdded,
    RewardStockChanged,
    RuleAdded,
    RuleRemoved,
    RuleReplaced,
    TierLadderSet,
)
from loyalty_core.program.expiry import ExpiryPolicy
from loyalty_core.program.model import Campaign, Reward
from loyalty_core.program.plain import Plain
from loyalty_core.program.refunds import RefundPolicy
from loyalty_core.program.rules import ROUNDING_MODES, Rule
from loyalty_core.program.tiers import TierLadder


@dataclass(frozen=True)
class ProgramSettings(Plain):
    code: str
    name: str
    currency: str
    #: Money value of one point when spent (VND per point).
    point_value: Decimal
    rounding: str = "down"
    #: Days earned points stay pending (return window) before they can be spent; 0 = at once.
    pending_days: int = 0
    #: The largest share of an order that may be paid with points.
    max_points_share_of_order: Decimal = Decimal(1)
    #: Channels whose keys must prove the member is at the till (the rotating card code, or an OTP) to
    #: redeem or reserve points: e.g. `("pos",)`, or `("*",)` for every channel. Earning never needs it.
    require_presence_for_redemption: tuple[str, ...] = ()
    #: Manual adjustments of more points than this wait for a second person's approval (0: every one does).
    adjustment_approval_points: int = 500
    #: Days a sale for a phone or channel id nobody owns yet is held for them (loyalty_core/identity).
    unclaimed_purchase_days: int = 90
    #: Days after a sale within which a member may claim it from its receipt ("tích điểm sau").
    receipt_claim_days: int = 30
    #: Points are spent only against an order (`order_total`), so `max_points_share_of_order` always applies.
    points_need_order_total: bool = False

    def validate(self) -> None:
        if not self.code or not self.name:
            raise InvalidProgram("a program needs a code and a name")
        if len(self.currency) != 3 or not self.currency.isupper():
            raise InvalidProgram(f"currency must be an ISO 4217 code, got {self.currency!r}")
        if self.point_value <= 0:
            raise InvalidProgram("point_value must be positive")
        if self.rounding not in ROUNDING_MODES:
            raise InvalidProgram(f"rounding must be one of {ROUNDING_MODES}")
        if self.pending_days < 0:
            raise InvalidProgram("pending_days must not be negative")
        if not Decimal(0) < self.max_points_share_of_order <= 1:
            raise InvalidProgram("max_points_share_of_order must be in (0, 1]")
        if any(not isinstance(c, str) or not 1 <= len(c) <= 32 for c in self.require_presence_for_redemption):
            raise InvalidProgram("require_presence_for_redemption lists channel names (or '*' for all)")
        if not isinstance(self.adjustment_approval_points, int) or self.adjustment_approval_points < 0:
            raise InvalidProgram("adjustment_approval_points must be a whole number of points, 0 or more")
        for name in ("unclaimed_purchase_days", "receipt_claim_days"):
            days = getattr(self, name)
            if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3660:
                raise InvalidProgram(f"{name} must be 0 to 3660 days")


@dataclass(frozen=True)
class ProgramState(Plain):
    program_id: UUID
    version: int
    code: str
    name: str
    currency: str
    point_value: Decimal
    rounding: str
    pending_days: int
    expiry: ExpiryPolicy
    refund: RefundPolicy
    tiers: TierLadder
    rules: tuple[Rule, ...]
    campaigns: tuple[Campaign, ...]
    rewards: tuple[Reward, ...]
    max_points_share_of_order: Decimal
    require_presence_for_redemption: tuple[str, ...] = ()
    adjustment_approval_points: int = 500
    unclaimed_purchase_days: int = 90
    receipt_claim_days: int = 30
    points_need_order_total: bool = False

    @property
    def settings(self) -> ProgramSettings:
        return ProgramSettings(
            self.code,
            self.name,
            self.currency,
            self.point_value,
            self.rounding,
            self.pending_days,
            self.max_points_share_of_order,
            self.require_presence_for_redemption,
            self.adjustment_approval_points,
            self.unclaimed_purchase_days,
            self.receipt_claim_days,
            self.points_need_order_total,
        )

    @functools.cached_property
    def rules_read_segments(self) -> bool:
        """Whether any rule is limited to a segment: only then do the rules read the member's purchase
        history and channels (`MemberFacts.history`, `channels_bought`). Worked out once per program state."""
        return any(getattr(rule, "member_condition", None) is not None for rule in self.rules)

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.rule_id == rule_id), None)

    def campaign(self, campaign_id: str) -> Campaign | None:
        return next((c for c in self.campaigns if c.campaign_id == campaign_id), None)

    def reward(self, reward_id: str) -> Reward | None:
        return next((r for r in self.rewards if r.reward_id == reward_id), None)

    def event_meta(self, now: datetime, actor: str) -> dict[str, Any]:
        """The fields every next event carries: this program, the next version, when and who."""
        return {
            "originator_id": self.program_id,
            "originator_version": self.version + 1,
            "timestamp": now,
            "actor": actor,
        }


def require_program(state: ProgramState | None) -> ProgramState:
    """Commands other than CreateProgram need an existing program."""
    if state is None:
        raise InvalidProgram("the program does not exist; create it first")
    return state


def evolve(state: ProgramState | None, event: ProgramEvent) -> ProgramState:
    """Apply one event to the state. Never validates: decisions were checked when they were made."""
    return _apply(event, state)


@functools.singledispatch
def _apply(event: ProgramEvent, state: ProgramState | None) -> ProgramState:
    # singledispatch picks the function by its first argument, so the event comes first here.
    raise TypeError(f"unknown program event {type(event).__name__}")


def _next(state: ProgramState | None, event: ProgramEvent, **changes: Any) -> ProgramState:
    assert state is not None, f"{type(event).__name__} before ProgramCreated"
    return dataclasses.replace(state, version=event.originator_version, **changes)


@_apply.register
def _(event: ProgramCreated, state: ProgramState | None) -> ProgramState:
    settings = ProgramSettings.from_dict(event.settings)
    return ProgramState(
        program_id=event.originator_id,
        version=event.originator_version,
        code=settings.code,
        name=settings.name,
        currency=settings.currency,
        point_value=settings.point_value,
        rounding=settings.rounding,
        pending_days=settings.pending_days,
        expiry=ExpiryPolicy.from_dict(event.expiry),
        refund=RefundPolicy.from_dict(event.refund),
        tiers=TierLadder.from_dict(event.tiers),
        rules=(),
        campaigns=(),
        rewards=(),
        max_points_share_of_order=settings.max_points_share_of_order,
        require_presence_for_redemption=settings.require_presence_for_redemption,
        adjustment_approval_points=settings.adjustment_approval_points,
        unclaimed_purchase_days=settings.unclaimed_purchase_days,
        receipt_claim_days=settings.receipt_claim_days,
        points_need_order_total=settings.points_need_order_total,
    )


@_apply.register
def _(event: ProgramSettingsChanged, state: ProgramState | None) -> ProgramState:
    settings = ProgramSettings.from_dict(event.settings)
    return _next(
        state,
        event,
        code=settings.code,
        name=settings.name,
        currency=settings.currency,
        point_value=settings.point_value,
        rounding=settings.rounding,
        pending_days=settings.pending_days,
        max_points_share_of_order=settings.max_points_share_of_order,
        require_presence_for_redemption=settings.require_presence_for_redemption,
        adjustment_approval_points=settings.adjustment_approval_points,
        unclaimed_purchase_days=settings.unclaimed_purchase_days,
        receipt_claim_days=settings.receipt_claim_days,
        points_need_order_total=settings.points_need_order_total,
    )


@_apply.register
def _(event: RuleAdded, state: ProgramState | None) -> ProgramState:
    assert state is not None
    return _next(state, event, rules=(*state.rules, Rule.from_dict(event.rule)))


@_apply.register
def _(event: RuleReplaced, state: ProgramState | None) -> ProgramState:
    assert state is not None
    new = Rule.from_dict(event.rule)
    return _next(state, event, rules=tuple(new if r.rule_id == new.rule_id else r for r in state.rules))


@_apply.register
def _(event: RuleRemoved, state: ProgramState | None) -> ProgramState:
    assert state is not None
    return _next(state, event, rules=tuple(r for r in state.rules if r.rule_id != event.rule_id))


@_apply.register
def _(event: TierLadderSet, state: ProgramState | None) -> ProgramState:
    return _next(state, event, tiers=TierLadder.from_dict(event.ladder))


@_apply.register
def _(event: CampaignAdded, state: ProgramState | None) -> ProgramState:
    assert state is not None
    return _next(state, event, campaigns=(*state.campaigns, Campaign.from_dict(event.campaign)))


@_apply.register
def _(event: CampaignEnded, state: ProgramState | None) -> ProgramState:
    assert state is not None
    campaigns = tuple(
        dataclasses.replace(c, ended_at=event.ended_at) if c.campaign_id == event.campaign_id else c
        for c in state.campaigns
    )
    return _next(state, event, campaigns=campaigns)


@_apply.register
def _(event: RewardAdded, state: ProgramState | None) -> ProgramState:
    assert state is not None
    return _next(state, event, rewards=(*state.rewards, Reward.from_dict(event.reward)))


@_apply.register
def _(event: RewardStockChanged, state: ProgramState | None) -> ProgramState:
    assert state is not None
    rewards = tuple(
        dataclasses.replace(r, stock=event.stock) if r.reward_id == event.reward_id else r
        for r in state.rewards
    )
    return _next(state, event, rewards=rewards)


@_apply.register
def _(event: ExpiryPolicySet, state: ProgramState | None) -> ProgramState:
    return _next(state, event, expiry=ExpiryPolicy.from_dict(event.policy))


@_apply.register
def _(event: RefundPolicySet, state: ProgramState | None) -> ProgramState:
    return _next(state, event, refund=RefundPolicy.from_dict(event.policy))


def project_program(initial: ProgramState | None, events: Iterable[ProgramEvent]) -> ProgramState | None:
    """Fold events onto `initial` (None for a new program)."""
    return functools.reduce(evolve, events, initial)


def program_at(events: Iterable[ProgramEvent], at: datetime) -> ProgramState:
    """The program as it was at `at`: only the events recorded up to and including that instant.

    Events are in version order; we stop at the first one recorded later, so the state is a real prefix.
    """
    prefix = list(itertools.takewhile(lambda event: event.timestamp <= at, events))
    state = project_program(None, prefix)
    if state is None:
        raise InvalidProgram(f"the program did not exist yet at {at.isoformat()}", at=at.isoformat())
    return state
