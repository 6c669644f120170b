"""A refund under the program: it takes back what the refunded part of the purchase earned, all of it.

The plain ledger's refund takes back points pro rata to the money refunded. Under a program a purchase
earns more than points, and a refund undoes each part (docs/program.md, "Refunds"):

- **points**: pro rata to the money refunded; or, when the till names the returned lines, exactly what
  those lines earned: the purchase is priced again, with the program and the member's facts as they were
  when it happened, with and without the returned lines, and the difference is taken back (so a refunded
  SKU-bonus line takes its bonus with it). Cumulative, so several refunds never take more than was earned.
- **stamps**: the stamps of the refunded items come off the card. If the purchase completed a card, the
  voucher it earned is cancelled while unused; if it was already used, the stamps that remain are taken and
  the rest written off (progress never goes below zero).
- **tier**: a refund within the refund policy's `return_window_days` of the purchase undoes the tier the
  purchase bought: the member goes back to the higher of the tier held before it and the tier the figures
  still reach (`refunded`). Later refunds only lower the figures, and the ladder's review decides.

Facts about the purchase come from the member's own events and its receipt, never from a projection.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from loyalty_core import commands as cmd
from loyalty_core import decide, errors
from loyalty_core import events as ev
from loyalty_core import program as prog
from loyalty_core.member import Member
from loyalty_core.results import Balance, RefundResult
from loyalty_core.handlers.common import purchase_reference, utc_time
from loyalty_core.handlers.refunds import check_refund_within_purchase, refund_target
from loyalty_core.planning import Context, Plan


@dataclass
class PurchaseHistory:
    """What the member's events say about one purchase and the refunds already made against it."""

    earned: ev.MemberEvent | None = None
    stamps_added: dict[str, int] = field(default_factory=dict)
    vouchers: list[str] = field(default_factory=list)
    stamps_taken: dict[str, int] = field(default_factory=dict)
    returned: dict[str, int] = field(default_factory=dict)


def purchase_history(events: list[ev.Event], reference: str) -> PurchaseHistory:
    history = PurchaseHistory()
    for event in events:
        if isinstance(event, ev.PointsEarned) and event.source == "purchase" and event.reference == reference or \
                isinstance(event, ev.PurchaseRecorded) and event.transaction_ref == reference:
            history.earned = event
            history.stamps_added = dict(event.stamps_added)
        elif isinstance(event, ev.VoucherIssued) and event.reason == "stamp_card" and (
                event.reference == reference or event.reference is None and history.earned is not None
                and event.timestamp == history.earned.timestamp and not history.vouchers):
            history.vouchers.append(event.voucher_code)
        elif isinstance(event, ev.EarnReversed) and event.transaction_ref == reference:
            for card, count in event.stamps_taken.items():
                history.stamps_taken[card] = history.stamps_taken.get(card, 0) + count
            for sku, quantity in event.lines:
                history.returned[sku] = history.returned.get(sku, 0) + quantity
    return history


def _purchase_model(receipt: ev.CommandAccepted) -> prog.Purchase:
    """The purchase as the till sent it, read back from its receipt."""
    body = receipt.request
    currency = body.get("currency", "VND")
    occurred_at = datetime.fromisoformat(body["occurred_at"]) if body.get("occurred_at") else receipt.timestamp
    lines = tuple(prog.PurchaseLine(sku=line["sku"], category=line.get("category"), quantity=int(line["quantity"]),
                                    unit_price=Decimal(line.get("unit_price", "0")), amount=Decimal(line["amount"]))
                  for line in body.get("lines", []))
    return prog.Purchase(transaction_ref=body["transaction_ref"], channel=body.get("channel", "pos"),
                         store_id=body.get("store_id"), occurred_at=utc_time(occurred_at, receipt.timestamp),
                         currency=currency, total=Decimal(body["total"]), lines=lines)


