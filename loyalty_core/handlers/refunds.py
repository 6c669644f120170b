"""Refunds of a purchase: find what it earned through its receipt, and claw back its share of the points."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from loyalty_core import commands as cmd
from loyalty_core import decide
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.handlers.common import checked_text, purchase_reference
from loyalty_core.member import Member
from loyalty_core.money import parse_money
from loyalty_core.planning import Context, Plan
from loyalty_core.results import Balance, RefundResult

@dataclass(frozen=True)
class RefundTarget:
    """The purchase a refund names, found through its receipt, with the refund's amount checked against it."""

    receipt: ev.CommandAccepted
    member: Member
    reference: str
    earning: Any
    amount: Decimal


def refund_target(ctx: Context, c: cmd.RefundPurchase) -> RefundTarget:
    """Find the refunded purchase; refuse a refund that names nothing or repeats itself."""
    checked_text(c.refund_ref, "refund_ref", required=True)
    purchase_channel = c.purchase_channel or c.channel
    receipt = ctx.service.store.load_receipt(ids.receipt_id(f"purchase/{purchase_channel}", c.transaction_ref))
    if receipt is None or receipt.member_id is None:
        raise errors.TransactionNotFound(f"no purchase {c.transaction_ref} from {purchase_channel}",
                                         transaction_ref=c.transaction_ref)
    member = ctx.service.resolve(cmd.MemberRef(member_id=receipt.member_id))
    reference = purchase_reference(purchase_channel, c.transaction_ref)
    earning = member.earnings.get(reference)
    if earning is None:
        raise errors.TransactionNotFound(f"purchase {c.transaction_ref} earned nothing to reverse")
    amount = parse_money(c.amount, earning.currency, field="amount", allow_zero=False)
    if c.refund_ref in earning.refund_refs:
        raise errors.InvalidInput(f"refund {c.refund_ref} was already applied", field="refund_ref")
    return RefundTarget(receipt, member, reference, earning, amount)


def check_refund_within_purchase(target: RefundTarget) -> None:
    earning, amount = target.earning, target.amount
    if earning.refunded + amount > earning.spend:
        raise errors.RefundExceedsPurchase(
            f"refunds would total {earning.refunded + amount}, more than the {earning.spend} that earned points",
            refundable=str(earning.spend - earning.refunded))


def refund_purchase(ctx: Context, c: cmd.RefundPurchase) -> Plan:
    target = refund_target(ctx, c)
    check_refund_within_purchase(target)
    member, reference, earning, amount = target.member, target.reference, target.earning, target.amount
    change = ctx.change(member)
    points = ctx.service.policy.points_to_claw_back(earning, amount)
    event = decide.reverse_earn(change, transaction_ref=reference, refund_ref=c.refund_ref, refund_amount=amount,
                                points=points, spend_reversed=amount, policy=ctx.service.policy.shortfall_policy())
    return ctx.plan(change, RefundResult(member_id=member.id, balance=Balance.of(change.current),
                                         transaction_ref=c.transaction_ref, refund_ref=c.refund_ref,
                                         points_reversed=event.points_reversed, shortfall=event.shortfall,
                                         settled_by=event.settled_by))
