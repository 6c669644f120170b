"""Every stored event is sealed in the very transaction that writes it: no unsealed window.

A seal row sits next to each event row (same database, same transaction) and holds two hashes:

- `digest = sha256(originator id ‖ version ‖ topic ‖ state)`, the row's content (fields length-prefixed);
- `seal = sha256(previous seal ‖ notification id ‖ digest)`, starting from 32 zero bytes, so each seal
  covers every row before it.

The two recorders below are the `eventsourcing` library's own application recorders with one step added
inside their insert: after the events are inserted (PostgreSQL holds `LOCK TABLE … IN EXCLUSIVE MODE` by
then; SQLite holds its single write lock), read the last seal and write one seal row per new notification
id. So a row that was never sealed was not written by the application, and an edited, deleted, inserted or
reordered row no longer matches its seal (`projections/chain.py` walks them). Rewriting the whole seal
table is caught by a signed checkpoint kept outside the database (`projections/checkpoints.py`).

This is the second module allowed to import `eventsourcing` (the library's recorder extension point,
`APPLICATION_RECORDER_TOPIC`); `ledger.py` opts in through `sealed_env`.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Any, Sequence
from uuid import UUID

from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore, PostgresRecorder
from eventsourcing.sqlite import SQLiteApplicationRecorder, SQLiteCursor, SQLiteDatastore

GENESIS = bytes(32)
SQLITE_SEALS_TABLE = "event_seals"
SEALS_SUFFIX = "_seals"
"""PostgreSQL: the seals table is `<events table>_seals` in the events' schema (`loyalty_events_seals`)."""

_VERSION_AND_LENGTH, _LENGTH, _ID = struct.Struct(">qI"), struct.Struct(">I"), struct.Struct(">q")

ERASURE_TOPIC = "loyalty_core.events:PersonalDataErased"


def erased_members(stored_events: Sequence[StoredEvent]) -> list[Any]:
    """The members a batch erases: their data keys are destroyed in the batch's own transaction
    (`member_keys.shred(cursor, ids)`, loyalty_core/privacy/keystore.py), so the erasure and the key's
    destruction commit together or not at all."""
    return [e.originator_id for e in stored_events if e.topic == ERASURE_TOPIC]


def id_bytes(originator_id: Any) -> bytes:
    """The originator id as 16 bytes (a UUID however the dialect stores it), else its UTF-8 text."""
    if isinstance(originator_id, UUID):
        return originator_id.bytes
    try:
        return UUID(str(originator_id)).bytes
    except ValueError:
        return b"\xff" + str(originator_id).encode()


def row_digest(originator_id: Any, version: int, topic: str, state: bytes) -> bytes:
    origin, topic_bytes = id_bytes(originator_id), topic.encode()
    return hashlib.sha256(b"".join((_LENGTH.pack(len(origin)), origin,
                                    _VERSION_AND_LENGTH.pack(version, len(topic_bytes)), topic_bytes,
                                    _LENGTH.pack(len(state)), state))).digest()


def seal(previous: bytes, notification_id: int, digest: bytes) -> bytes:
    return hashlib.sha256(previous + _ID.pack(notification_id) + digest).digest()


def seal_rows(previous: bytes, ids: Sequence[int], events: Sequence[StoredEvent]) -> list[tuple[int, bytes, bytes]]:
    """(notification id, digest, seal) for each new event, chained from `previous`."""
    if len(ids) != len(events):
        raise RuntimeError(f"got {len(ids)} notification ids for {len(events)} events: cannot seal")
    rows = []
    for notification_id, event in zip(ids, events):
        digest = row_digest(event.originator_id, event.originator_version, event.topic, event.state)
        previous = seal(previous, notification_id, digest)
        rows.append((notification_id, digest, previous))
    return rows


class SealingSQLiteRecorder(SQLiteApplicationRecorder):
    member_keys: Any = None
    """Set by the store (privacy/keystore.py): inside the insert's transaction, writes the new data keys
    staged for these events and destroys erased members' keys."""

    def __init__(self, datastore: SQLiteDatastore, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name)
        self.seals_table = SQLITE_SEALS_TABLE

    def construct_create_table_statements(self) -> list[str]:
        return [*super().construct_create_table_statements(),
                f"CREATE TABLE IF NOT EXISTS {SQLITE_SEALS_TABLE} (notification_id INTEGER PRIMARY KEY, "
                "digest BLOB NOT NULL, seal BLOB NOT NULL)"]

    def _insert_events(self, c: SQLiteCursor, stored_events: Sequence[StoredEvent], **kwargs: Any
                       ) -> Sequence[int] | None:
        # Insert first: the first write takes SQLite's write lock, so the last seal read below is the
        # newest one (reading first could see a snapshot another process is about to supersede).
        ids = list(super()._insert_events(c, stored_events, **kwargs) or [])
        if not ids:
            return ids
        c.execute(f"SELECT notification_id, seal FROM {SQLITE_SEALS_TABLE} "
                  "ORDER BY notification_id DESC LIMIT 1")
        last = c.fetchone()
        if last is not None and last[0] >= ids[0]:
            ids = self._move_past(c, ids, last[0])
        previous = bytes(last[1]) if last is not None else GENESIS
        c.executemany(f"INSERT INTO {SQLITE_SEALS_TABLE} VALUES (?, ?, ?)", seal_rows(previous, ids, stored_events))
        if self.member_keys is not None:
            self.member_keys.write_staged(c)
            erasing = erased_members(stored_events)
            if erasing:
                self.member_keys.shred(c, erasing)
        return ids

    def _move_past(self, c: SQLiteCursor, ids: list[int], last_sealed: int) -> list[int]:
        """SQLite reuses the rowid of a deleted last row; never let a new event take a sealed id.

        Only happens after someone deleted the newest rows behind the application's back: the new rows
        move past the last seal, so the deletion stays visible to `audit verify`.
        """
        shift = last_sealed + 1 - ids[0]
        for notification_id in reversed(ids):
            c.execute(f"UPDATE {self.events_table_name} SET rowid = ? WHERE rowid = ?",
                      (notification_id + shift, notification_id))
        return [notification_id + shift for notification_id in ids]