def _without(purchase: prog.Purchase, returned: dict[str, int]) -> prog.Purchase:
    """The purchase as if the `returned` units had never been bought (total scaled by the same share)."""
    left, todo = [], dict(returned)
    for line in purchase.lines:
        back = min(todo.get(line.sku, 0), line.quantity)
        todo[line.sku] = todo.get(line.sku, 0) - back
        if back < line.quantity:
            keep = line.quantity - back
            left.append(dataclasses.replace(line, quantity=keep, amount=line.amount * keep / line.quantity))
    gross = sum((line.amount for line in purchase.lines), Decimal(0))
    kept = sum((line.amount for line in left), Decimal(0))
    total = purchase.total * kept / gross if gross else Decimal(0)
    return dataclasses.replace(purchase, lines=tuple(left), total=total)


def _check_lines(purchase: prog.Purchase, history: PurchaseHistory, lines: tuple[cmd.RefundLineInput, ...]
                 ) -> dict[str, int]:
    bought: dict[str, int] = {}
    for line in purchase.lines:
        bought[line.sku] = bought.get(line.sku, 0) + line.quantity
    asked: dict[str, int] = {}
    for i, line in enumerate(lines):
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or line.quantity <= 0:
            raise errors.InvalidInput(f"lines[{i}].quantity must be a positive whole number",
                                      field=f"lines[{i}].quantity")
        asked[line.sku] = asked.get(line.sku, 0) + line.quantity
    for sku, quantity in asked.items():
        left = bought.get(sku, 0) - history.returned.get(sku, 0)
        if quantity > left:
            raise errors.InvalidInput(f"{quantity} × {sku} returned, but only {max(left, 0)} of it can be",
                                      field="lines")
    return asked


class RefundPricing:
    """Prices the purchase again, as it happened, to see what its returned lines earned."""

    def __init__(self, ctx: Context, member: Member, history: PurchaseHistory, receipt: ev.CommandAccepted):
        policy = ctx.service.policy
        earned = history.earned
        self.occurred_at = earned.occurred_at if earned is not None else receipt.timestamp
        from loyalty_core.program_policy import program_in_force  # a sale from before go-live is refundable too

        self.program = program_in_force(policy, self.occurred_at) or policy.book.current()
        before = ctx.service.store.load_member_at(member.id, earned.originator_version - 1) if earned else None
        self.member_before = before
        self.facts = policy.facts(before or member)
        try:
            self.purchase: prog.Purchase | None = _purchase_model(receipt)
        except (KeyError, TypeError, ValueError, ArithmeticError):
            self.purchase = None  # a receipt of another shape: the sale's lines are not known

    def lines(self) -> prog.Purchase:
        if self.purchase is None or not self.purchase.lines:
            raise errors.InvalidInput("this purchase was recorded without its lines; refund it by amount",
                                      field="lines")
        return self.purchase

    def decision(self, returned: dict[str, int]) -> prog.EarnDecision:
        return prog.evaluate_purchase(_without(self.lines(), returned), self.program, self.facts, {})


def refund_purchase(ctx: Context, c: cmd.RefundPurchase) -> Plan:
    """The program's refund: points, stamps, the stamp-card voucher and the tier the purchase bought."""
    target = refund_target(ctx, c)
    member, reference, earning, amount = target.member, target.reference, target.earning, target.amount
    history = purchase_history(ctx.service.store.member_events(member.id), reference)
    pricing = RefundPricing(ctx, member, history, target.receipt)
    returned = _check_lines(pricing.lines(), history, c.lines) if c.lines else {}
    check_refund_within_purchase(target)
    policy = ctx.service.policy
    change = ctx.change(member)
    if returned:
        points, stamps_back = _by_lines(pricing, history, earning, returned)
    else:
        points = policy.points_to_claw_back(earning, amount)
        stamps_back = _stamps_pro_rata(history, earning, amount)
    stamps_reversed = _take_stamps(change, pricing.program, history, stamps_back, reference)
    event = decide.reverse_earn(change, transaction_ref=reference, refund_ref=c.refund_ref, refund_amount=amount,
                                points=points, spend_reversed=amount, policy=policy.shortfall_policy(),
                                stamps_reversed=stamps_reversed, stamps_taken=stamps_back,
                                lines=[[sku, quantity] for sku, quantity in sorted(returned.items())])
    _undo_tier(change, policy.book.current(), pricing, history)
    return ctx.plan(change, RefundResult(member_id=member.id, balance=Balance.of(change.current),
                                         transaction_ref=c.transaction_ref, refund_ref=c.refund_ref,
                                         points_reversed=event.points_reversed, shortfall=event.shortfall,
                                         settled_by=event.settled_by))


