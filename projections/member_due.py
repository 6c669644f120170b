"""The persisted wake-up index: each member's next due instant, so scheduled work never scans every member.

`member_due` holds one row per member: the next instant it may have due work (`due_at`, NULL when none)
and the member version that instant was computed from. A row is only ever replaced by one computed from
the same or a newer version, so a worker that computed from a stale copy cannot push a member's wake-up
later than its newer state says (a stale earlier instant costs one load, never a missed expiry).
`member_due_position` is the last event position the index has read: the index and its position are
written in one transaction, so a restarted worker resumes from where the last one stopped and loses
nothing. `loyalty_core/wakeups.py` decides what goes in; this module only stores it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable
from uuid import UUID

from projections.readstore import ReadStore
from projections.schema import READ, baseline, component
from projections.schema_runner import ensure, read_target

SCHEMA = component("member_due", READ, baseline(
    "CREATE TABLE IF NOT EXISTS {member_due} (member_id TEXT PRIMARY KEY, due_at {ts}, version {int} NOT NULL)",
    "CREATE INDEX IF NOT EXISTS member_due_at ON {member_due} (due_at)",
    "CREATE TABLE IF NOT EXISTS {member_due_position} (name TEXT PRIMARY KEY, position {int} NOT NULL)"))


class DueIndex:
    """`position`, `save`, `due`: what `WakeUps` needs from an index, in the read side's database."""

    def __init__(self, store: ReadStore):
        self.store = store
        ensure(read_target(store), SCHEMA)
        self.table = store.table("member_due")
        self.cursor = store.table("member_due_position")

    def position(self) -> int | None:
        """The last event position read, or None when the index was never built on this store."""
        with self.store.transaction(write=False) as tx:
            rows = tx.run(f"SELECT position FROM {self.cursor} WHERE name = 'member_due'")
        return int(rows[0][0]) if rows else None

    def save(self, instants: Iterable[tuple[UUID, int, datetime | None]], position: int | None = None) -> None:
        """Each (member, version, next instant or None) and, with it, the position read up to."""
        with self.store.transaction() as tx:
            rows = [[str(member_id), tx.ts(at), version] for member_id, version, at in instants]
            tx.upsert(self.table, ("member_id", "due_at", "version"), rows,
                      "ON CONFLICT (member_id) DO UPDATE SET due_at = excluded.due_at, version = excluded.version "
                      "WHERE t.version <= excluded.version")
            if position is not None:
                tx.upsert(self.cursor, ("name", "position"), [["member_due", position]],
                          "ON CONFLICT (name) DO UPDATE SET position = excluded.position "
                          "WHERE t.position < excluded.position")

    def due(self, now: datetime, limit: int) -> list[UUID]:
        """Members whose instant has come, earliest first (through the `due_at` index)."""
        with self.store.transaction(write=False) as tx:
            rows = tx.run(f"SELECT member_id FROM {self.table} WHERE due_at <= ? ORDER BY due_at LIMIT ?",
                          [tx.ts(now), limit])
        return [UUID(str(r[0])) for r in rows]

    def reset(self) -> None:
        """Forget everything (a program change: every member is indexed again from its state)."""
        with self.store.transaction() as tx:
            tx.run(f"DELETE FROM {self.table}")
            tx.run(f"DELETE FROM {self.cursor}")

    def count(self) -> tuple[int, int]:
        """Members indexed, and those with an instant."""
        with self.store.transaction(write=False) as tx:
            total, timed = tx.run(f"SELECT count(*), count(due_at) FROM {self.table}")[0]
        return int(total), int(timed)
