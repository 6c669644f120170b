"""Scheduled work found through an index of wake-up instants instead of loading every member every 30 s.

A member's event-driven due work (points that expire, pending points released, holds and reservations
timing out, vouchers expiring) falls due at an instant its state already knows (`Member.next_due_at`, and
the policy's inactivity expiry). `WakeUps` keeps those instants in a heap: it is filled by one full sweep
when the worker starts, then kept current by reading only the event log since its last position (the
members those notifications touch are reloaded and re-indexed) and by re-indexing each member after its
due work ran. Each tick then loads only the members whose instant is in (last run, now].

Program-time rules that no event announces (tier review, birthdays, rules that look at the calendar) are
caught by a full sweep once a day, on the first tick of each new day in the program's time zone, and the
first tick after a start. Correctness never depends on the index: `run_due`'s command is idempotent per
member version, so a stale entry only costs a load.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core.scheduler import DueRun, has_due_work

PROGRAM_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class WakeUpRun(DueRun):
    swept: bool = False
    """A full sweep (start, or a new day) rather than the index alone."""


class WakeUps:
    """ScheduledWork for the worker: run due work from the wake-up index, at most every `every_seconds`."""

    def __init__(self, service: Any, every_seconds: int = 30, zone: tzinfo = PROGRAM_ZONE, page: int = 1000):
        self.service, self.every_seconds, self.zone, self.page = service, every_seconds, zone, page
        self._heap: list[tuple[datetime, UUID]] = []
        self._wake: dict[UUID, datetime] = {}
        self._position = 0
        self._last: datetime | None = None
        self._swept_on: Any = None

    def __call__(self, now: datetime) -> WakeUpRun | None:
        if self._last is not None and (now - self._last).total_seconds() < self.every_seconds:
            return None
        self._last = now
        if self._swept_on != now.astimezone(self.zone).date():
            return self._sweep(now)
        return self._from_index(now)

    # --- the two ways of finding due members -----------------------------------------------------------
    def _sweep(self, now: datetime) -> WakeUpRun:
        run = WakeUpRun(swept=True)
        self._position = self.service.store.max_notification_id()  # events after this are read next tick
        self._heap, self._wake = [], {}
        for member_id in self.service.store.member_ids():
            self._visit(member_id, now, run)
        self._swept_on = now.astimezone(self.zone).date()
        return run

    def _from_index(self, now: datetime) -> WakeUpRun:
        run = WakeUpRun()
        self._follow_log(now)
        due: set[UUID] = set()
        while self._heap and self._heap[0][0] <= now:
            at, member_id = heapq.heappop(self._heap)
            if self._wake.get(member_id) == at:  # else superseded by a newer entry
                del self._wake[member_id]
                due.add(member_id)
        for member_id in due:
            self._visit(member_id, now, run)
        return run

    # --- one member ------------------------------------------------------------------------------------
    def _visit(self, member_id: UUID, now: datetime, run: DueRun) -> None:
        member = self.service.store.load_member(member_id)
        run.members_checked += 1
        if member is None:
            return
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
        self._index(member, now)

    def _index(self, member: Any, now: datetime, *, include_past: bool = False) -> None:
        """Put the member's next instant in the heap: after `now` once its due work ran, or any instant
        (already due ones included) for a member new events touched."""
        instants = [member.next_due_at]
        if member.lots:
            instants.append(self.service.policy.inactivity_expires_at(member))
        later = [at for at in instants if at is not None and (include_past or at > now)]
        if later:
            at = min(later)
            self._wake[member.id] = at
            heapq.heappush(self._heap, (at, member.id))
        else:
            self._wake.pop(member.id, None)

    def _follow_log(self, now: datetime) -> None:
        """Re-index the members the events since the last position touched (new members included)."""
        touched: set[UUID] = set()
        while True:
            page = self.service.store.notifications(self._position + 1, self.page)
            if not page:
                break
            touched.update(n.originator_id for n in page)
            self._position = page[-1].id
        for originator_id in touched:
            member = self.service.store.load_member(originator_id)  # receipts and budgets are not members
            if member is not None:
                self._index(member, now, include_past=True)

    @property
    def indexed(self) -> int:
        return len(self._wake)