def _by_lines(pricing: RefundPricing, history: PurchaseHistory, earning: Any, returned: dict[str, int]
              ) -> tuple[int, dict[str, int]]:
    """Points and stamps the returned lines earned: the purchase priced with and without all lines returned
    so far, minus what earlier refunds already took."""
    so_far = {sku: history.returned.get(sku, 0) + returned.get(sku, 0) for sku in {*history.returned, *returned}}
    full, rest = pricing.decision({}), pricing.decision(so_far)
    target = min(max(full.points - rest.points, 0), earning.points)
    points = max(target - earning.points_reversed, 0)
    stamps = {card: max(count - rest.stamps_added.get(card, 0) - history.stamps_taken.get(card, 0), 0)
              for card, count in full.stamps_added.items()}
    return points, {card: n for card, n in stamps.items() if n}


def _stamps_pro_rata(history: PurchaseHistory, earning: Any, amount: Decimal) -> dict[str, int]:
    """Stamps of a refund by amount: the refunded share of the purchase's stamps, rounded down, all of them
    once the whole purchase is refunded."""
    refunded = earning.refunded + amount
    whole = refunded >= earning.spend
    back = {}
    for card, count in history.stamps_added.items():
        target = count if whole or earning.spend <= 0 else int(count * refunded / earning.spend)
        take = target - history.stamps_taken.get(card, 0)
        if take > 0:
            back[card] = take
    return back


def _take_stamps(change: decide.Change, program: prog.ProgramState, history: PurchaseHistory,
                 stamps_back: dict[str, int], reference: str) -> dict[str, int]:
    """Take stamps off each card; a completed card's unused voucher goes back first. Returns the net change
    recorded on the event (negative when a cancelled voucher gave its card's stamps back)."""
    recorded = {}
    for card, count in sorted(stamps_back.items()):
        rule = next((r for r in program.rules if isinstance(r, prog.StampCard) and r.card_id == card), None)
        available = max(change.current.stamps.get(card, 0), 0)
        given_back = 0
        while rule is not None and rule.reward_id and available < count:
            code = _unused_voucher(change.current, history)
            if code is None:
                break
            change.add(ev.VoucherCancelled, voucher_code=code, reason="refunded")
            available += rule.stamps_required
            given_back += rule.stamps_required
        recorded[card] = min(count, available) - given_back  # what cannot be taken is written off
    return {card: n for card, n in recorded.items() if n}


def _unused_voucher(member: Member, history: PurchaseHistory) -> str | None:
    """A voucher this purchase earned and the member has not used yet."""
    for code in history.vouchers:
        voucher = member.vouchers.get(code)
        if voucher is not None and voucher.status == "issued":
            return code
    return None


def _undo_tier(change: decide.Change, program: prog.ProgramState, pricing: RefundPricing,
               history: PurchaseHistory) -> None:
    member, ladder = change.current, program.tiers
    before = pricing.member_before
    if history.earned is None or before is None or ladder.tier(member.tier) is None:
        return
    window = timedelta(days=program.refund.return_window_days)
    if change.now - pricing.occurred_at > window or member.last_tier_change_at is None or \
            member.last_tier_change_at < history.earned.timestamp:
        return  # outside the window, or the tier was not reached by this purchase or after it
    figures = prog.window_figures(member.purchases, ladder, change.now)
    still = prog.qualifying_tier(ladder, figures)
    held = before.tier if ladder.tier(before.tier) is not None else ladder.tiers[0].code
    target = max(still, held, key=ladder.rank)
    if ladder.rank(target) < ladder.rank(member.tier):
        decide.change_tier(change, to_tier=target, reason="refunded",
                           figures={k: str(v) for k, v in figures.items()})
