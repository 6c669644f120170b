"""Decisions: what a command on a member means, as new events, given the state and the time.

A `Change` starts from the member as loaded and folds each new event as it is decided, so a command can
first apply what is already due (timed-out reservations, pending points, expired lots and vouchers) and
then decide against the up-to-date balance. Nothing here reads a clock, makes an id or does I/O: those
come in as arguments. Points are spent from lots earliest-expiry first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core.member import Member, evolve, lot_for_earn, new_lot_id
from loyalty_core.money import MAX_BALANCE, check_points


@dataclass(frozen=True)
class Cause:
    channel: str
    store_id: str | None
    actor: str


class Change:
    """The events one command adds to one member, folded as they are decided."""

    def __init__(self, member: Member | None, now: datetime, cause: Cause, member_id: UUID | None = None):
        self.before = member
        self.member = member
        self.now = now
        self.cause = cause
        self.member_id = member.id if member else member_id
        self.events: list[ev.MemberEvent] = []

    @property
    def version(self) -> int:
        return self.member.version if self.member else 0

    def add(self, cls: type[ev.MemberEvent], **payload: Any) -> ev.MemberEvent:
        event = cls(originator_id=self.member_id, originator_version=self.version + 1, timestamp=self.now,
                    channel=self.cause.channel, store_id=self.cause.store_id, actor=self.cause.actor, **payload)
        self.member = evolve(event, self.member)
        self.events.append(event)
        return event

    @property
    def current(self) -> Member:
        if self.member is None:
            raise errors.MemberNotFound("member not found")
        return self.member


# --- due work -------------------------------------------------------------------------------------


def apply_due(change: Change, inactivity_expires_at: datetime | None = None) -> None:
    """Apply everything already due at `change.now`; safe to call any number of times."""
    member, now = change.current, change.now
    inactive = inactivity_expires_at is not None and inactivity_expires_at <= now
    if not inactive and (member.next_due_at is None or member.next_due_at > now):
        return
    for reservation in sorted(member.reservations.values(), key=lambda r: r.reservation_id):
        if reservation.hold_until <= now:
            change.add(ev.ReservationReleased, reservation_id=reservation.reservation_id,
                       points=reservation.points, reason="timed_out", lots=[list(m) for m in reservation.lots])
    for lot in sorted(change.current.lots.values(), key=lambda lot: lot.lot_id):
        if lot.pending_until is not None and lot.pending_until <= now:
            settled = min(change.current.debt, lot.remaining)
            change.add(ev.PendingPointsReleased, lot_id=lot.lot_id, points=lot.remaining, debt_settled=settled)
    # While the balance is negative nothing expires: the member is paying back a debt.
    if change.current.debt == 0:
        for lot in sorted(change.current.lots.values(), key=lambda lot: lot.lot_id):
            if lot.remaining <= 0 or lot.is_pending:
                continue
            if inactive:
                change.add(ev.PointsExpired, lot_id=lot.lot_id, points=lot.remaining, policy="inactivity")
            elif lot.expires_at is not None and lot.expires_at <= now:
                change.add(ev.PointsExpired, lot_id=lot.lot_id, points=lot.remaining, policy="lot_expiry")
    for voucher in sorted(change.current.vouchers.values(), key=lambda v: v.code):
        if voucher.status == "issued" and voucher.expires_at is not None and voucher.expires_at <= now:
            change.add(ev.VoucherCancelled, voucher_code=voucher.code, reason="expired")


# --- earning --------------------------------------------------------------------------------------


def _check_ceiling(member: Member, points: int) -> None:
    if member.points_available + member.points_pending + member.points_reserved + points > MAX_BALANCE:
        raise errors.AmountTooLarge(f"a balance above {MAX_BALANCE} points is not allowed", field="points")


def earn(change: Change, *, points: int, source: str, reference: str, occurred_at: datetime,
         pending_until: datetime | None, expires_at: datetime | None, **details: Any) -> ev.MemberEvent:
    check_points(points)
    member = change.current
    _check_ceiling(member, points)
    pending = pending_until if pending_until is not None and pending_until > change.now else None
    settled = 0 if pending else min(member.debt, points)
    lot_id = lot_for_earn(member, source=source, pending_until=pending, expires_at=expires_at)
    return change.add(ev.PointsEarned, lot_id=lot_id, points=points, source=source,
                      reference=reference, occurred_at=occurred_at, pending_until=pending,
                      expires_at=expires_at, debt_settled=settled, **details)


# --- spending -------------------------------------------------------------------------------------


def _pick_lots(member: Member, points: int) -> list[list[Any]]:
    if points > member.points_available:
        raise errors.InsufficientPoints(
            f"{points} points requested, {max(member.points_available, 0)} available",
            requested=points, available=max(member.points_available, 0))
    moves, needed = [], points
    for lot in member.spendable_lots():
        take = min(lot.remaining, needed)
        moves.append([lot.lot_id, take])
        needed -= take
        if needed == 0:
            break
    return moves


def reserve(change: Change, *, reservation_id: str, points: int, order_ref: str, hold_until: datetime) -> None:
    check_points(points)
    moves = _pick_lots(change.current, points)
    change.add(ev.PointsReserved, reservation_id=reservation_id, points=points, order_ref=order_ref,
               hold_until=hold_until, lots=moves)


def _open_reservation(member: Member, reservation_id: str):
    closed = member.closed_reservations.get(reservation_id)
    if closed == "captured":
        raise errors.ReservationAlreadyCaptured(f"reservation {reservation_id} was already captured")
    if closed == "cancelled":
        raise errors.ReservationAlreadyReleased(f"reservation {reservation_id} was already released")
    if closed == "timed_out":
        raise errors.ReservationExpired(f"reservation {reservation_id} expired before it was captured")
    try:
        return member.reservations[reservation_id]
    except KeyError:
        raise errors.ReservationNotFound(f"no reservation {reservation_id}") from None


def capture(change: Change, *, reservation_id: str, points: int | None, redemption_id: str) -> tuple[int, int]:
    reservation = _open_reservation(change.current, reservation_id)
    captured = reservation.points if points is None else check_points(points)
    if captured > reservation.points:
        raise errors.CaptureExceedsReservation(
            f"capturing {captured} points but only {reservation.points} are reserved",
            requested=captured, reserved=reservation.points)
    # Give back the latest-expiring part of the hold; what is spent stays earliest-expiry first.
    released, to_release = [], reservation.points - captured
    for lot_id, held in reversed(reservation.lots):
        if to_release == 0:
            break
        back = min(held, to_release)
        released.append([lot_id, back])
        to_release -= back
    change.add(ev.ReservationCaptured, reservation_id=reservation_id, points=captured,
               released_points=reservation.points - captured, released_lots=released, redemption_id=redemption_id)
    return captured, reservation.points - captured


def release(change: Change, *, reservation_id: str) -> int:
    reservation = _open_reservation(change.current, reservation_id)
    change.add(ev.ReservationReleased, reservation_id=reservation_id, points=reservation.points,
               reason="cancelled", lots=[list(m) for m in reservation.lots])
    return reservation.points


def redeem(change: Change, *, redemption_id: str, points: int, order_ref: str, reward_id: str | None = None,
           voucher_code: str | None = None, discount_amount: Decimal | None = None) -> None:
    check_points(points)
    moves = _pick_lots(change.current, points)
    change.add(ev.PointsRedeemed, redemption_id=redemption_id, points=points, order_ref=order_ref, lots=moves,
               reward_id=reward_id, voucher_code=voucher_code, discount_amount=discount_amount)


def reverse_redemption(change: Change, *, redemption_id: str, reason: str) -> int:
    redemption = change.current.redemptions.get(redemption_id)
    if redemption is None:
        raise errors.RedemptionNotFound(f"no redemption {redemption_id}")
    if redemption.reversed:
        raise errors.RedemptionAlreadyReversed(f"redemption {redemption_id} was already reversed")
    vouchers = [v for v in change.current.vouchers.values() if v.redemption_id == redemption_id]
    if any(v.status == "used" for v in vouchers):
        raise errors.VoucherNotUsable(f"the voucher of redemption {redemption_id} was already used",
                                      voucher_status="used")
    for voucher in vouchers:
        if voucher.status == "issued":  # a reward given back: its voucher can no longer be used
            change.add(ev.VoucherCancelled, voucher_code=voucher.code, reason="cancelled")
    change.add(ev.RedemptionReversed, redemption_id=redemption_id, points=redemption.points,
               lots=[list(m) for m in redemption.lots], reason=reason)
    return redemption.points


# --- refunds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShortfallPolicy:
    """When a refund takes back points that were already spent."""

    allow_negative: bool = False
    negative_limit: int = 0


def reverse_earn(change: Change, *, transaction_ref: str, refund_ref: str, refund_amount: Decimal,
                 points: int, spend_reversed: Decimal, policy: ShortfallPolicy, **details: Any) -> ev.MemberEvent:
    """Take back `points` for a refund: from the purchase's own lot first, then from other lots."""
    member = change.current
    earning = member.earnings[transaction_ref]
    moves: list[list[Any]] = []
    needed = points
    own = member.lots.get(earning.lot_id) if earning.lot_id else None
    if own is not None and own.remaining > 0 and needed:
        take = min(own.remaining, needed)
        moves.append([own.lot_id, take])
        needed -= take
    for lot in sorted((x for x in member.lots.values() if x.remaining > 0 and x.lot_id != earning.lot_id),
                      key=lambda x: (x.is_pending, x.expiry_key())):
        if needed == 0:
            break
        take = min(lot.remaining, needed)
        moves.append([lot.lot_id, take])
        needed -= take
    shortfall = needed
    room = max(policy.negative_limit - member.debt, 0) if policy.allow_negative else 0
    debt_added = min(shortfall, room)
    written_off = shortfall - debt_added
    settled_by = ("none" if shortfall == 0 else "negative_balance" if written_off == 0
                  else "written_off" if debt_added == 0 else "negative_balance_and_written_off")
    return change.add(ev.EarnReversed, transaction_ref=transaction_ref, refund_ref=refund_ref,
                      refund_amount=refund_amount, points_reversed=points - shortfall, lots=moves,
                      shortfall=shortfall, settled_by=settled_by, debt_added=debt_added,
                      written_off=written_off, spend_reversed=spend_reversed, **details)


