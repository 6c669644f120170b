"""A hash chain over the stored events, so that a row edited, deleted or inserted behind the
application's back is detected and its position named.

Each event's link is `sha256(previous link ‖ id ‖ originator id ‖ version ‖ topic ‖ state)`, fields
length-prefixed, starting from 32 zero bytes. `extend` links every event not linked yet and stores each
link (`audit_chain`), plus a checkpoint (`audit_checkpoints`) every N events and at the head. `verify`
re-reads every stored event and walks it against the stored links:

- a link whose row is gone: the row was **deleted**;
- a row at or below the last link with no link of its own: the row was **inserted**;
- a row whose link, recomputed from the stored link before it, differs: the row was **altered**.
Recomputing from the *stored* previous link makes each problem show up where it is, not at every row
after it; the checkpoints, compared with the chain recomputed from the start, catch a rewritten
`audit_chain` too. Rows after the last link cannot be judged yet: `verify` counts them.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterator

from projections.eventrows import FIRST, EventRows, Row, id_bytes
from projections.readstore import ReadStore, Tx

GENESIS = bytes(32)
PAGE = 10_000
_LOCK = 7_524_118  # PostgreSQL advisory lock: one process extends the chain at a time


_ID_AND_LENGTH, _VERSION_AND_LENGTH, _LENGTH = struct.Struct(">qI"), struct.Struct(">qI"), struct.Struct(">I")


def link(previous: bytes, row: Row) -> bytes:
    notification_id, originator_id, version, topic, state = row
    origin, topic_bytes = id_bytes(originator_id), topic.encode()
    return hashlib.sha256(b"".join((previous, _ID_AND_LENGTH.pack(notification_id, len(origin)), origin,
                                    _VERSION_AND_LENGTH.pack(version, len(topic_bytes)), topic_bytes,
                                    _LENGTH.pack(len(state)), state))).digest()


@dataclass
class Problem:
    position: int
    kind: str
    """deleted | inserted | altered | checkpoint"""
    detail: str = ""


@dataclass
class Verification:
    checked: int = 0
    head: int = FIRST
    """The last linked id: rows up to here were checked (FIRST: nothing linked yet)."""
    unchecked: int = 0
    """Rows after the last link (recorded since the last checkpoint)."""
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


class Chain:
    """The chain's tables in the read store (SQL portable to both dialects through `Tx`)."""

    def __init__(self, store: ReadStore, rows: EventRows):
        self.store, self.rows = store, rows
        self.links, self.checkpoints = store.table("audit_chain"), store.table("audit_checkpoints")

    def setup(self) -> None:
        with self.store.transaction() as tx:
            blob = "bytea" if self.store.dialect == "postgres" else "BLOB"
            tx.run(f"CREATE TABLE IF NOT EXISTS {self.links} (notification_id BIGINT PRIMARY KEY, "
                   f"link {blob} NOT NULL)")
            tx.run(f"CREATE TABLE IF NOT EXISTS {self.checkpoints} (notification_id BIGINT PRIMARY KEY, "
                   f"link {blob} NOT NULL, events BIGINT NOT NULL, recorded_at TEXT NOT NULL)")

    def _head(self, tx: Tx) -> tuple[int, bytes, int]:
        """(last linked id, its link, events linked so far)."""
        last = tx.run(f"SELECT notification_id, link FROM {self.links} ORDER BY notification_id DESC LIMIT 1")
        if not last:
            return FIRST, GENESIS, 0
        mark = tx.run(f"SELECT notification_id, events FROM {self.checkpoints} "
                      f"ORDER BY notification_id DESC LIMIT 1")
        since = mark[0][0] if mark else FIRST
        counted = tx.run(f"SELECT count(*) FROM {self.links} WHERE notification_id > ?", [since])[0][0]
        return int(last[0][0]), bytes(last[0][1]), (int(mark[0][1]) if mark else 0) + int(counted)

    def extend(self, every: int = 10_000, page: int = PAGE) -> int:
        """Link every event not linked yet; a checkpoint each `every` events and at the new head."""
        added = 0
        while True:
            with self.store.transaction() as tx:
                if self.store.dialect == "postgres":
                    tx.run("SELECT pg_advisory_xact_lock(?)", [_LOCK])
                head, previous, count = self._head(tx)
                rows = self.rows.page(head, page)
                links, marks = [], []
                for row in rows:
                    previous, count = link(previous, row), count + 1
                    links.append((row[0], previous))
                    if count % every == 0 or row is rows[-1]:
                        marks.append((row[0], previous, count, datetime.now(timezone.utc).isoformat()))
                tx.append(self.links, ("notification_id", "link"), links)
                tx.many(f"INSERT INTO {self.checkpoints} VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", marks)
            added += len(rows)
            if len(rows) < page:
                return added

    def _stored(self, page: int = PAGE) -> Iterator[tuple[int, bytes]]:
        after = FIRST
        while True:
            with self.store.transaction(write=False) as tx:
                chunk = tx.run(f"SELECT notification_id, link FROM {self.links} WHERE notification_id > ? "
                               f"ORDER BY notification_id LIMIT ?", [after, page])
            yield from ((int(i), bytes(h)) for i, h in chunk)
            if len(chunk) < page:
                return
            after = int(chunk[-1][0])

    def _events(self, page: int = PAGE) -> Iterator[Row]:
        after = FIRST
        while True:
            chunk = self.rows.page(after, page)
            yield from chunk
            if len(chunk) < page:
                return
            after = chunk[-1][0]

    def verify(self) -> Verification:
        with self.store.transaction(write=False) as tx:
            rows = tx.run(f"SELECT notification_id, link FROM {self.checkpoints}")
            marks = {int(i): bytes(h) for i, h in rows}
        result = Verification(checkpoints=len(marks))
        walk = _Walk(result, marks)
        events, stored = self._events(), self._stored()
        row, mine = next(events, None), next(stored, None)
        while mine is not None:
            if row is not None and row[0] == mine[0]:
                walk.both(row, mine)
                row, mine = next(events, None), next(stored, None)
            elif row is not None and row[0] < mine[0]:
                walk.inserted(row)
                row = next(events, None)
            else:
                walk.deleted(mine)
                mine = next(stored, None)
        for position in sorted(m for m in marks if m > result.head):
            result.problems.append(Problem(position, "checkpoint",
                                           "the stored chain ends before this checkpoint"))
        while row is not None:  # rows after the last link are new, unless they sit among linked ones
            if row[0] <= result.head:
                walk.inserted(row)
            else:
                result.unchecked += 1
            row = next(events, None)
        return result