class SealingPostgresRecorder(PostgresApplicationRecorder):
    member_keys: Any = None
    """Set by the store (privacy/keystore.py): inside the insert's transaction, writes the new data keys
    staged for these events and destroys erased members' keys."""

    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self.seals_table = events_table_name + SEALS_SUFFIX
        self.check_identifier_length(self.seals_table)
        # Plain SQL text (psycopg takes it as is): the names come from the library's own configuration.
        table = f"{_quoted(datastore.schema)}.{_quoted(self.seals_table)}"
        self.sql_create_statements.append(_Statement(
            f"CREATE TABLE IF NOT EXISTS {table} (notification_id bigint PRIMARY KEY, digest bytea NOT NULL, "
            "seal bytea NOT NULL)"))
        self._last_seal = f"SELECT seal FROM {table} ORDER BY notification_id DESC LIMIT 1"
        self._insert_seals = (f"INSERT INTO {table} (notification_id, digest, seal) "
                              "SELECT * FROM unnest(%s::bigint[], %s::bytea[], %s::bytea[])")

    def _fetch_ids_after_insert_events(self, curs: Any, stored_events: Sequence[StoredEvent], **kwargs: Any
                                       ) -> Sequence[int] | None:
        # Still inside the insert's transaction, under its EXCLUSIVE lock on the events table: every
        # writer of events passes here one at a time, so the last seal cannot change under us. (One
        # statement chaining the seals in SQL, a recursive CTE over sha256, saves this read's round trip
        # but measured slower here: 178 against 315 purchases/s at 8 callers.)
        ids = list(super()._fetch_ids_after_insert_events(curs, stored_events, **kwargs) or [])
        curs.execute(self._last_seal, prepare=True)
        last = curs.fetchone()
        previous = bytes(last["seal"]) if last is not None else GENESIS
        rows = seal_rows(previous, ids, stored_events)
        curs.execute(self._insert_seals, ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]),
                     prepare=True)
        if self.member_keys is not None:
            self.member_keys.write_staged(curs)
            erasing = erased_members(stored_events)
            if erasing:
                self.member_keys.shred(curs, erasing)
        return ids


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class _Statement(str):
    """A create statement as the library's `create_table` expects one (it calls `as_string()`)."""

    def as_string(self, context: Any = None) -> str:
        return str(self)


def sealed_env(env: dict[str, str]) -> dict[str, str]:
    """The store's environment with the sealing recorder of its dialect."""
    module = env.get("PERSISTENCE_MODULE", "")
    # PostgreSQL: the same sealing recorder with a two-round-trip binary write (loyalty_core/fast_recorder.py).
    topic = {"eventsourcing.sqlite": f"{__name__}:{SealingSQLiteRecorder.__qualname__}",
             "eventsourcing.postgres": "loyalty_core.fast_recorder:FastSealingPostgresRecorder"}.get(module)
    if topic is None:
        return env
    return {**env, "APPLICATION_RECORDER_TOPIC": topic}


def check_recorder(recorder: Any, dialect: str) -> None:
    """Refuse to run on anything but the sealing recorder of the configured dialect."""
    expected = SealingPostgresRecorder if dialect == "postgres" else SealingSQLiteRecorder
    if not isinstance(recorder, expected):
        raise RuntimeError(f"store misconfigured: expected {expected.__name__}, got {type(recorder).__module__}."
                           f"{type(recorder).__qualname__}")


#: The advisory lock the service's own migrations take (projections/schema_runner.LOCK_KEY; the domain
#: imports nothing from the read side).
SCHEMA_LOCK_KEY = 4_242_170_000
_DUPLICATE_OBJECT = "42710"


def create_tables_guarded(recorders: list[Any]) -> None:
    """Create the library's tables (events, seals, snapshots) under the migrations' advisory lock.

    The library runs each PostgreSQL `CREATE TYPE` in a transaction of its own that suppresses only
    `DuplicateObject`: two processes starting on an empty database both try to create the type and the
    loser fails with `duplicate key value violates unique constraint "pg_type_typname_nsp_index"`. So the
    store is opened with the library's `CREATE_TABLE` off, and the very same statements run here, one
    transaction per recorder, after the lock: the second process waits, then finds everything there."""
    for recorder in recorders:
        if not isinstance(recorder, PostgresRecorder):
            recorder.create_table()
            continue
        with recorder.datastore.transaction(commit=True) as curs:
            curs.execute(f"SELECT pg_advisory_xact_lock({SCHEMA_LOCK_KEY})", prepare=False)
            for statement in recorder.sql_create_statements:
                if "CREATE TYPE" not in statement.as_string():
                    curs.execute(statement, prepare=False)
                    continue
                try:  # in a savepoint: an existing type (no IF NOT EXISTS) must not abort the transaction
                    with curs.connection.transaction():
                        curs.execute(statement, prepare=False)
                except Exception as exc:
                    if getattr(exc, "sqlstate", None) != _DUPLICATE_OBJECT:
                        raise
        recorder.datastore.register_type_adapters()
