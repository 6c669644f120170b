"""Which events deserve a message: one each, with an id that is the same however often it is decided."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

from loyalty_core import events as ev
from loyalty_core.expiring import ExpiringLot
from messaging.kinds import drafts_for, otp_draft
from messaging.reminders import expiry_drafts

NOW = datetime(2026, 1, 15, 3, tzinfo=timezone.utc)
MEMBER = uuid4()


def base(version: int = 2) -> dict:
    return {"originator_id": MEMBER, "originator_version": version, "timestamp": NOW, "channel": "pos"}


def earned(points: int = 25, reference: str = "T-1", source: str = "purchase", version: int = 2) -> ev.PointsEarned:
    return ev.PointsEarned(**base(version), lot_id="L1", points=points, source=source, reference=reference,
                           occurred_at=NOW, pending_until=None, expires_at=NOW + timedelta(days=365))


def test_the_same_event_always_gives_the_same_message_id_and_another_version_another():
    (first,) = drafts_for(earned())
    (again,) = drafts_for(earned())
    (other,) = drafts_for(earned(version=3))
    assert first.message_id == again.message_id != other.message_id
    assert first.kind == "points_earned" and first.purpose == "transactional" and first.data["points"] == 25


def test_birthday_points_are_a_marketing_birthday_message_and_adjustments_are_silent():
    (birthday,) = drafts_for(earned(reference="birthday-bonus:2026", source="bonus"))
    assert birthday.kind == "birthday" and birthday.purpose == "marketing"
    assert drafts_for(earned(source="adjustment")) == [] and drafts_for(earned(points=0)) == []


def test_a_redemption_with_a_voucher_gets_one_message_the_voucher_one():
    redeemed = ev.PointsRedeemed(**base(), redemption_id="R1", points=100, order_ref="O1", lots=[],
                                 voucher_code="VC-1", discount_amount=Decimal("50000"))
    voucher = ev.VoucherIssued(**base(3), voucher_code="VC-1", reward_id="coffee", redemption_id="R1",
                               expires_at=None)
    assert drafts_for(redeemed) == [] and [d.kind for d in drafts_for(voucher)] == ["voucher_issued"]


def test_tier_changes_by_reason():
    def tier(reason: str) -> str:
        return drafts_for(ev.TierChanged(**base(), from_tier="a", to_tier="b", reason=reason))[0].kind

    assert (tier("qualified"), tier("downgraded_at_review"), tier("manual")) == ("tier_up", "tier_down",
                                                                                "tier_changed")


def test_a_one_time_code_is_fresh_for_five_minutes_and_keyed_by_its_request():
    code = otp_draft("+84912345678", "123456", "login-1", NOW)
    assert code.not_after == NOW + timedelta(minutes=5)
    assert code.message_id == otp_draft("+84912345678", "999999", "login-1", NOW).message_id
    assert code.message_id != otp_draft("+84912345678", "123456", "login-2", NOW).message_id


def lot(points: int, days: float) -> ExpiringLot:
    return ExpiringLot(points=points, expires_at=NOW + timedelta(days=days))


def test_expiry_reminders_at_30_and_7_days_once_per_expiry_instant():
    lots = [lot(15, 20), lot(7, 3), lot(9, 40), lot(0, 2), lot(5, -1)]
    drafts = expiry_drafts(MEMBER, lots, NOW)
    assert [(d.data["days"], d.data["points"]) for d in drafts] == [(7, 7), (30, 15)]
    later = expiry_drafts(MEMBER, lots, NOW + timedelta(days=14))  # the 20-day lots are now 6 days away
    assert [(d.data["days"], d.data["points"]) for d in later] == [(7, 15), (30, 9)]
    assert drafts[1].message_id != later[0].message_id  # the 7-day reminder is a message of its own
    assert expiry_drafts(MEMBER, lots, NOW)[1].message_id == drafts[1].message_id


def test_a_codes_message_id_is_keyed_so_it_cannot_be_matched_by_trying_phones(monkeypatch):
    """With a store open (its lookup key installed), the id comes from the phone's keyed hash: the name-based
    id of the number itself, which anyone could compute for every phone, is not what is stored."""
    from uuid import NAMESPACE_URL, uuid5

    from loyalty_core.privacy import lookup

    guessable = uuid5(NAMESPACE_URL, "/messages/otp:+84912345678/login-1/otp")
    monkeypatch.setitem(lookup._state, "key", b"k" * 32)
    keyed = otp_draft("+84912345678", "123456", "login-1", NOW).message_id
    assert keyed != guessable
    assert keyed == otp_draft("+84912345678", "999999", "login-1", NOW).message_id  # still one per request
    monkeypatch.setitem(lookup._state, "key", b"j" * 32)
    assert otp_draft("+84912345678", "123456", "login-1", NOW).message_id != keyed  # depends on the key
