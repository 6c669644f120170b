"""The rules of sending, as pure functions of the member's consent, the clock and what was sent before.

- Consent is per channel and purpose, recorded as member events (`ConsentChanged`: opt-in or opt-out, with
  its source, time and consent-text version). A key `"sms:marketing"` says yes or no for one purpose; a
  bare channel key (`"sms"`, as enrolment records it) covers every purpose. Marketing needs a yes (opt-in);
  transactional messages go unless the member said no; a one-time code the member asked for always goes.
- Marketing by SMS only between 07:00 and 22:00 Asia/Ho_Chi_Minh, at most 3 per number in 24 hours, and
  marketing email at most 1 per address in 24 hours (Decree 91/2020, art. 12 and 14).
- A member gets at most `per_member_daily_cap` messages in 24 hours (one-time codes aside).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Mapping

from faces.format import VIETNAM
from messaging.kinds import MARKETING, OTP

#: The consent key each channel's yes or no is recorded under (enrolment uses "zalo" for Zalo messages).
CONSENT_KEYS = {"zns": "zalo", "sms": "sms", "email": "email"}
QUIET_FROM, QUIET_UNTIL = time(22, 0), time(7, 0)
MARKETING_PER_DAY = {"sms": 3, "email": 1}
DAY = timedelta(hours=24)


def consents(consent: Mapping[str, bool], channel: str, purpose: str) -> bool:
    if purpose == OTP:
        return True
    key = CONSENT_KEYS.get(channel, channel)
    specific = consent.get(f"{key}:{purpose}")
    if specific is not None:
        return bool(specific)
    general = consent.get(key)
    return general is True if purpose == MARKETING else general is not False


def quiet_until(now: datetime) -> datetime | None:
    """If `now` is inside the quiet hours (22:00-07:00 in Vietnam), the next 07:00; otherwise None."""
    local = now.astimezone(VIETNAM)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return None
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=VIETNAM)


def marketing_hold(channel: str, now: datetime) -> datetime | None:
    """When a marketing message on `channel` may go, if not now."""
    return quiet_until(now) if channel == "sms" else None


def marketing_allowance(channel: str) -> int | None:
    return MARKETING_PER_DAY.get(channel)
