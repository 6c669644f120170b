"""Scheduled work found through a persisted index of next-due instants, never by loading every member.

Each member's next instant is what its state already says: points that expire, pending points released,
holds and reservations timing out, vouchers expiring (`Member.next_due_at`), the policy's inactivity
expiry, and the two program-time rules no event announces: the birthday bonus (the first instant of the
member's birthday month in Asia/Ho_Chi_Minh) and the tier review (the next review date plus the ladder's
grace, for a member above the lowest tier). The index (`projections/member_due.py`: a table with its own
event position) is kept current by reading only the event log since its position (members those events
touch are re-indexed) and by re-indexing each member after its due work ran. A tick then asks the index
for the members whose instant has come (an indexed query), loads only those, and runs `RunDueWork`.

The index is built by one pass over every member the first time it runs on a store, and again after a
program change (a new tier ladder or birthday rule moves every member's calendar instants): both are
rare. A restart resumes from the stored position. Correctness never depends on the index: `RunDueWork`
is idempotent per member version, so an instant that turns out early costs one load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Any, Iterable, Protocol
from uuid import UUID
from zoneinfo import ZoneInfo

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core.program import tiers as tier_rules
from loyalty_core.scheduler import DueRun, has_due_work

PROGRAM_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
_PROGRAM_TOPICS = "loyalty_core.program."
_NOT_A_MEMBER = 2**62


class Index(Protocol):
    def position(self) -> int | None: ...

    def save(self, instants: Iterable[tuple[UUID, int, datetime | None]], position: int | None = None) -> None: ...

    def due(self, now: datetime, limit: int) -> list[UUID]: ...

    def reset(self) -> None: ...


@dataclass
class WakeUpRun(DueRun):
    swept: bool = False
    """The index was (re)built from every member: its first run on a store, or after a program change."""
    indexed: int = 0
    """Members re-indexed from the event log this tick."""


class WakeUps:
    """ScheduledWork for the worker and `loyalty run-due`: due work from the index, at most every
    `every_seconds`."""

    def __init__(self, service: Any, index: Index | None = None, every_seconds: int = 30,
                 zone: tzinfo = PROGRAM_ZONE, page: int = 1000):
        self.service, self.every_seconds, self.zone, self.page = service, every_seconds, zone, page
        self.index: Index | None = index
        """None until the worker gives it its read store's index (projections/worker.py)."""
        self._last: datetime | None = None

    def __call__(self, now: datetime) -> WakeUpRun | None:
        if self._last is not None and (now - self._last).total_seconds() < self.every_seconds:
            return None
        self._last = now
        return self.tick(now)

    def tick(self, now: datetime) -> WakeUpRun:
        if self.index is None:
            raise RuntimeError("WakeUps has no index: give it projections.member_due.DueIndex(read store)")
        run = WakeUpRun()
        if self.index.position() is None:
            self._build(now, run)
        else:
            self._follow_log(now, run)
        seen: set[UUID] = set()
        while True:  # the due members, a page at a time; each page is re-indexed past `now` as it runs
            due = [m for m in self.index.due(now, self.page) if m not in seen]
            if not due:  # (a member whose row another process holds at a newer version is not asked twice)
                return run
            seen.update(due)
            self.index.save([self._visit(member_id, now, run) for member_id in due])

    # --- keeping the index -----------------------------------------------------------------------------
    def _build(self, now: datetime, run: WakeUpRun) -> None:
        run.swept = True
        self.index.reset()
        position = self.service.store.max_notification_id()  # events after this are read next tick
        batch: list[tuple[UUID, int, datetime | None]] = []
        for member_id in self.service.store.member_ids():
            member = self.service.store.load_member(member_id)
            if member is not None:
                batch.append((member.id, member.version, self.next_instant(member, now, include_past=True)))
            if len(batch) >= self.page:
                self.index.save(batch)
                batch = []
        self.index.save(batch, position)

    def _follow_log(self, now: datetime, run: WakeUpRun) -> None:
        """Re-index the members the events since the index's position touched (new members included)."""
        position = self.index.position() or 0
        while True:
            page = self.service.store.notifications(position + 1, self.page)
            if not page:
                return
            if any(n.topic.startswith(_PROGRAM_TOPICS) for n in page):
                self.service.policy.installed()  # the new program, before instants are computed from it
                self._build(now, run)
                return
            touched = {n.originator_id for n in page}
            instants = []
            for originator_id in touched:
                member = self.service.store.load_member(originator_id)  # receipts and budgets are not members
                if member is not None:
                    instants.append((member.id, member.version, self.next_instant(member, now, include_past=True)))
            position = page[-1].id
            self.index.save(instants, position)
            run.indexed += len(instants)

    # --- one member ------------------------------------------------------------------------------------
    def _visit(self, member_id: UUID, now: datetime, run: DueRun) -> tuple[UUID, int, datetime | None]:
        member = self.service.store.load_member(member_id)
        run.members_checked += 1
        if member is None:
            return member_id, _NOT_A_MEMBER, None  # never due again, whatever version an old row names
        if has_due_work(self.service, member, now):
            command = cmd.RunDueWork(idempotency_key=f"due/{member.id}/v{member.version}/{now:%Y-%m-%dT%H:%M}",
                                     channel="worker", actor="worker", member=cmd.MemberRef(member_id=member.id))
            try:
                result = self.service.execute(command)
            except errors.LoyaltyError:
                run.refused += 1
            else:
                if result.events and not result.replayed:
                    run.members_changed += 1
            member = self.service.store.load_member(member_id) or member
        return member.id, member.version, self.next_instant(member, now, include_past=False)

    def next_instant(self, member: Any, now: datetime, *, include_past: bool) -> datetime | None:
        """The member's next wake-up: after `now` once its due work ran, or any instant (already due ones
        included) for a member new events touched."""
        policy = self.service.policy
        instants = [member.next_due_at]
        if member.lots:
            instants.append(policy.inactivity_expires_at(member))
        instants += self._calendar(member, now, include_past)
        later = [at for at in instants if at is not None and (include_past or at > now)]
        return min(later) if later else None

    def _calendar(self, member: Any, now: datetime, include_past: bool) -> list[datetime]:
        """Birthday month and tier review, the rules `ProgramPolicy.has_scheduled_work` checks."""
        installed = getattr(self.service.policy, "installed", None)
        program = installed() if installed else None
        if program is None:
            return []
        found = []
        if member.birthday:
            month = int(member.birthday[5:7])
            local = now.astimezone(self.zone)
            for year in (local.year, local.year + 1):
                start = datetime(year, month, 1, tzinfo=self.zone)
                if f"birthday-bonus:{year}" in member.activity_counts:
                    continue
                if start > now or (include_past and start.year == local.year and month == local.month):
                    found.append(start)
                    break
        ladder = program.tiers
        if ladder.tier(member.tier) is not None and ladder.rank(member.tier) > 0:
            grace = timedelta(days=ladder.grace_days)
            review = tier_rules.next_review_at(ladder, member.last_tier_change_at or member.enrolled_at)
            while not include_past and review + grace <= now:
                review = tier_rules.next_review_at(ladder, review)
            found.append(review + grace)
        return found
