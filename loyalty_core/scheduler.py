"""Scheduled work across members: expiry, pending release, reservation timeouts, tier review, birthdays.

Each member's due work is one `RunDueWork` command whose idempotency key is the member and the version it
was decided on, so two workers at once, a restart, or a run after days of downtime never apply anything
twice: the second writer conflicts on the member's version or finds the receipt, and what was already
applied is no longer due. A run after downtime catches up because due work applies everything due up to
its time, however long ago it fell due.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalty_core import commands as cmd
from loyalty_core import errors


@dataclass
class DueRun:
    members_checked: int = 0
    members_changed: int = 0
    refused: int = 0


def has_due_work(service: Any, member: Any, at: datetime) -> bool:
    policy = service.policy
    if member.next_due_at is not None and member.next_due_at <= at:
        return True
    inactive_at = policy.inactivity_expires_at(member)
    if inactive_at is not None and inactive_at <= at and member.lots:
        return True
    has_scheduled = getattr(policy, "has_scheduled_work", None)
    return bool(has_scheduled and has_scheduled(member, at))


def run_due(service: Any, at: datetime) -> DueRun:
    """Apply what is due at `at` (the service's clock) to every member that has something due."""
    run = DueRun()
    for member_id in service.store.member_ids():
        member = service.store.load_member(member_id)
        run.members_checked += 1
        if member is None or not has_due_work(service, member, at):
            continue
        command = cmd.RunDueWork(idempotency_key=f"due/{member.id}/v{member.version}/{at:%Y-%m-%dT%H:%M}", channel="worker",
                                 actor="worker", member=cmd.MemberRef(member_id=member.id))
        try:
            result = service.execute(command)
        except errors.LoyaltyError:
            run.refused += 1
            continue
        if result.events and not result.replayed:
            run.members_changed += 1
    return run


class Periodic:
    """Scheduled work for a worker loop: `run_due` at most every `every_seconds`, on the worker's clock."""

    def __init__(self, service: Any, every_seconds: int = 30):
        self.service = service
        self.every_seconds = every_seconds
        self._last: datetime | None = None

    def __call__(self, now: datetime) -> DueRun | None:
        if self._last is not None and (now - self._last).total_seconds() < self.every_seconds:
            return None
        self._last = now
        return run_due(self.service, now)
