"""Reminders no single event causes: points about to expire (30 and 7 days ahead) and a coming downgrade.

A scan reads each member through the service (the same reads every command uses, with what is due applied
where the service applies it) and adds a draft for each reminder due now. Reminder ids come from what they
are about (member, expiry instant, horizon; member, downgrade date), so the scan can run every hour, on two
workers at once, for a year, and each reminder exists once. Lots whose expiry is within 7 days get the
7-day reminder only: a member who earned points with a short life is not told twice in one day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Callable

from loyalty_core import commands as cmd
from loyalty_core import errors
from messaging.kinds import EXPIRY_HORIZONS_DAYS, Draft, downgrade_notice, expiry_reminder
from messaging.outbox import Outbox

DOWNGRADE_NOTICE_DAYS = 30


def expiry_drafts(member: Any, now: datetime) -> list[Draft]:
    """One reminder per expiry instant within the longest horizon, at the nearest horizon it falls in."""
    expiring: dict[datetime, int] = defaultdict(int)
    longest = timedelta(days=max(EXPIRY_HORIZONS_DAYS))
    for lot in member.lots.values():
        if lot.remaining > 0 and not lot.is_pending and lot.expires_at is not None and \
                now < lot.expires_at <= now + longest:
            expiring[lot.expires_at] += lot.remaining
    drafts = []
    for expires_at, points in sorted(expiring.items()):
        days = min(d for d in EXPIRY_HORIZONS_DAYS if expires_at <= now + timedelta(days=d))
        drafts.append(expiry_reminder(member.id, points, expires_at, days, now))
    return drafts


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
        drafts = expiry_drafts(member, now) + downgrade_drafts(service, member, now)
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
