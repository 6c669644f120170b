"""Points in and out: earning, holding and capturing, redeeming, adjusting, tiers, vouchers and due work."""

from __future__ import annotations

from datetime import timedelta

from loyalty_core import commands as cmd
from loyalty_core import decide
from loyalty_core import errors
from loyalty_core import identifiers as ids
from loyalty_core import timebounds
from loyalty_core.handlers.common import (MAX_HOLD_SECONDS, RESERVATION, VOUCHER, change_result, checked_text,
                                          new_id)
from loyalty_core.member import Member
from loyalty_core.money import check_points
from loyalty_core.planning import Context, Plan
from loyalty_core.results import Balance, CaptureResult, EarnResult, RedemptionResult, ReservationResult

def earn_points(ctx: Context, c: cmd.EarnPoints) -> Plan:
    check_points(c.points)
    checked_text(c.reference, "reference", required=True)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    occurred_at = timebounds.occurred_at(c.occurred_at, ctx.now)
    event = decide.earn(change, points=c.points, source=c.source, reference=c.reference, occurred_at=occurred_at,
                        pending_until=timebounds.deadline(c.pending_until, ctx.now, "pending_until", may_be_past=True),
                        expires_at=timebounds.deadline(c.expires_at, ctx.now, "expires_at"),
                        breakdown=[{"rule_id": "manual", "points": c.points, "description_vi": c.description,
                                    "description_en": c.description}] if c.description else [])
    return ctx.plan(change, EarnResult(member_id=member.id, balance=Balance.of(change.current),
                                       reference=c.reference, points_earned=c.points, lot_id=event.lot_id,
                                       breakdown=event.breakdown))


def reserve_points(ctx: Context, c: cmd.ReservePoints) -> Plan:
    check_points(c.points)
    checked_text(c.order_ref, "order_ref", required=True)
    if isinstance(c.hold_seconds, bool) or not isinstance(c.hold_seconds, int) or \
            not 1 <= c.hold_seconds <= MAX_HOLD_SECONDS:
        raise errors.InvalidInput(f"hold_seconds must be 1 to {MAX_HOLD_SECONDS}", field="hold_seconds")
    # The share of the order points may pay is checked when they are held (a program may require the order).
    ctx.service.policy.discount_for(c.points, c.order_total)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    reservation_id = new_id("rsv_")
    hold_until = ctx.now + timedelta(seconds=c.hold_seconds)
    decide.reserve(change, reservation_id=reservation_id, points=c.points, order_ref=c.order_ref,
                   hold_until=hold_until)
    ctx.take_new_claim(RESERVATION, reservation_id, member.id)
    return ctx.plan(change, ReservationResult(member_id=member.id, balance=Balance.of(change.current),
                                              reservation_id=reservation_id, points=c.points,
                                              expires_at=hold_until))


def _member_of_reservation(ctx: Context, reservation_id: str) -> Member:
    if not isinstance(reservation_id, str) or len(reservation_id) > 100:
        raise errors.ReservationNotFound("no such reservation")
    claim = ctx.service.store.load_claim(ids.claim_id(RESERVATION, reservation_id))
    if claim is None or claim.member_id is None:
        raise errors.ReservationNotFound(f"no reservation {reservation_id}", reservation_id=reservation_id)
    return ctx.service.resolve(cmd.MemberRef(member_id=claim.member_id))


def capture_reservation(ctx: Context, c: cmd.CaptureReservation) -> Plan:
    member = _member_of_reservation(ctx, c.reservation_id)
    change = ctx.change(member)
    redemption_id = new_id("rdm_")
    captured, released = decide.capture(change, reservation_id=c.reservation_id, points=c.points,
                                        redemption_id=redemption_id)
    return ctx.plan(change, CaptureResult(member_id=member.id, balance=Balance.of(change.current),
                                          reservation_id=c.reservation_id, points_captured=captured,
                                          points_released=released, redemption_id=redemption_id,
                                          discount_amount=ctx.service.policy.money_value(captured)))


def release_reservation(ctx: Context, c: cmd.ReleaseReservation) -> Plan:
    member = _member_of_reservation(ctx, c.reservation_id)
    change = ctx.change(member)
    released = decide.release(change, reservation_id=c.reservation_id)
    return ctx.plan(change, CaptureResult(member_id=member.id, balance=Balance.of(change.current),
                                          reservation_id=c.reservation_id, points_released=released))


def redeem_points(ctx: Context, c: cmd.RedeemPoints) -> Plan:
    checked_text(c.order_ref, "order_ref", required=True)
    if c.reward_id is not None:
        return ctx.service.policy.redeem_reward(ctx, c)
    if c.points is None:
        raise errors.InvalidInput("give points or reward_id", field="points")
    check_points(c.points)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    redemption_id = new_id("rdm_")
    discount = ctx.service.policy.discount_for(c.points, c.order_total)
    decide.redeem(change, redemption_id=redemption_id, points=c.points, order_ref=c.order_ref,
                  discount_amount=discount)
    return ctx.plan(change, RedemptionResult(member_id=member.id, balance=Balance.of(change.current),
                                             redemption_id=redemption_id, points=c.points,
                                             discount_amount=discount))


def reverse_redemption(ctx: Context, c: cmd.ReverseRedemption) -> Plan:
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    points = decide.reverse_redemption(change, redemption_id=c.redemption_id, reason=checked_text(c.reason, "reason") or "")
    return ctx.plan(change, RedemptionResult(member_id=member.id, balance=Balance.of(change.current),
                                             redemption_id=c.redemption_id, points=points))


def adjust_points(ctx: Context, c: cmd.AdjustPoints) -> Plan:
    checked_text(c.reason, "reason", required=True)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    decide.adjust(change, delta=c.points, reason=c.reason,
                  expires_at=timebounds.deadline(c.expires_at, ctx.now, "expires_at"))
    return ctx.plan(change, change_result(change, c.points))


def change_tier(ctx: Context, c: cmd.ChangeTier) -> Plan:
    checked_text(c.reason, "reason", required=True)
    ctx.service.policy.check_tier(c.tier)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    decide.change_tier(change, to_tier=c.tier, reason="manual", note=c.reason)
    return ctx.plan(change, change_result(change))


def use_voucher(ctx: Context, c: cmd.UseVoucher) -> Plan:
    checked_text(c.order_ref, "order_ref", required=True)
    code = c.voucher_code.strip().upper() if isinstance(c.voucher_code, str) else ""
    claim = ctx.service.store.load_claim(ids.claim_id(VOUCHER, code))
    if claim is None or claim.member_id is None:
        raise errors.VoucherNotFound(f"no voucher {c.voucher_code}")
    member = ctx.service.resolve(cmd.MemberRef(member_id=claim.member_id))
    change = ctx.change(member)
    decide.use_voucher(change, voucher_code=code, order_ref=c.order_ref)
    return ctx.plan(change, change_result(change))


def run_due_work(ctx: Context, c: cmd.RunDueWork) -> Plan:
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    ctx.service.policy.scheduled_work(ctx, change)
    return ctx.plan(change, change_result(change))
