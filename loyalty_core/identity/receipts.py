"""Receipt claiming ("tích điểm sau"): a member who forgot to scan claims the sale later by its receipt number.

A sale the till recorded with no member is held under its receipt (kind `receipt`, value
`channel/transaction_ref`); if the till sent the e-invoice's lookup code with it, that code names the
receipt too, so the shopper may type either. `ClaimReceipt` credits it to the member who asks, priced with
the rules of the sale's own date, and writes `HeldPurchasesClaimed` on the receipt's stream in the same
transaction. The stream's version makes the claim once-only: two members claiming the same receipt at the
same moment conflict in the store, and the one decided second sees it already claimed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import identifiers as ids
from loyalty_core.identity.crediting import credit
from loyalty_core.identity.events import HeldPurchasesClaimed
from loyalty_core.identity.holding import (
    RECEIPT,
    load_stream,
    lookup_code,
    receipt_claim_days,
    receipt_of_code,
)
from loyalty_core.results import Balance, EarnResult
from loyalty_core.handlers.common import checked_text, purchase_reference
from loyalty_core.planning import Context, Plan


class ReceiptAlreadyClaimed(errors.LoyaltyError):
    code = "receipt_already_claimed"
    message_vi = "Hoá đơn này đã được tích điểm."


class ReceiptClaimWindowClosed(errors.LoyaltyError):
    code = "receipt_claim_window_closed"
    message_vi = "Đã quá hạn tích điểm cho hoá đơn này."


@dataclass(frozen=True, kw_only=True)
class ClaimReceipt(cmd.Command):
    member: cmd.MemberRef
    transaction_ref: str = ""
    """The receipt number printed on the bill."""
    sale_channel: str = "pos"
    """The channel that recorded the sale (the till's)."""
    invoice_lookup_code: str | None = None
    """Instead of the receipt number: the e-invoice's lookup code, when the till sent one with the sale."""


def claim_receipt(ctx: Context, c: ClaimReceipt) -> Plan:
    channel, transaction_ref = _receipt_named(ctx, c)
    reference = purchase_reference(channel, transaction_ref)
    claim_id = ids.claim_id(RECEIPT, reference)
    stream = load_stream(ctx.service.store, claim_id)
    if reference in stream.claimed_by:
        raise ReceiptAlreadyClaimed(f"receipt {transaction_ref} was already claimed",
                                    transaction_ref=transaction_ref)
    if not stream.waiting:
        raise errors.TransactionNotFound(f"no unclaimed sale {transaction_ref} from {channel}",
                                         transaction_ref=transaction_ref)
    held = stream.waiting[0]
    days = receipt_claim_days(ctx.service.policy)
    if held.occurred_at + timedelta(days=days) <= ctx.now:
        raise ReceiptClaimWindowClosed(f"receipts can be claimed within {days} days of the sale", days=days)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    plan = ctx.plan(change, EarnResult(member_id=member.id, balance=Balance.of(change.current),
                                       reference=transaction_ref))
    plan.member = change.current
    points_before = change.current.lifetime_earned
    credited, _ = credit(ctx, plan, [held], days)
    if not credited:
        raise errors.InvalidInput(f"sale {transaction_ref} is already on this member",
                                  field="transaction_ref")
    plan.events.append(HeldPurchasesClaimed(originator_id=claim_id, originator_version=stream.version + 1,
                                            timestamp=ctx.now, kind=RECEIPT, value=reference, member_id=member.id,
                                            credited=credited))
    earned = plan.member.lifetime_earned - points_before
    plan.result = EarnResult(member_id=member.id, balance=Balance.of(plan.member), reference=transaction_ref,
                             points_earned=earned)
    return plan


def _receipt_named(ctx: Context, c: ClaimReceipt) -> tuple[str, str]:
    """(channel, transaction_ref) of the sale claimed: by its receipt number, or by its e-invoice lookup code
    (which names the receipt; the claim itself is always made on the receipt's stream)."""
    code = lookup_code(c.invoice_lookup_code)
    if code is None:
        checked_text(c.transaction_ref, "transaction_ref", required=True)
        checked_text(c.sale_channel, "sale_channel", required=True)
        return c.sale_channel, c.transaction_ref
    if c.transaction_ref:
        raise errors.InvalidInput("give the receipt number or the invoice lookup code, not both",
                                  field="invoice_lookup_code")
    named = receipt_of_code(ctx.service.store, code)
    if named is None:
        raise errors.TransactionNotFound(f"no sale has the invoice lookup code {code}", transaction_ref=code)
    return named
