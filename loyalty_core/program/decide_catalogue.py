"""Deciding changes to the program's catalogue: campaigns and the rewards members can redeem.

Split from `decide.py` because campaigns and stock have checks of their own (exclusive campaigns must not
overlap; stock never goes below zero) that have nothing to do with validating rules.
"""

from __future__ import annotations

from datetime import datetime

from loyalty_core.program.commands import AddCampaign, AddReward, EndCampaign, RestockReward, TakeRewardStock
from loyalty_core.program.errors import (
    ExclusiveCampaignsOverlap,
    InvalidProgram,
    RewardOutOfStock,
    RewardStockMustBePositive,
)
from loyalty_core.program.events import (
    CampaignAdded,
    CampaignEnded,
    ProgramEvent,
    RewardAdded,
    RewardStockChanged,
)
from loyalty_core.program.model import Campaign, Reward
from loyalty_core.program.program import ProgramState, require_program


def decide_add_campaign(
    state: ProgramState | None, command: AddCampaign, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    campaign = command.campaign
    campaign.validate()
    if state.campaign(campaign.campaign_id) is not None:
        raise InvalidProgram(f"campaign {campaign.campaign_id} already exists")
    if campaign.effective_end <= now:
        raise InvalidProgram(f"campaign {campaign.campaign_id} is already over")
    _check_exclusive(state, campaign)
    return [CampaignAdded(**state.event_meta(now, actor), campaign=campaign.to_dict())]


def _check_exclusive(state: ProgramState, campaign: Campaign) -> None:
    # Two exclusive campaigns at once would each shut the other out: which one wins is not for us to guess.
    if not campaign.exclusive:
        return
    for other in state.campaigns:
        if other.exclusive and other.overlaps(campaign):
            raise ExclusiveCampaignsOverlap(
                f"exclusive campaigns {other.campaign_id} and {campaign.campaign_id} overlap in time",
                campaign_ids=[other.campaign_id, campaign.campaign_id],
            )


def decide_end_campaign(
    state: ProgramState | None, command: EndCampaign, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    campaign = state.campaign(command.campaign_id)
    if campaign is None:
        raise InvalidProgram(f"campaign {command.campaign_id} does not exist")
    ended_at = command.ended_at or now
    if ended_at < now or ended_at >= campaign.effective_end:
        raise InvalidProgram(
            f"campaign {command.campaign_id} can only be ended between now and its end "
            f"({campaign.effective_end.isoformat()})"
        )
    return [
        CampaignEnded(**state.event_meta(now, actor), campaign_id=campaign.campaign_id, ended_at=ended_at)
    ]


def decide_add_reward(
    state: ProgramState | None, command: AddReward, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    command.reward.validate()
    if state.reward(command.reward.reward_id) is not None:
        raise InvalidProgram(f"reward {command.reward.reward_id} already exists")
    return [RewardAdded(**state.event_meta(now, actor), reward=command.reward.to_dict())]


def _stocked_reward(state: ProgramState, reward_id: str, quantity: int) -> Reward:
    if quantity <= 0:
        raise RewardStockMustBePositive(f"quantity must be positive, got {quantity}", reward_id=reward_id)
    reward = state.reward(reward_id)
    if reward is None:
        raise InvalidProgram(f"reward {reward_id} does not exist")
    return reward


def decide_restock_reward(
    state: ProgramState | None, command: RestockReward, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    reward = _stocked_reward(state, command.reward_id, command.quantity)
    if reward.stock is None:
        raise InvalidProgram(f"reward {reward.reward_id} has unlimited stock")
    return [
        RewardStockChanged(
            **state.event_meta(now, actor),
            reward_id=reward.reward_id,
            delta=command.quantity,
            stock=reward.stock + command.quantity,
            reason="restock",
        )
    ]


def decide_take_reward_stock(
    state: ProgramState | None, command: TakeRewardStock, now: datetime, actor: str
) -> list[ProgramEvent]:
    state = require_program(state)
    reward = _stocked_reward(state, command.reward_id, command.quantity)
    if reward.stock is None:
        return []  # unlimited: nothing to count, nothing to record
    if reward.stock < command.quantity:
        raise RewardOutOfStock(
            f"reward {reward.reward_id} has {reward.stock} left, {command.quantity} asked",
            reward_id=reward.reward_id,
            stock=reward.stock,
        )
    return [
        RewardStockChanged(
            **state.event_meta(now, actor),
            reward_id=reward.reward_id,
            delta=-command.quantity,
            stock=reward.stock - command.quantity,
            reason=command.reason,
        )
    ]
