"""The member's decisions as pure functions: no store, no clock but the one passed in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

import pytest

from loyalty_core import decide, errors
from loyalty_core import events as ev
from loyalty_core.decide import Cause, Change, ShortfallPolicy, apply_due
from loyalty_core.member import project_member
from loyalty_core.results import Balance

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
POS = Cause("pos", "HCM-01", "key-1")


def new_member(now=T0):
    change = Change(None, now, POS, member_id=uuid4())
    change.add(ev.MemberEnrolled, program_code="demo", tier="member", name="Lan", birthday=None, consent={})
    return change.member


def with_lots(*lots, now=T0):
    """A member holding lots given as (points, expires_in_days or None, pending_days or None)."""
    change = Change(new_member(now), now, POS)
    for i, (points, expires_in, pending) in enumerate(lots):
        decide.earn(change, points=points, source="purchase", reference=f"t{i}", occurred_at=now,
                    pending_until=now + timedelta(days=pending) if pending else None,
                    expires_at=now + timedelta(days=expires_in) if expires_in else None,
                    qualifying_spend=Decimal(points * 10_000))
    return change.member


def test_points_are_spent_from_the_earliest_expiring_lot_first():
    member = with_lots((50, 300, None), (50, 30, None), (50, None, None))
    change = Change(member, T0, POS)
    decide.redeem(change, redemption_id="r1", points=60, order_ref="o1")
    spent = change.events[-1].lots
    assert spent == [["L00000002", 50], ["L00000001", 10]]
    assert change.member.points_available == 90


def test_redeem_is_refused_when_points_would_go_negative_and_nothing_is_decided():
    member = with_lots((30, None, None))
    change = Change(member, T0, POS)
    with pytest.raises(errors.InsufficientPoints) as refused:
        decide.redeem(change, redemption_id="r1", points=31, order_ref="o1")
    assert refused.value.details == {"requested": 31, "available": 30}
    assert change.events == []


def test_pending_points_are_not_spendable_until_released_by_due_work():
    member = with_lots((40, None, 7))
    assert Balance.of(member).pending == 40 and member.points_available == 0
    change = Change(member, T0 + timedelta(days=7), POS)
    apply_due(change)
    assert [type(e) for e in change.events] == [ev.PendingPointsReleased]
    assert change.member.points_available == 40 and change.member.points_pending == 0


def test_due_work_expires_lots_and_is_idempotent():
    member = with_lots((10, 5, None), (20, 50, None))
    change = Change(member, T0 + timedelta(days=6), POS)
    apply_due(change)
    apply_due(change)
    expired = [e for e in change.events if isinstance(e, ev.PointsExpired)]
    assert [(e.lot_id, e.points) for e in expired] == [("L00000001", 10)]
    assert change.member.lifetime_expired == 10 and change.member.points_available == 20


def test_a_timed_out_reservation_returns_its_points_before_anything_else_is_decided():
    member = with_lots((100, None, None))
    change = Change(member, T0, POS)
    decide.reserve(change, reservation_id="rsv", points=70, order_ref="o", hold_until=T0 + timedelta(minutes=15))
    later = Change(change.member, T0 + timedelta(minutes=16), POS)
    apply_due(later)
    assert later.events[0].reason == "timed_out"
    with pytest.raises(errors.ReservationExpired):
        decide.capture(later, reservation_id="rsv", points=None, redemption_id="x")
    decide.redeem(later, redemption_id="r", points=100, order_ref="o2")


def test_partial_capture_spends_the_earliest_expiring_points_and_releases_the_rest():
    member = with_lots((30, 10, None), (30, 100, None))
    change = Change(member, T0, POS)
    decide.reserve(change, reservation_id="rsv", points=50, order_ref="o", hold_until=T0 + timedelta(hours=1))
    assert change.member.points_available == 10 and change.member.points_reserved == 50
    captured, released = decide.capture(change, reservation_id="rsv", points=35, redemption_id="rdm")
    assert (captured, released) == (35, 15)
    assert change.member.points_available == 25 and change.member.points_reserved == 0
    assert change.member.lots["L00000002"].remaining == 25  # the later-expiring lot got its points back
    with pytest.raises(errors.ReservationAlreadyCaptured):
        decide.release(change, reservation_id="rsv")


def test_capturing_more_than_reserved_is_refused():
    member = with_lots((30, None, None))
    change = Change(member, T0, POS)
    decide.reserve(change, reservation_id="rsv", points=20, order_ref="o", hold_until=T0 + timedelta(hours=1))
    with pytest.raises(errors.CaptureExceedsReservation):
        decide.capture(change, reservation_id="rsv", points=21, redemption_id="rdm")


def test_releasing_twice_is_refused_with_its_own_code():
    member = with_lots((30, None, None))
    change = Change(member, T0, POS)
    decide.reserve(change, reservation_id="rsv", points=20, order_ref="o", hold_until=T0 + timedelta(hours=1))
    decide.release(change, reservation_id="rsv")
    with pytest.raises(errors.ReservationAlreadyReleased):
        decide.release(change, reservation_id="rsv")
    with pytest.raises(errors.ReservationAlreadyReleased):
        decide.capture(change, reservation_id="rsv", points=None, redemption_id="x")


def test_a_reversed_redemption_restores_points_to_their_original_lots_with_their_expiry():
    member = with_lots((50, 10, None), (50, 200, None))
    change = Change(member, T0, POS)
    decide.redeem(change, redemption_id="r1", points=60, order_ref="o")
    assert "L00000001" not in change.member.lots  # spent to nothing and forgotten
    decide.reverse_redemption(change, redemption_id="r1", reason="order cancelled")
    lots = change.member.lots
    assert lots["L00000001"].remaining == 50 and lots["L00000001"].expires_at == T0 + timedelta(days=10)
    assert lots["L00000002"].remaining == 50
    with pytest.raises(errors.RedemptionAlreadyReversed):
        decide.reverse_redemption(change, redemption_id="r1", reason="again")


def test_a_refund_after_spending_settles_the_shortfall_by_policy_and_records_it():
    member = with_lots((100, None, None))
    change = Change(member, T0, POS)
    decide.redeem(change, redemption_id="r1", points=80, order_ref="o")
    event = decide.reverse_earn(change, transaction_ref="t0", refund_ref="rf1", refund_amount=Decimal(1_000_000),
                                points=100, spend_reversed=Decimal(1_000_000),
                                policy=ShortfallPolicy(allow_negative=True, negative_limit=50))
    assert (event.points_reversed, event.shortfall, event.debt_added, event.written_off) == (20, 80, 50, 30)
    assert event.settled_by == "negative_balance_and_written_off"
    assert change.member.points_available == -50


def test_nothing_expires_while_the_balance_is_negative_and_new_points_pay_the_debt_first():
    member = with_lots((100, None, None), (10, 5, None))
    change = Change(member, T0, POS)
    decide.redeem(change, redemption_id="r1", points=100, order_ref="o")  # spends the expiring lot first
    decide.reverse_earn(change, transaction_ref="t0", refund_ref="rf", refund_amount=Decimal(1_000_000), points=100,
                        spend_reversed=Decimal(1_000_000), policy=ShortfallPolicy(True, 1_000))
    assert change.member.debt == 90 and change.member.points_available == -90
    later = Change(change.member, T0 + timedelta(days=30), POS)
    apply_due(later)
    assert later.events == []
    decide.earn(later, points=100, source="bonus", reference="b", occurred_at=later.now, pending_until=None,
                expires_at=None)
    assert later.member.debt == 0 and later.member.points_available == 10


def test_take_what_is_left_writes_off_the_shortfall():
    member = with_lots((100, None, None))
    change = Change(member, T0, POS)
    decide.redeem(change, redemption_id="r1", points=100, order_ref="o")
    event = decide.reverse_earn(change, transaction_ref="t0", refund_ref="rf", refund_amount=Decimal(1_000_000),
                                points=100, spend_reversed=Decimal(1_000_000), policy=ShortfallPolicy())
    assert event.settled_by == "written_off" and change.member.points_available == 0


@pytest.mark.parametrize("points", [0, -5, True, 10**30, 1.5, "12"])
def test_absurd_or_non_integer_points_are_refused(points):
    member = with_lots((100, None, None))
    change = Change(member, T0, POS)
    with pytest.raises(errors.InvalidInput):
        decide.redeem(change, redemption_id="r", points=points, order_ref="o")
    assert change.events == []


def test_an_adjustment_needs_a_reason_and_cannot_overdraw():
    member = with_lots((10, None, None))
    change = Change(member, T0, POS)
    with pytest.raises(errors.InvalidInput):
        decide.adjust(change, delta=5, reason=" ", expires_at=None)
    with pytest.raises(errors.InsufficientPoints):
        decide.adjust(change, delta=-11, reason="typo", expires_at=None)
    decide.adjust(change, delta=-10, reason="typo", expires_at=None)
    assert change.member.points_available == 0


def test_replaying_the_events_gives_the_same_member():
    member = with_lots((50, 10, None), (70, None, 3))
    change = Change(member, T0, POS)
    decide.reserve(change, reservation_id="rsv", points=20, order_ref="o", hold_until=T0 + timedelta(hours=1))
    rebuilt = project_member(None, [*_history(member), *change.events])
    assert rebuilt == change.member


def _history(member):
    # Rebuild the same lots through fresh events with the same ids: earn() is deterministic.
    change = Change(None, T0, POS, member_id=member.id)
    change.add(ev.MemberEnrolled, program_code="demo", tier="member", name="Lan", birthday=None, consent={})
    decide.earn(change, points=50, source="purchase", reference="t0", occurred_at=T0, pending_until=None,
                expires_at=T0 + timedelta(days=10), qualifying_spend=Decimal(500_000))
    decide.earn(change, points=70, source="purchase", reference="t1", occurred_at=T0,
                pending_until=T0 + timedelta(days=3), expires_at=None, qualifying_spend=Decimal(700_000))
    return change.events
