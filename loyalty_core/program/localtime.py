"""Business time: instants are stored in UTC, but the shop's calendar is Ho Chi Minh City's.

A purchase at 23:30 on a Saturday in Sài Gòn is 16:30 UTC the same day, and one at 06:00 on Saturday is still
Friday in UTC. Every rule about days, hours, months, birthdays, daily caps and the end of a period therefore
reads the instant in `Asia/Ho_Chi_Minh` first; this module is the one place that does that conversion.
"""

from __future__ import annotations

import calendar
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from loyalty_core.program.errors import InvalidPurchase

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def require_aware(at: datetime, field: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidPurchase(f"{field} must be timezone-aware, got {at!r}", field=field)
    return at


def is_aware(at: datetime | None) -> bool:
    return at is None or (at.tzinfo is not None and at.utcoffset() is not None)


def local(at: datetime) -> datetime:
    """The instant as wall-clock time in Ho Chi Minh City."""
    return at.astimezone(HCM)


def local_date_key(at: datetime) -> str:
    """'YYYY-MM-DD' of the Ho Chi Minh City calendar day the instant falls on."""
    return local(at).strftime("%Y-%m-%d")


def local_instant(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall-clock moment in Ho Chi Minh City, returned in UTC (the storage form)."""
    return datetime(year, month, day, hour, minute, tzinfo=HCM).astimezone(UTC)


def add_months(at: datetime, months: int) -> datetime:
    """Move by calendar months on the local calendar, clamping the day (31 Jan + 1 month = 28/29 Feb)."""
    wall = local(at)
    index = wall.year * 12 + (wall.month - 1) + months
    year, month = divmod(index, 12)
    day = min(wall.day, calendar.monthrange(year, month + 1)[1])
    return wall.replace(year=year, month=month + 1, day=day).astimezone(UTC)


def start_of_local_month(year: int, month_index: int) -> datetime:
    """00:00 local on the first day of the month `month_index` months after January of `year`, in UTC."""
    y, m = divmod(year * 12 + month_index, 12)
    return local_instant(y, m + 1, 1)


def last_instant_before(at: datetime) -> datetime:
    """The last representable instant before `at`: 23:59:59.999999 local when `at` is a local midnight."""
    return at - timedelta(microseconds=1)