# --- corrections ----------------------------------------------------------------------------------


def adjust(change: Change, *, delta: int, reason: str, expires_at: datetime | None) -> None:
    member = change.current
    if not reason or not reason.strip():
        raise errors.InvalidInput("an adjustment needs a reason", field="reason")
    if delta > 0:
        check_points(delta)
        _check_ceiling(member, delta)
        change.add(ev.PointsAdjusted, delta=delta, reason=reason, lot_id=new_lot_id(member),
                   expires_at=expires_at, debt_settled=min(member.debt, delta))
    else:
        check_points(-delta)
        change.add(ev.PointsAdjusted, delta=delta, reason=reason, lots=_pick_lots(member, -delta))


def change_tier(change: Change, *, to_tier: str, reason: str, note: str = "",
                figures: dict[str, Any] | None = None) -> None:
    if to_tier != change.current.tier:
        change.add(ev.TierChanged, from_tier=change.current.tier, to_tier=to_tier, reason=reason, note=note,
                   figures=figures or {})


def use_voucher(change: Change, *, voucher_code: str, order_ref: str) -> None:
    voucher = change.current.vouchers.get(voucher_code)
    if voucher is None:
        raise errors.VoucherNotFound(f"no voucher {voucher_code}")
    if voucher.status != "issued":
        raise errors.VoucherNotUsable(f"voucher {voucher_code} is {voucher.status}", voucher_status=voucher.status)
    change.add(ev.VoucherUsed, voucher_code=voucher_code, order_ref=order_ref)
