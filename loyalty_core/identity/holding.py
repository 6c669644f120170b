"""Holding a purchase for an identifier nobody owns yet, instead of refusing it.

A till that sends a sale for a phone that has not enrolled (or a marketplace buyer id not yet linked) gets
`202 unclaimed`, and the sale is kept as a `PurchaseHeld` event on that identifier's claim stream, the
aggregate whose id is derived from the normalised identifier. Nothing is priced yet: the program's rules
of the sale's own date price it when a member takes the identifier over (see crediting.py). A sale with no
member at all is held under its receipt number (kind `receipt`, value `channel/transaction_ref`).

The purchase's receipt (idempotency by channel + transaction ref) is written in the same transaction, so a
retried sale is answered `unclaimed` again and held once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.privacy.tokens import is_hashed
from loyalty_core import program as prog
from loyalty_core.identity.events import HeldPurchasesClaimed, PurchaseHeld, ReceiptLookupCodeRecorded
from loyalty_core.results import Balance, Result, register_result_type
from loyalty_core.handlers.common import purchase_reference, utc_time
from loyalty_core.planning import Context, Plan

RECEIPT = "receipt"
#: The stream of an e-invoice lookup code: it points at the receipt of the sale it names.
INVOICE_CODE = "invoice_code"
MAX_LOOKUP_CODE = 64
#: Identifier kinds a purchase may be held for until someone takes them over.
HOLDABLE = (ids.PHONE, ids.CHANNEL_ID)
DEFAULT_UNCLAIMED_DAYS = 90
DEFAULT_RECEIPT_CLAIM_DAYS = 30
NO_BALANCE = Balance(available=0, pending=0, reserved=0, lifetime_earned=0, lifetime_redeemed=0,
                     lifetime_expired=0, tier="")


@register_result_type
@dataclass(frozen=True)
class UnclaimedPurchaseResult(Result):
    """The answer to a sale held for later: no member, no points yet."""

    status: str = "unclaimed"
    transaction_ref: str = ""
    held_for: str = ""
    """The identifier kind it waits for: phone, channel_id or receipt."""
    expires_at: datetime | None = None
    """After this the sale can no longer be credited."""


@dataclass(frozen=True)
class HeldStream:
    """What one identifier's claim stream holds: its version and the purchases still waiting."""

    claim_id: UUID
    version: int
    owner: UUID | None
    waiting: list[PurchaseHeld]
    claimed_by: dict[str, UUID]
    """Reference -> the member who took it (for a receipt claimed twice)."""


def read_stream(events: Iterable[ev.Event], claim_id: UUID) -> HeldStream:
    version, owner, waiting, claimed_by = 0, None, {}, {}
    for event in events:
        version = event.originator_version
        if isinstance(event, ev.ClaimTaken):
            owner = event.member_id
        elif isinstance(event, ev.ClaimReleased):
            owner = None
        elif isinstance(event, PurchaseHeld):
            waiting[purchase_reference(event.channel, event.transaction_ref)] = event
        elif isinstance(event, HeldPurchasesClaimed):
            for reference in event.credited + event.expired:
                waiting.pop(reference, None)
                claimed_by[reference] = event.member_id
    return HeldStream(claim_id, version, owner, list(waiting.values()), claimed_by)


def load_stream(store: Any, claim_id: UUID) -> HeldStream:
    return read_stream(store.events.get(claim_id), claim_id)


def unclaimed_days(policy: Any) -> int:
    program = policy.installed() if hasattr(policy, "installed") else None
    return int(getattr(program, "unclaimed_purchase_days", DEFAULT_UNCLAIMED_DAYS))


def receipt_claim_days(policy: Any) -> int:
    program = policy.installed() if hasattr(policy, "installed") else None
    return int(getattr(program, "receipt_claim_days", DEFAULT_RECEIPT_CLAIM_DAYS))


def holding_purchases(inner: Callable[[Context, Any], Plan]) -> Callable[[Context, Any], Plan]:
    """Wrap the program's purchase handler: a sale for nobody yet is held instead of refused."""

    def record_or_hold(ctx: Context, c: cmd.RecordPurchase) -> Plan:
        lookup_code(c.invoice_lookup_code)  # checked whoever the sale is for: a bad code writes nothing
        given = c.member.given() if isinstance(c.member, cmd.MemberRef) else []
        if not given:
            value = purchase_reference(c.channel, c.transaction_ref)
            return hold(ctx, c, RECEIPT, value, ctx.service.store.load_claim(ids.claim_id(RECEIPT, value)))
        try:
            return inner(ctx, c)
        except errors.MemberNotFound:
            if len(given) != 1 or given[0][0] not in HOLDABLE:
                raise
            kind, raw = given[0]
            value = ids.normalise(kind, raw)
            claim = ctx.service.store.load_claim(ids.claim_id(kind, value))
            if claim is not None and claim.member_id is not None:
                return inner(ctx, c)  # enrolled between the two reads: an ordinary purchase after all
            # Held on the claim as read here: if it is taken before this is written, the version moved,
            # the store refuses the write and this sale is decided again (and then finds the member).
            return hold(ctx, c, kind, value, claim)

    record_or_hold.holds_unclaimed = True  # type: ignore[attr-defined]
    return record_or_hold


