"""Rewards under the program: redeeming one for points, its voucher, its stock, and giving it back.

Stock behaves like a campaign budget: each stocked reward has a small aggregate of its own (its
`RewardStockTaken` events) charged in the same transaction as the redemption. Two redemptions racing for the
last unit conflict on that aggregate's version and the loser is decided again, so a reward is never oversold
and never refused while a unit is left; redemptions of other rewards, and the program aggregate, are never
touched. A reward given back (a reversed redemption) returns its unit the same way.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from loyalty_core import commands as cmd
from loyalty_core import decide, errors
from loyalty_core import events as ev
from loyalty_core import program as prog
from loyalty_core.results import Balance, RedemptionResult
from loyalty_core.handlers import points as plain_ledger
from loyalty_core.handlers.common import VOUCHER, new_id, new_voucher_code
from loyalty_core.planning import Context, Plan

#: How long a voucher stays valid when its reward names no `valid_days`.
VOUCHER_DAYS = 90


def stock_id_for(program_id: UUID, reward_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/programs/{program_id}/rewards/{reward_id}/stock")


def redeem_reward(policy: Any, ctx: Context, c: cmd.RedeemPoints) -> Plan:
    """Spend a reward's points cost for a voucher, if the member is in its segment and a unit is left."""
    program = policy.book.current()
    reward = program.reward(c.reward_id or "")
    if reward is None or reward.points_cost is None:
        raise errors.RewardNotFound(f"no reward {c.reward_id} to redeem with points", reward_id=c.reward_id)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    if reward.member_condition is not None and not reward.member_condition.holds(policy.facts(change.current),
                                                                                 ctx.now):
        raise prog.errors.OfferNotEligible(f"reward {reward.reward_id} is for another group of members",
                                           reward_id=reward.reward_id)
    redemption_id = new_id("rdm_")
    extra = take_stock(policy.program_id, ctx, reward, member.id, redemption_id)
    code = new_voucher_code()
    decide.redeem(change, redemption_id=redemption_id, points=reward.points_cost, order_ref=c.order_ref,
                  reward_id=reward.reward_id, voucher_code=code)
    ctx.take_new_claim(VOUCHER, code, member.id)
    change.add(ev.VoucherIssued, voucher_code=code, reward_id=reward.reward_id, redemption_id=redemption_id,
               expires_at=ctx.now + timedelta(days=reward.valid_days or VOUCHER_DAYS), reason="redeemed")
    return ctx.plan(change, RedemptionResult(member_id=member.id, balance=Balance.of(change.current),
                                             redemption_id=redemption_id, points=reward.points_cost,
                                             voucher_code=code, reward_id=reward.reward_id), *extra)


def take_stock(program_id: UUID, ctx: Context, reward: prog.Reward, member_id: UUID, reference: str
               ) -> list[ev.Event]:
    """One unit of a stocked reward, charged to its own aggregate at the version this decision read."""
    if reward.stock is None:
        return []
    stock_id = stock_id_for(program_id, reward.reward_id)
    version, taken = ctx.service.store.load_budget(stock_id)
    left = reward.stock - taken
    if left < 1:
        raise prog.errors.RewardOutOfStock(f"reward {reward.reward_id} is out of stock",
                                           reward_id=reward.reward_id, stock=max(left, 0))
    return [ev.RewardStockTaken(originator_id=stock_id, originator_version=version + 1, timestamp=ctx.now,
                                reward_id=reward.reward_id, units=1, member_id=member_id, reference=reference)]


def reverse_redemption(ctx: Context, c: cmd.ReverseRedemption) -> Plan:
    """The plain ledger's reversal; a stocked reward given back returns its unit in the same write."""
    plan = plain_ledger.reverse_redemption(ctx, c)
    policy = ctx.service.policy
    program = policy.installed()
    if plan.member is None or program is None:
        return plan
    rewards = {v.reward_id for v in plan.member.vouchers.values() if v.redemption_id == c.redemption_id}
    for reward_id in sorted(rewards):
        reward = program.reward(reward_id)
        if reward is not None and reward.stock is not None:
            stock_id = stock_id_for(policy.program_id, reward_id)
            version, _ = ctx.service.store.load_budget(stock_id)
            plan.events.append(ev.RewardStockTaken(originator_id=stock_id, originator_version=version + 1,
                                                   timestamp=ctx.now, reward_id=reward_id, units=-1,
                                                   member_id=plan.member.id, reference=c.redemption_id))
    return plan
