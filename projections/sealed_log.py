"""The events table and its seals, read together from one consistent snapshot, for `audit verify`.

Events and their seals are written in one transaction (`loyalty_core/sealing.py`), so a reader that sees
both tables at the same instant sees every event with its seal. Reading them in two transactions would
let an event committed in between look unsealed. PostgreSQL: one REPEATABLE READ transaction through the
read side's pool. SQLite: one read transaction on the events file, opened read-only (the auditor's tools
must not be able to change what they audit). Rows come in id order, including ids the library would never
hand out (SQLite stores a row with rowid 0 or -5 if told to).
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from loyalty_core.sealing import SEALS_SUFFIX, SQLITE_SEALS_TABLE
from projections.eventrows import FIRST, Row, as_bytes
from projections.readstore import ReadStore, Tx, is_missing_table

PAGE = 10_000


class NoEventStore(Exception):
    """The configured store has no events database: nothing to verify (and never reported as verified)."""
Seal = tuple[int, bytes, bytes]
"""(notification id, stored digest, stored seal)"""


class SealedLog(ABC):
    @abstractmethod
    def event_page(self, after: int, limit: int) -> list[Row]:
        """Event rows with id > `after`, in id order."""

    @abstractmethod
    def seal_page(self, after: int, limit: int) -> list[Seal]:
        """Seal rows with id > `after`, in id order (none if the seals table does not exist)."""

    def events(self) -> Iterator[Row]:
        yield from _pages(self.event_page)

    def seals(self) -> Iterator[Seal]:
        yield from _pages(self.seal_page)


def _pages(read: Any) -> Iterator[Any]:
    after = FIRST
    while True:
        chunk = read(after, PAGE)
        yield from chunk
        if len(chunk) < PAGE:
            return
        after = chunk[-1][0]


class _PostgresLog(SealedLog):
    def __init__(self, tx: Tx, store: ReadStore, has_seals: bool):
        self.tx, self.has_seals = tx, has_seals
        self.events_table = store.table(store.events_table)
        self.seals_table = store.table(store.events_table + SEALS_SUFFIX)

    def event_page(self, after: int, limit: int) -> list[Row]:
        rows = self.tx.run(f"SELECT notification_id, originator_id, originator_version, topic, state "
                           f"FROM {self.events_table} WHERE notification_id > ? ORDER BY notification_id "
                           f"LIMIT ?", [after, limit])
        return [(int(i), o, int(v), t, as_bytes(s)) for i, o, v, t, s in rows]

    def seal_page(self, after: int, limit: int) -> list[Seal]:
        if not self.has_seals:
            return []
        rows = self.tx.run(f"SELECT notification_id, digest, seal FROM {self.seals_table} "
                           f"WHERE notification_id > ? ORDER BY notification_id LIMIT ?", [after, limit])
        return [(int(i), as_bytes(d), as_bytes(s)) for i, d, s in rows]


class _SQLiteLog(SealedLog):
    def __init__(self, conn: sqlite3.Connection, has_seals: bool):
        self.conn, self.has_seals = conn, has_seals

    def event_page(self, after: int, limit: int) -> list[Row]:
        rows = self.conn.execute("SELECT rowid, originator_id, originator_version, topic, state "
                                 "FROM stored_events WHERE rowid > ? ORDER BY rowid LIMIT ?", [after, limit])
        return [(int(i), o, int(v), t, as_bytes(s)) for i, o, v, t, s in rows.fetchall()]

    def seal_page(self, after: int, limit: int) -> list[Seal]:
        if not self.has_seals:
            return []
        rows = self.conn.execute(f"SELECT notification_id, digest, seal FROM {SQLITE_SEALS_TABLE} "
                                 "WHERE notification_id > ? ORDER BY notification_id LIMIT ?", [after, limit])
        return [(int(i), as_bytes(d), as_bytes(s)) for i, d, s in rows.fetchall()]


def _postgres_log(tx: Tx, store: ReadStore) -> _PostgresLog:
    found = tx.run("SELECT to_regclass(?)", [store.table(store.events_table + SEALS_SUFFIX)])
    return _PostgresLog(tx, store, found[0][0] is not None)


def _sqlite_log(conn: sqlite3.Connection) -> _SQLiteLog:
    try:
        conn.execute(f"SELECT 1 FROM {SQLITE_SEALS_TABLE} LIMIT 1")
        return _SQLiteLog(conn, True)
    except sqlite3.OperationalError as exc:
        if not is_missing_table(exc):
            raise
        return _SQLiteLog(conn, False)


@contextmanager
def open_sealed_log(store: ReadStore, within: Any = None) -> Iterator[SealedLog]:
    """The log in one snapshot: a transaction of its own, or `within` (a `Tx` on PostgreSQL, a
    `sqlite3.Connection` already in a transaction on SQLite) when the caller holds one."""
    if within is not None:
        yield _postgres_log(within, store) if store.dialect == "postgres" else _sqlite_log(within)
        return
    if store.dialect == "postgres":
        with store.transaction(write=False) as tx:
            tx.run("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            yield _postgres_log(tx, store)
        return
    assert store.events_path is not None
    if not Path(store.events_path).is_file():
        raise NoEventStore(f"no events database at {store.events_path}: check LOYALTY_DATABASE_URL")
    conn = sqlite3.connect(f"file:{store.events_path}?mode=ro", uri=True)
    try:
        conn.execute("BEGIN")  # one snapshot for both tables (WAL readers see a fixed point in time)
        yield _sqlite_log(conn)
    finally:
        conn.close()
