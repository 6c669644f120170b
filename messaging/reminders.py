"""Reminders no single event causes: points about to expire (30 and 7 days ahead) and a coming downgrade.

A scan reads each member through the service and asks the ledger's "expiring soon" query
(`loyalty_core.expiring`: due work applied, inactivity expiry included) what expires within 30 days, then
adds a draft for each reminder due now. Reminder ids come from what they
are about (member, expiry instant, horizon; member, downgrade date), so the scan can run every hour, on two
workers at once, for a year, and each reminder exists once. Lots whose expiry is within 7 days get the
7-day reminder only: a member who earned points with a short life is not told twice in one day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable, Iterable

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core.expiring import expiring_of
from messaging.kinds import EXPIRY_HORIZONS_DAYS, Draft, downgrade_notice, expiry_reminder
from messaging.outbox import Outbox

DOWNGRADE_NOTICE_DAYS = 30


def expiry_drafts(member_id: Any, lots: Iterable[Any], now: datetime) -> list[Draft]:
    """One reminder per expiry instant (`lots`: `loyalty_core.expiring.ExpiringLot`s, points and
    expires_at), at the nearest horizon it falls in."""
    drafts = []
    for lot in sorted(lots, key=lambda lot: lot.expires_at):
        if lot.points <= 0 or not now < lot.expires_at <= now + timedelta(days=max(EXPIRY_HORIZONS_DAYS)):
            continue
        days = min(d for d in EXPIRY_HORIZONS_DAYS if lot.expires_at <= now + timedelta(days=d))
        drafts.append(expiry_reminder(member_id, lot.points, lot.expires_at, days, now))
    return drafts


def member_expiry_drafts(service: Any, member: Any, now: datetime) -> list[Draft]:
    """The reminders `member` is due, from the ledger's own "expiring soon" answer (due work applied,
    inactivity expiry included), so a reminder never announces what the ledger would not expire."""
    found = expiring_of(member, now, max(EXPIRY_HORIZONS_DAYS), service.policy.inactivity_expires_at(member))
    return expiry_drafts(member.id, found.lots, now)


def downgrade_drafts(service: Any, member: Any, now: datetime) -> list[Draft]:
    notice_at = service.policy.downgrade_notice(member, now)
    if notice_at is None or not now < notice_at <= now + timedelta(days=DOWNGRADE_NOTICE_DAYS):
        return []
    return [downgrade_notice(member.id, member.tier, notice_at, now)]


@dataclass
class ReminderRun:
    members: int = 0
    drafts: int = 0


def scan(service: Any, outbox: Outbox, now: datetime) -> ReminderRun:
    run = ReminderRun()
    for member_id in service.store.member_ids():
        try:
            member = service.resolve(cmd.MemberRef(member_id=member_id))
        except errors.LoyaltyError:
            continue
        run.members += 1
        drafts = member_expiry_drafts(service, member, now) + downgrade_drafts(service, member, now)
        if drafts:
            outbox.add_now(drafts)
            run.drafts += len(drafts)
    return run


class Hourly:
    """`scan` at most once per `every` on the dispatcher's clock."""

    def __init__(self, service: Any, outbox: Outbox, clock: Callable[[], datetime],
                 every: timedelta = timedelta(hours=1)):
        self.service, self.outbox, self.clock, self.every = service, outbox, clock, every
        self._last: datetime | None = None

    def __call__(self) -> ReminderRun | None:
        now = self.clock()
        if self._last is not None and now - self._last < self.every:
            return None
        self._last = now
        return scan(self.service, self.outbox, now)
