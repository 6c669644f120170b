"""Deciding program changes: check a command against the current program, then say what happened.

Each `decide_*(state, command, now, actor)` either raises a `ProgramError` (nothing is recorded, so the
program is unchanged) or returns the events to save. Checks that need only the item itself live on the item
(`rule.validate(now)`); checks that need the whole program (does the campaign exist, do two exclusive
campaigns overlap, does a tier multiplier name real tiers) live here and in `decide_catalogue.py`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from loyalty_core.text import check_all_text
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
from loyalty_core.program.decide_catalogue import (
    decide_add_campaign,
    decide_add_reward,
    decide_end_campaign,
    decide_restock_reward,
    decide_take_reward_stock,
)
from loyalty_core.program.errors import (
    InvalidProgram,
    RuleNeverFires,
)
from loyalty_core.program.events import (
    ExpiryPolicySet,
    ProgramCreated,
    ProgramEvent,
    ProgramSettingsChanged,
    RefundPolicySet,
    RuleAdded,
    RuleRemoved,
    RuleReplaced,
    TierLadderSet,
)
from loyalty_core.program.kinds import Cap, StampCard, TierMultiplier
from loyalty_core.program.program import ProgramState, project_program, require_program
from loyalty_core.program.rules import Rule
from loyalty_core.program.tiers import TierLadder


def decide_create_program(
    state: ProgramState | None, command: CreateProgram, now: datetime, actor: str
) -> list[ProgramEvent]:
    if state is not None:
        raise InvalidProgram(f"program {state.program_id} already exists")
    command.settings.validate()
    command.expiry.validate()
    command.refund.validate()
    command.tiers.validate()
    return [
        ProgramCreated(
            originator_id=command.program_id,
            originator_version=1,
            timestamp=now,
            actor=actor,
            settings=command.settings.to_dict(),
            expiry=command.expiry.to_dict(),
            refund=command.refund.to_dict(),
            tiers=command.tiers.to_dict(),
        )
    ]


def decide_change_settings(
    state: ProgramState | None, command: ChangeProgramSettings, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    command.settings.validate()
    if command.settings.currency != state.currency:
        raise InvalidProgram("a program's currency cannot change: every amount in its rules is in it")
    return [ProgramSettingsChanged(**state.event_meta(now, actor), settings=command.settings.to_dict())]


def decide_add_rule(
    state: ProgramState | None, command: AddRule, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    if state.rule(command.rule.rule_id) is not None:
        raise InvalidProgram(
            f"rule {command.rule.rule_id} already exists; replace it instead", rule_id=command.rule.rule_id
        )
    _check_rule(state, command.rule, now)
    return [RuleAdded(**state.event_meta(now, actor), rule=command.rule.to_dict())]


def decide_replace_rule(
    state: ProgramState | None, command: ReplaceRule, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    _require_rule(state, command.rule.rule_id)
    _check_rule(state, command.rule, now)
    return [RuleReplaced(**state.event_meta(now, actor), rule=command.rule.to_dict())]


def decide_remove_rule(
    state: ProgramState | None, command: RemoveRule, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    _require_rule(state, command.rule_id)
    return [RuleRemoved(**state.event_meta(now, actor), rule_id=command.rule_id)]


def _require_rule(state: ProgramState, rule_id: str) -> None:
    if state.rule(rule_id) is None:
        raise InvalidProgram(f"rule {rule_id} does not exist", rule_id=rule_id)


def _check_rule(state: ProgramState, rule: Rule, now: datetime) -> None:
    """The rule's own checks, then what it refers to in the program."""
    rule.validate(now)
    if rule.campaign_id is not None:
        _check_campaign_link(state, rule, now)
    if isinstance(rule, StampCard) and rule.reward_id is not None and state.reward(rule.reward_id) is None:
        raise InvalidProgram(f"rule {rule.rule_id}: reward {rule.reward_id} is not in the catalogue")
    if isinstance(rule, TierMultiplier):
        _check_tier_codes(rule, state.tiers)
    if isinstance(rule, Cap) and rule.per == "member_day" and rule.campaign_id is not None:
        raise InvalidProgram(
            f"rule {rule.rule_id}: a daily cap counts all points, so it cannot be limited to one campaign"
        )


def _check_campaign_link(state: ProgramState, rule: Rule, now: datetime) -> None:
    campaign = state.campaign(rule.campaign_id or "")
    if campaign is None:
        raise InvalidProgram(f"rule {rule.rule_id}: campaign {rule.campaign_id} does not exist")
    starts = max(campaign.starts_at, rule.starts_at or campaign.starts_at, now)
    ends = min(campaign.effective_end, rule.ends_at or campaign.effective_end)
    if ends <= starts:
        raise RuleNeverFires(
            f"rule {rule.rule_id} can never fire: its window and campaign "
            f"{campaign.campaign_id}'s do not overlap from now on",
            rule_id=rule.rule_id,
        )


def _check_tier_codes(rule: TierMultiplier, ladder: TierLadder) -> None:
    unknown = sorted(set(rule.factors or {}) - {tier.code for tier in ladder.tiers})
    if unknown:
        raise InvalidProgram(f"rule {rule.rule_id}: tiers {unknown} are not on the ladder", tiers=unknown)


def decide_set_tier_ladder(
    state: ProgramState | None, command: SetTierLadder, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    command.ladder.validate()
    for rule in state.rules:
        if isinstance(rule, TierMultiplier):
            _check_tier_codes(rule, command.ladder)
    return [TierLadderSet(**state.event_meta(now, actor), ladder=command.ladder.to_dict())]


def decide_set_expiry_policy(
    state: ProgramState | None, command: SetExpiryPolicy, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    command.policy.validate()
    return [ExpiryPolicySet(**state.event_meta(now, actor), policy=command.policy.to_dict())]


def decide_set_refund_policy(
    state: ProgramState | None, command: SetRefundPolicy, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    command.policy.validate()
    return [RefundPolicySet(**state.event_meta(now, actor), policy=command.policy.to_dict())]


_DECIDERS: dict[type, Callable[..., list[ProgramEvent]]] = {
    CreateProgram: decide_create_program,
    ChangeProgramSettings: decide_change_settings,
    AddRule: decide_add_rule,
    ReplaceRule: decide_replace_rule,
    RemoveRule: decide_remove_rule,
    SetTierLadder: decide_set_tier_ladder,
    AddCampaign: decide_add_campaign,
    EndCampaign: decide_end_campaign,
    AddReward: decide_add_reward,
    RestockReward: decide_restock_reward,
    TakeRewardStock: decide_take_reward_stock,
    SetExpiryPolicy: decide_set_expiry_policy,
    SetRefundPolicy: decide_set_refund_policy,
}


def decide(state: ProgramState | None, command: Any, now: datetime, actor: str) -> list[ProgramEvent]:
    """Dispatch a command to its `decide_*` function."""
    try:
        decider = _DECIDERS[type(command)]
    except KeyError:
        raise InvalidProgram(f"unknown program command {type(command).__name__}") from None
    check_all_text(command)  # names, descriptions, terms and codes: printable text only
    return decider(state, command, now, actor)


def decide_all(
    state: ProgramState | None, commands: Any, now: datetime, actor: str
) -> tuple[ProgramState | None, list[ProgramEvent]]:
    """Decide commands one after the other, each against the state the previous ones left."""
    events: list[ProgramEvent] = []
    for command in commands:
        new_events = decide(state, command, now, actor)
        state = project_program(state, new_events)
        events.extend(new_events)
    return state, events
