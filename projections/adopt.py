"""Adopting the events written before sealing existed: an auditor's explicit, one-time act.

A store upgraded from a version without seals holds a prefix of unsealed rows, and `audit verify` rightly
names every one of them. `loyalty audit adopt` seals that prefix as it stands now, and only that: it refuses
if any unsealed row sits after a sealed one (that is an insertion, and adopting it would launder it) or if
any sealed row fails its seal. It then rewrites the chain from the first row (digests of sealed rows are
unchanged; their seals change because the chain now starts earlier), in one transaction holding the same
lock as every writer (PostgreSQL: `LOCK TABLE … IN EXCLUSIVE MODE`; SQLite: `BEGIN IMMEDIATE`), so no
event is written meanwhile. Sign a checkpoint right after: it is what pins the adopted history.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Callable

from loyalty_core.sealing import GENESIS, SEALS_SUFFIX, SQLITE_SEALS_TABLE, row_digest, seal
from projections.chain import verify
from projections.eventrows import as_bytes
from projections.readstore import ReadStore
from projections.sealed_log import NoEventStore, SealedLog, open_sealed_log


class AdoptionRefused(Exception):
    """The log is not just an old unsealed prefix followed by intact sealed rows; the message says why."""


@dataclass
class Adoption:
    adopted: int
    """Unsealed rows now sealed."""
    resealed: int
    """Rows whose seal was rewritten because the chain now starts earlier."""


def _check(log: SealedLog) -> None:
    result = verify(log)
    first_sealed = next((s[0] for s in log.seals()), None)
    for problem in result.problems:
        if problem.kind != "inserted" or (first_sealed is not None and problem.position > first_sealed):
            raise AdoptionRefused(f"position {problem.position}: {problem.kind} ({problem.detail}); only rows "
                                  "written before sealing, all before the first sealed row, can be adopted")


def _reseal(rows: list[tuple[int, Any, int, str, Any]], sealed: set[int],
            write: Callable[[list[tuple[int, bytes, bytes]]], None]) -> Adoption:
    previous, out = GENESIS, []
    for notification_id, origin, version, topic, state in rows:
        digest = row_digest(origin, version, topic, as_bytes(state))
        previous = seal(previous, notification_id, digest)
        out.append((int(notification_id), digest, previous))
    write(out)
    adopted = sum(1 for r in out if r[0] not in sealed)
    return Adoption(adopted, len(out) - adopted)


def adopt(store: ReadStore) -> Adoption:
    if store.dialect == "postgres":
        return _adopt_postgres(store)
    return _adopt_sqlite(store)


def _adopt_postgres(store: ReadStore) -> Adoption:
    events, seals = store.table(store.events_table), store.table(store.events_table + SEALS_SUFFIX)
    with store.transaction() as tx:
        tx.run(f"LOCK TABLE {events} IN EXCLUSIVE MODE")  # the writers' own lock: nothing is written meanwhile
        tx.run(f"CREATE TABLE IF NOT EXISTS {seals} (notification_id bigint PRIMARY KEY, digest bytea NOT NULL, "
               "seal bytea NOT NULL)")
        with open_sealed_log(store, tx) as log:
            _check(log)
            sealed = {s[0] for s in log.seals()}
            rows = list(log.events())

        def write(out: list[tuple[int, bytes, bytes]]) -> None:
            tx.run(f"DELETE FROM {seals}")
            tx.many(f"INSERT INTO {seals} (notification_id, digest, seal) VALUES (?, ?, ?)", out)

        return _reseal(rows, sealed, write)


def _adopt_sqlite(store: ReadStore) -> Adoption:
    from pathlib import Path

    assert store.events_path is not None
    if not Path(store.events_path).is_file():
        raise NoEventStore(f"no events database at {store.events_path}: check LOYALTY_DATABASE_URL")
    conn = sqlite3.connect(store.events_path, isolation_level=None, timeout=30)
    try:
        conn.execute("BEGIN IMMEDIATE")  # SQLite's one write lock: no event is written meanwhile
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SQLITE_SEALS_TABLE} (notification_id INTEGER PRIMARY KEY, "
                     "digest BLOB NOT NULL, seal BLOB NOT NULL)")
        try:
            with open_sealed_log(store, conn) as log:
                _check(log)
                sealed = {s[0] for s in log.seals()}
                rows = list(log.events())

            def write(out: list[tuple[int, bytes, bytes]]) -> None:
                conn.execute(f"DELETE FROM {SQLITE_SEALS_TABLE}")
                conn.executemany(f"INSERT INTO {SQLITE_SEALS_TABLE} VALUES (?, ?, ?)", out)

            adoption = _reseal(rows, sealed, write)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return adoption
    finally:
        conn.close()
