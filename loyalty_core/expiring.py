"""Points expiring soon: which of a member's points expire within N days, and when.

Reminder messages ("120 điểm của bạn sẽ hết hạn ngày 31/12/2027") and the staff console need the points and
their dates, not just the next expiry. Answers come from the member aggregates with what is already due
applied (an expired lot is never announced as expiring), so they agree with what the ledger will do. The
program-wide list walks every member: it is meant for the daily reminder job and staff exports, not a hot
path; a read model can narrow it later without changing the answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Iterator
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core.decide import Cause, Change, apply_due
from loyalty_core.member import Member

MAX_DAYS = 3660


@dataclass(frozen=True)
class ExpiringLot:
    points: int
    expires_at: datetime


@dataclass(frozen=True)
class MemberExpiring:
    member_id: UUID
    points: int
    """Points that expire by `until` if nothing is spent first."""
    until: datetime
    lots: tuple[ExpiringLot, ...]
    """One row per expiry date, earliest first."""

    @property
    def first_expires_at(self) -> datetime | None:
        return self.lots[0].expires_at if self.lots else None


def check_days(days: Any) -> int:
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise errors.InvalidInput(f"days must be a whole number from 1 to {MAX_DAYS}", field="days")
    return days


def expiring_of(member: Member, now: datetime, days: int, inactivity_expires_at: datetime | None = None
                ) -> MemberExpiring:
    """What of `member`'s balance expires in (now, now + days], by date."""
    change = Change(member, now, Cause("read", None, "read"))
    apply_due(change, inactivity_expires_at)
    until = now + timedelta(days=check_days(days))
    by_date: dict[datetime, int] = {}
    for lot in change.current.lots.values():
        if lot.expires_at is not None and lot.remaining > 0 and not lot.is_pending and lot.expires_at <= until:
            by_date[lot.expires_at] = by_date.get(lot.expires_at, 0) + lot.remaining
    if inactivity_expires_at is not None and inactivity_expires_at <= until:  # the whole balance lapses then
        for lot in change.current.lots.values():
            if lot.remaining > 0 and not lot.is_pending and (lot.expires_at is None or lot.expires_at > until):
                by_date[inactivity_expires_at] = by_date.get(inactivity_expires_at, 0) + lot.remaining
    lots = tuple(ExpiringLot(points, at) for at, points in sorted(by_date.items()))
    # A negative balance (debt) is paid from the next points earned, never from the ones about to expire.
    return MemberExpiring(member.id, sum(lot.points for lot in lots), until, lots)


def for_member(service: Any, member: cmd.MemberRef, days: int) -> MemberExpiring:
    found = service.resolve(member)
    return expiring_of(found, service.clock(), days, service.policy.inactivity_expires_at(found))


def across_program(service: Any, days: int, limit: int | None = None) -> list[MemberExpiring]:
    """Every member with points expiring within `days`, soonest first."""
    check_days(days)
    rows = [row for row in _each(service, days) if row.points > 0]
    rows.sort(key=lambda row: (row.first_expires_at, str(row.member_id)))
    return rows[:limit] if limit is not None else rows


def _each(service: Any, days: int) -> Iterator[MemberExpiring]:
    now = service.clock()
    for member_id in service.store.member_ids():
        member = service.store.load_member(member_id)
        if member is not None and member.lots:
            yield expiring_of(member, now, days, service.policy.inactivity_expires_at(member))