class _Walk:
    """The state of one verification: the chain recomputed from the rows, and the stored chain."""

    def __init__(self, result: Verification, marks: dict[int, bytes]):
        self.result, self.marks = result, marks
        self.computed = self.stored = GENESIS

    def both(self, row: Row, mine: tuple[int, bytes]) -> None:
        from_stored = link(self.stored, row)
        if from_stored != mine[1]:
            self.result.problems.append(Problem(row[0], "altered",
                                                "the row's bytes differ from when it was linked"))
        # While nothing is wrong both chains are the same: hash once.
        self.computed = from_stored if self.computed == self.stored else link(self.computed, row)
        self.stored = mine[1]
        self._advance(mine)

    def inserted(self, row: Row) -> None:
        self.result.problems.append(Problem(row[0], "inserted",
                                            "a row that was not there when the chain was made"))
        self.computed = link(self.computed, row)

    def deleted(self, mine: tuple[int, bytes]) -> None:
        self.result.problems.append(Problem(mine[0], "deleted", "a linked row is missing"))
        self.stored = mine[1]
        self._advance(mine)

    def _advance(self, mine: tuple[int, bytes]) -> None:
        self.result.checked += 1
        self.result.head = mine[0]
        expected = self.marks.get(mine[0])
        if expected is None:
            return
        if expected != mine[1]:
            self.result.problems.append(Problem(mine[0], "checkpoint", "the stored chain was rewritten"))
        elif expected != self.computed and not self.result.problems:
            # Only when no row above explains it: one altered row would otherwise flag every later checkpoint.
            self.result.problems.append(Problem(mine[0], "checkpoint",
                                                "the chain recomputed from the first event differs here"))
