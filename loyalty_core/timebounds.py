"""Plausible times: the instants and dates a command may carry, and the bounds that keep them sane.

An ISO 8601 time is parsed before the ledger sees it, so `9999-12-31T23:59:59-12:00` arrives as a valid
`datetime` that overflows the moment it is converted to UTC (year 10000), and `0001-01-01T00:00:00+14:00`
underflows the same way. Such a value used to escape as an `OverflowError` (a 500). Beyond overflow, a sale
"made" in 1970 or a birthday in year 2999 is a typo or an attack, never a fact, and would be written
into the ledger for ever. The bounds, one place for every command:

- `occurred_at` (purchases, activities, manual credits): at most `MAX_PAST` (10 years) back and at most
  `FUTURE_SKEW` (5 minutes, a till's clock drift) ahead of the ledger's clock.
- deadlines (`expires_at` of a credit or an adjustment, `pending_until`): at most `MAX_AHEAD` (100 years)
  ahead; an expiry must be after now (points that expired before they were given are a mistake), and a
  pending date no earlier than `MAX_PAST` back.
- birthdays: from 1900-01-01 to today (the ledger's clock, in UTC).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from loyalty_core.errors import InvalidInput

MAX_PAST = timedelta(days=3653)
FUTURE_SKEW = timedelta(minutes=5)
MAX_AHEAD = timedelta(days=36525)
EARLIEST_BIRTHDAY = date(1900, 1, 1)


class ImplausibleDate(InvalidInput):
    code = "implausible_date"
    message_vi = "Ngày giờ nằm ngoài khoảng hợp lệ."


def to_utc(value: datetime, field: str) -> datetime:
    """`value` in UTC; refused when it has no offset or does not exist in UTC (year 0 or 10000)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInput("times must carry a UTC offset (ISO 8601 with Z or +07:00)", field=field)
    try:
        return value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise ImplausibleDate(f"{field} {value.isoformat()} is outside the representable range "
                              f"(years 1 to 9999 in UTC)", field=field) from None


def occurred_at(value: datetime | None, now: datetime, field: str = "occurred_at") -> datetime:
    """When something happened: `now` when not given, else within (now - 10 years, now + 5 minutes)."""
    if value is None:
        return now
    at = to_utc(value, field)
    if at > now + FUTURE_SKEW:
        raise InvalidInput(f"{field} is in the future", field=field)
    if at < now - MAX_PAST:
        raise ImplausibleDate(f"{field} is more than {MAX_PAST.days // 365} years in the past", field=field)
    return at


def deadline(value: datetime | None, now: datetime, field: str, *, may_be_past: bool = False) -> datetime | None:
    """An expiry or a release date: None stays None; otherwise within the bounds above."""
    if value is None:
        return None
    at = to_utc(value, field)
    if at > now + MAX_AHEAD:
        raise ImplausibleDate(f"{field} is more than {MAX_AHEAD.days // 365} years ahead", field=field)
    if not may_be_past and at <= now:
        raise ImplausibleDate(f"{field} is in the past", field=field)
    if at < now - MAX_PAST:
        raise ImplausibleDate(f"{field} is more than {MAX_PAST.days // 365} years in the past", field=field)
    return at


def birthday(value: str | None, now: datetime) -> str | None:
    """A YYYY-MM-DD birthday between 1900-01-01 and today, or None."""
    if value is None:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except (TypeError, ValueError):
        raise InvalidInput(f"birthday must be YYYY-MM-DD, got {value!r}", field="birthday") from None
    if day < EARLIEST_BIRTHDAY or day > now.astimezone(timezone.utc).date():
        raise ImplausibleDate(f"birthday {day.isoformat()} is not between {EARLIEST_BIRTHDAY.isoformat()} and "
                              f"today", field="birthday")
    return day.isoformat()
