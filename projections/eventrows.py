"""The stored events as rows, read straight from the events table, for the auditor's tools.

The hash chain must cover exactly what is stored (bytes included), in id order, from the very first
row, including rows the library would never return (SQLite will store a row with rowid 0 or -5 if told
to); the replay reads each member's events together, in (member, version) order, which the library's
API does not offer. Each dialect reads its own table: PostgreSQL `<schema>.loyalty_events` through the
read side's connection pool; SQLite `stored_events` in the events file, opened read-only.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import sqlite3
from typing import Any, Sequence
from uuid import UUID

from projections.readstore import ReadStore

_COLUMNS = "notification_id, originator_id, originator_version, topic, state"
Row = tuple[int, Any, int, str, bytes]
"""(notification id, originator id, originator version, topic, state)"""
FIRST = -(2**63)
"""Lower than any id: a row inserted by hand with id 0 or below must still be read."""


def as_bytes(state: Any) -> bytes:
    """A state as bytes, even if a hand edit left text or NULL in the column (SQLite allows either)."""
    if state is None:
        return b""
    return bytes(state) if isinstance(state, (bytes, bytearray, memoryview)) else str(state).encode()


def id_bytes(originator_id: Any) -> bytes:
    """The originator id as 16 bytes (a UUID however the dialect returns it), else its UTF-8 text."""
    if isinstance(originator_id, UUID):
        return originator_id.bytes
    try:
        return UUID(str(originator_id)).bytes
    except ValueError:
        return b"\xff" + str(originator_id).encode()


class EventRows(ABC):
    @abstractmethod
    def page(self, after: int, limit: int) -> list[Row]:
        """Rows with id > `after`, in id order."""

    @abstractmethod
    def member_rows(self, after: tuple[Any, int] | None, limit: int, topics: Sequence[str]) -> list[Row]:
        """Rows of the given topics in (originator id, version) order, after the (id, version) given."""

    def close(self) -> None:
        pass


class PostgresEventRows(EventRows):
    def __init__(self, store: ReadStore):
        self.store = store
        self.table = store.table(store.events_table)

    def _rows(self, sql: str, params: list[Any]) -> list[Row]:
        with self.store.transaction(write=False) as tx:
            return [(int(i), o, int(v), t, as_bytes(s)) for i, o, v, t, s in tx.run(sql, params)]

    def page(self, after: int, limit: int) -> list[Row]:
        return self._rows(f"SELECT {_COLUMNS} FROM {self.table} WHERE notification_id > ? "
                          f"ORDER BY notification_id LIMIT ?", [after, limit])

    def member_rows(self, after: tuple[Any, int] | None, limit: int, topics: Sequence[str]) -> list[Row]:
        start = "AND (originator_id, originator_version) > (?, ?) " if after else ""
        return self._rows(f"SELECT {_COLUMNS} FROM {self.table} WHERE topic = ANY(?) {start}"
                          f"ORDER BY originator_id, originator_version LIMIT ?",
                          [list(topics), *(after or ()), limit])


class SQLiteEventRows(EventRows):
    def __init__(self, path: str):
        # Read-only: the auditor's tools must not be able to change what they audit.
        self.conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def _rows(self, sql: str, params: list[Any]) -> list[Row]:
        rows = self.conn.execute(sql, params).fetchall()
        return [(int(i), o, int(v), t, as_bytes(s)) for i, o, v, t, s in rows]

    def page(self, after: int, limit: int) -> list[Row]:
        return self._rows("SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
                          "WHERE rowid > ? ORDER BY rowid LIMIT ?", [after, limit])

    def member_rows(self, after: tuple[Any, int] | None, limit: int, topics: Sequence[str]) -> list[Row]:
        marks = ",".join("?" * len(topics))
        start = "AND (originator_id > ? OR (originator_id = ? AND originator_version > ?)) " if after else ""
        params = [*topics, *((after[0], after[0], after[1]) if after else ()), limit]
        return self._rows(f"SELECT rowid, originator_id, originator_version, topic, state FROM stored_events "
                          f"WHERE topic IN ({marks}) {start}"
                          f"ORDER BY originator_id, originator_version LIMIT ?", params)

    def close(self) -> None:
        self.conn.close()


def open_event_rows(store: ReadStore) -> EventRows:
    if store.dialect == "postgres":
        return PostgresEventRows(store)
    assert store.events_path is not None
    return SQLiteEventRows(store.events_path)
