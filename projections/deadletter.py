"""Dead letters: events a projection could not apply, set aside so that it keeps going with the others.

A projection applies a page of the log in one transaction. One event it cannot apply (a NUL byte in a
name that PostgreSQL's `text` refuses, a value an old release wrote that today's code cannot read) used to
fail that page for ever: the worker retried it every second, a rebuild exited 1, and the projection never
moved again. Now the runner applies such a page again one event per transaction; an event that fails is
rolled back and recorded here instead, in a transaction that moves the projection's position past it. So
every event is either applied or dead-lettered, exactly once, whenever the process is killed.

One table for all projections, in the read store: (projection, generation, notification id) with the
event's topic, originator, the error, when it was first and last seen and how many attempts failed. A
rebuild fills a new generation from scratch, so the dead letters of the generation it replaces are removed
when it is swapped in. An operator lists them (`loyalty projections dead-letters`, `GET
/v1/projections/dead-letters`) and retries them after a fix (`... retry ID|--all`): a retry applies the
one event to the live generation again and removes the dead letter when it succeeds. The retried event is
applied after the events that followed it; for the projections here that is what an operator wants (a
missing member appears in search, a missing credit appears in the balance), and a rebuild remains the way
to replay everything in order.

Failures that are the database's, not the event's (connection lost, server shutting down, lock timeout),
are never dead-lettered: they fail the whole page, and the worker tries it again later.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Sequence

from eventsourcing import persistence
from prometheus_client import Counter

from projections.readstore import ReadStore, Tx, is_missing_table
from projections.schema import READ, baseline, component
from projections.schema_runner import ensure, read_target

log = logging.getLogger("loyalty.projections.dead_letters")

TABLE = "projection_dead_letters"
SCHEMA = component("projection_dead_letters", READ, baseline(
    "CREATE TABLE IF NOT EXISTS {projection_dead_letters} (projection TEXT NOT NULL, generation INTEGER NOT NULL, "
    "notification_id {int} NOT NULL, topic TEXT NOT NULL, originator_id TEXT NOT NULL, "
    "originator_version INTEGER NOT NULL, error TEXT NOT NULL, first_seen {ts} NOT NULL, "
    "last_seen {ts} NOT NULL, attempts INTEGER NOT NULL, "
    "PRIMARY KEY (projection, generation, notification_id))"))
MAX_ERROR = 2000

#: Counted in the process that found them (the worker, a rebuild); the API's /metrics shows the table.
DEAD_LETTERED = Counter("loyalty_projection_dead_letters", "Events a projection could not apply and set aside",
                        ["projection"])

_INFRASTRUCTURE: tuple[type[BaseException], ...] = (
    persistence.OperationalError, persistence.InterfaceError, sqlite3.OperationalError, sqlite3.InterfaceError,
)
try:  # psycopg's own types reach us when a view talks to the cursor directly
    import psycopg

    _INFRASTRUCTURE += (psycopg.OperationalError, psycopg.InterfaceError)
except ImportError:  # pragma: no cover - psycopg is a dependency, but SQLite needs none of it
    pass


def is_poison(exc: BaseException) -> bool:
    """An error that this event causes (it will fail again), not one the database has right now."""
    # A table that vanished is a rebuild dropping the generation under us: the worker picks the new one up.
    return isinstance(exc, Exception) and not isinstance(exc, _INFRASTRUCTURE) and not is_missing_table(exc)


@dataclass(frozen=True)
class DeadLetter:
    projection: str
    generation: int
    notification_id: int
    topic: str
    originator_id: str
    originator_version: int
    error: str
    first_seen: datetime
    last_seen: datetime
    attempts: int

    @property
    def id(self) -> str:
        """What an operator types to retry this one: `member_search:1234`."""
        return f"{self.projection}:{self.notification_id}"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "projection": self.projection, "generation": self.generation,
                "notification_id": self.notification_id, "topic": self.topic,
                "originator_id": self.originator_id, "originator_version": self.originator_version,
                "error": self.error, "first_seen": self.first_seen.isoformat(),
                "last_seen": self.last_seen.isoformat(), "attempts": self.attempts}


def describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR]


class DeadLetters:
    """The dead-letter table of one read store."""

    _COLUMNS = ("projection, generation, notification_id, topic, originator_id, originator_version, error, "
                "first_seen, last_seen, attempts")

    def __init__(self, store: ReadStore):
        self.store = store
        self.table = store.table(TABLE)
        self._ready = False

    def ensure(self) -> None:
        if self._ready:
            return
        ensure(read_target(self.store), SCHEMA)
        self._ready = True

    def record(self, tx: Tx, projection: str, generation: int, notification_id: int, topic: str,
               originator_id: Any, originator_version: int, exc: BaseException) -> None:
        """Set one event aside, inside the batch transaction `tx` (or count one more failed attempt)."""
        now = tx.ts(datetime.now(timezone.utc))
        error = describe(exc)
        tx.run(f"INSERT INTO {self.table} AS t ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1) "
               f"ON CONFLICT (projection, generation, notification_id) DO UPDATE SET error = excluded.error, "
               f"last_seen = excluded.last_seen, attempts = t.attempts + 1",
               [projection, generation, notification_id, topic, str(originator_id), originator_version, error,
                now, now])
        DEAD_LETTERED.labels(projection).inc()
        # One line of key=value pairs an alert rule can match on (the worker logs plain text), and the same
        # fields as the record's attributes for a structured handler.
        fields = {"event": "projection_dead_letter", "projection": projection, "generation": generation,
                  "notification_id": notification_id, "topic": topic, "originator_id": str(originator_id),
                  "error": error}
        log.error(" ".join(f"{k}={v!r}" if k == "error" else f"{k}={v}" for k, v in fields.items()), extra=fields)

    def failed_again(self, letter: DeadLetter, exc: BaseException) -> None:
        with self.store.transaction() as tx:
            tx.run(f"UPDATE {self.table} SET error = ?, last_seen = ?, attempts = attempts + 1 "
                   f"WHERE projection = ? AND generation = ? AND notification_id = ?",
                   [describe(exc), tx.ts(datetime.now(timezone.utc)), letter.projection, letter.generation,
                    letter.notification_id])

    def remove(self, tx: Tx, letter: DeadLetter) -> None:
        tx.run(f"DELETE FROM {self.table} WHERE projection = ? AND generation = ? AND notification_id = ?",
               [letter.projection, letter.generation, letter.notification_id])

    def drop_generation(self, projection: str, generation: int) -> None:
        """A generation was dropped: its dead letters went with it (a rebuild records its own)."""
        self.ensure()
        with self.store.transaction() as tx:
            tx.run(f"DELETE FROM {self.table} WHERE projection = ? AND generation = ?", [projection, generation])

    def list(self, live: dict[str, int] | None = None, limit: int = 1000) -> list[DeadLetter]:
        """Dead letters of the live generations (all generations when `live` is None), oldest first."""
        self.ensure()
        with self.store.transaction(write=False) as tx:
            rows = tx.run(f"SELECT {self._COLUMNS} FROM {self.table} ORDER BY notification_id, projection LIMIT ?",
                          [limit])
            letters = [DeadLetter(str(r[0]), int(r[1]), int(r[2]), str(r[3]), str(r[4]), int(r[5]), str(r[6]),
                                  _when(tx, r[7]), _when(tx, r[8]), int(r[9])) for r in rows]
        if live is None:
            return letters
        return [letter for letter in letters if live.get(letter.projection) == letter.generation]

    def count(self) -> dict[str, int]:
        self.ensure()
        with self.store.transaction(write=False) as tx:
            return {str(p): int(n) for p, n in tx.run(f"SELECT projection, count(*) FROM {self.table} "
                                                      f"GROUP BY projection")}


def _when(tx: Tx, value: Any) -> datetime:
    return value if isinstance(value, datetime) else tx.to_ts(value)  # type: ignore[return-value]


def select(letters: Sequence[DeadLetter], ids: Sequence[str]) -> list[DeadLetter]:
    wanted = set(ids)
    return [letter for letter in letters if letter.id in wanted]
