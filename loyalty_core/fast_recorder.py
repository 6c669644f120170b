"""A sealing PostgreSQL recorder that writes a batch in two round trips with binary, prepared statements.

The library's `PostgresApplicationRecorder.insert_events` pipelines five syncs and dumps the events as a
text-encoded composite array (`stored_event_uuid[]`, every bytea regex-escaped): on this project's hot path
that was most of the client CPU of a write (shared/design/eventsourcing-facts.md, "The PostgreSQL write path").

This recorder keeps every guarantee of `SealingPostgresRecorder` (it IS one: `check_recorder` accepts it) and
changes only how the same statements travel:

1. one pipelined round trip: `BEGIN`, `SET LOCAL lock_timeout`, `LOCK TABLE … IN EXCLUSIVE MODE` (notification
   ids are issued and committed in the same order, so projections never skip an event), `NOTIFY`, then
   `INSERT … SELECT * FROM unnest(uuid[], int8[], text[], bytea[]) RETURNING notification_id` with four BINARY
   array parameters, and the last seal read under that lock;
2. one more: the seal rows (`sealing.seal_rows`, the very same hashing) and `COMMIT`.

Every statement is prepared. All events of the batch, for however many members, commit in one transaction or
not at all; a duplicate (originator id, version) raises the library's `IntegrityError` before anything commits.
"""

from __future__ import annotations

from typing import Any, Sequence

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import retry
from psycopg import Rollback  # the recorder is the database adapter layer, like the library's own


from loyalty_core.sealing import GENESIS, SealingPostgresRecorder, _quoted, seal_rows


class FastSealingPostgresRecorder(SealingPostgresRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        table = f"{_quoted(datastore.schema)}.{_quoted(events_table_name)}"
        id_type = "uuid" if datastore.originator_id_type == "uuid" else "text"
        self._set_lock_timeout = f"SET LOCAL lock_timeout = '{datastore.lock_timeout}s'"
        self._lock = f"LOCK TABLE {table} IN EXCLUSIVE MODE"
        self._notify = f"NOTIFY {_quoted(self.channel_name)}"
        self._insert_unnest = (f"INSERT INTO {table} (originator_id, originator_version, topic, state) "
                               f"SELECT * FROM unnest(%b::{id_type}[], %b::int8[], %b::text[], %b::bytea[]) "
                               "RETURNING notification_id")

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not stored_events:
            return []
        params = ([e.originator_id for e in stored_events], [e.originator_version for e in stored_events],
                  [e.topic for e in stored_events], [e.state for e in stored_events])
        failure: Exception | None = None
        ids: list[int] = []
        with self.datastore.get_connection() as conn:
            with conn.pipeline() as pipeline, conn.transaction():
                with conn.cursor() as curs, conn.cursor() as seal_curs:
                    try:
                        curs.execute(self._set_lock_timeout, prepare=True)
                        curs.execute(self._lock, prepare=True)
                        curs.execute(self._notify, prepare=True)
                        curs.execute(self._insert_unnest, params, prepare=True)
                        seal_curs.execute(self._last_seal, prepare=True)
                        # Sync here so a duplicate version raises IntegrityError now, not at COMMIT.
                        pipeline.sync()
                        ids = [row["notification_id"] for row in curs.fetchall()]
                        last = seal_curs.fetchone()
                        previous = bytes(last["seal"]) if last is not None else GENESIS
                        rows = seal_rows(previous, ids, stored_events)
                        curs.execute(self._insert_seals, ([r[0] for r in rows], [r[1] for r in rows],
                                                          [r[2] for r in rows]), prepare=True)
                    except Exception as exc:  # noqa: BLE001 - re-raised below, after the pipeline closed
                        # Roll back whatever failed (a database error or the sealing itself): events are
                        # never committed without their seals. Rollback is swallowed by conn.transaction().
                        failure = exc
                        raise Rollback() from exc
            if failure is not None:
                raise failure
        return ids
