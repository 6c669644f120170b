"""The rules of sending as pure functions: consent per channel and purpose, and the quiet hours."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from messaging.kinds import MARKETING, OTP, TRANSACTIONAL
from messaging.rules import consents, marketing_hold, quiet_until

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(hour: int, minute: int = 0, day: int = 15) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=HCM).astimezone(timezone.utc)


@pytest.mark.parametrize("hour,minute", [(7, 0), (12, 0), (21, 59)])
def test_marketing_sms_may_go_between_seven_and_ten_at_night(hour, minute):
    assert quiet_until(at(hour, minute)) is None


@pytest.mark.parametrize("hour,minute,next_day", [(22, 0, True), (23, 59, True), (0, 0, False), (6, 59, False)])
def test_inside_the_quiet_hours_marketing_sms_waits_for_the_next_seven_oclock(hour, minute, next_day):
    held = quiet_until(at(hour, minute))
    assert held == datetime(2026, 1, 16 if next_day else 15, 7, 0, tzinfo=HCM)


def test_quiet_hours_hold_sms_only():
    assert marketing_hold("sms", at(23)) is not None
    assert marketing_hold("email", at(23)) is None and marketing_hold("zns", at(23)) is None


def test_marketing_needs_an_opt_in_and_a_purpose_specific_answer_wins():
    assert not consents({}, "sms", MARKETING)
    assert consents({"sms": True}, "sms", MARKETING)
    assert not consents({"sms": True, "sms:marketing": False}, "sms", MARKETING)
    assert consents({"sms": False, "sms:marketing": True}, "sms", MARKETING)


def test_transactional_messages_go_unless_the_member_said_no():
    assert consents({}, "email", TRANSACTIONAL)
    assert not consents({"email": False}, "email", TRANSACTIONAL)
    assert consents({"email": False, "email:transactional": True}, "email", TRANSACTIONAL)


def test_zns_consent_is_recorded_under_zalo_and_a_one_time_code_always_goes():
    assert not consents({"zalo": False}, "zns", TRANSACTIONAL)
    assert consents({"zalo": False, "sms": False}, "sms", OTP)