def hold(ctx: Context, c: cmd.RecordPurchase, kind: str, value: str, claim: Any) -> Plan:
    from loyalty_core.program_policy import FUTURE_SKEW, _purchase_model  # the program's own checks of a sale

    occurred_at = utc_time(c.occurred_at, ctx.now)
    if occurred_at > ctx.now + FUTURE_SKEW:
        raise errors.InvalidInput("occurred_at is in the future", field="occurred_at")
    purchase = _purchase_model(c, occurred_at)  # a sale from before any program is held too: a sale is a fact
    claim_id = ids.claim_id(kind, value)
    event = PurchaseHeld(originator_id=claim_id, originator_version=(claim.version if claim else 0) + 1,
                         timestamp=ctx.now, kind=kind, value=value, channel=c.channel, store_id=c.store_id,
                         actor=c.actor, transaction_ref=c.transaction_ref, occurred_at=occurred_at,
                         total=purchase.total, currency=c.currency, lines=[_line(line) for line in purchase.lines])
    days = receipt_claim_days(ctx.service.policy) if kind == RECEIPT else unclaimed_days(ctx.service.policy)
    events: list[ev.Event] = [event]
    code = lookup_code(c.invoice_lookup_code)
    if kind == RECEIPT and code is not None:
        events.append(_code_pointer(ctx, c, code))
    result = UnclaimedPurchaseResult(member_id=None, balance=NO_BALANCE,  # type: ignore[arg-type]
                                     transaction_ref=c.transaction_ref, held_for=kind,
                                     expires_at=occurred_at + timedelta(days=days))
    return Plan(events, result)


def lookup_code(value: Any) -> str | None:
    """An e-invoice lookup code as printed (`B7K2 9QX1`, `b7k29qx1`) in one spelling; None when not given."""
    if value is None or value == "":
        return None
    code = "".join(value.split()).upper() if isinstance(value, str) else ""
    if not code or len(code) > MAX_LOOKUP_CODE or not code.isascii() or not code.replace("-", "").isalnum():
        raise errors.InvalidInput(f"invoice_lookup_code is 1 to {MAX_LOOKUP_CODE} letters, digits and dashes",
                                  field="invoice_lookup_code")
    return code


def _code_pointer(ctx: Context, c: cmd.RecordPurchase, code: str) -> ReceiptLookupCodeRecorded:
    # Version 1 of the code's stream: a second sale with the same code (at once or later) is refused by the
    # store or by this read, so a code can never name two sales.
    claim_id = ids.claim_id(INVOICE_CODE, code)
    if ctx.service.store.load_claim(claim_id) is not None:
        raise errors.InvalidInput("this invoice lookup code already names another sale",
                                  field="invoice_lookup_code")
    return ReceiptLookupCodeRecorded(originator_id=claim_id, originator_version=1, timestamp=ctx.now,
                                     kind=INVOICE_CODE, value=code, channel=c.channel,
                                     transaction_ref=c.transaction_ref)


def receipt_of_code(store: Any, code: str) -> tuple[str, str] | None:
    """The (channel, transaction_ref) an e-invoice lookup code names, or None for a code no sale gave."""
    for event in store.events.get(ids.claim_id(INVOICE_CODE, code)):
        if isinstance(event, ReceiptLookupCodeRecorded):
            return event.channel, event.transaction_ref
    return None


def _line(line: prog.PurchaseLine) -> dict[str, Any]:
    return {"sku": line.sku, "category": line.category, "quantity": line.quantity,
            "unit_price": str(line.unit_price), "amount": str(line.amount)}


def purchase_of(held: PurchaseHeld) -> prog.Purchase:
    lines = tuple(prog.PurchaseLine(sku=line["sku"], category=line.get("category"), quantity=int(line["quantity"]),
                                    unit_price=Decimal(line["unit_price"]), amount=Decimal(line["amount"]))
                  for line in held.lines)
    return prog.Purchase(transaction_ref=held.transaction_ref, channel=held.channel, store_id=held.store_id,
                         occurred_at=held.occurred_at, currency=held.currency, total=held.total, lines=lines)


def is_expired(held: PurchaseHeld, days: int, now: datetime) -> bool:
    return held.occurred_at + timedelta(days=days) <= now


def credited_member(store: Any, receipt: ev.CommandAccepted) -> UUID | None:
    """The member a held sale was later credited to, from the sale's own receipt (which still says
    `unclaimed`): for the refund of such a sale. None while it is still held, or if it expired."""
    if receipt.result.get("type") != UnclaimedPurchaseResult.__name__:
        return None
    request = receipt.request
    reference = purchase_reference(request.get("channel", ""), request.get("transaction_ref", ""))
    given = [(k, v) for k, v in (request.get("member") or {}).items() if v is not None]
    try:  # a receipt keeps a held sale's identifier as its keyed hash, which names the claim as it is
        kind, value = ((given[0][0], given[0][1] if is_hashed(given[0][1]) else ids.normalise(*given[0]))
                       if given else (RECEIPT, reference))
    except errors.LoyaltyError:
        return None
    for event in store.events.get(ids.claim_id(kind, value)):
        if isinstance(event, HeldPurchasesClaimed) and reference in event.credited:
            return event.member_id
    return None
