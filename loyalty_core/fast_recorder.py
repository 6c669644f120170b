"""A sealing PostgreSQL recorder that writes a whole batch in ONE prepared statement with binary arrays.

The library's `PostgresApplicationRecorder.insert_events` pipelines five syncs and dumps the events as a
text-encoded composite array (`stored_event_uuid[]`, every bytea regex-escaped), and the sealing recorder adds
a read and a write: on this project's hot path that was most of the client CPU of a write
(shared/design/eventsourcing-facts.md, "The PostgreSQL write path").

This recorder IS a `SealingPostgresRecorder` (`check_recorder` accepts it) and keeps every promise of it; only
the way the work travels changes. A database function, `<events table>_insert_sealed(uuid[], int8[], text[],
bytea[])`, does in one autocommit statement (so one transaction, one round trip):

1. `SET LOCAL lock_timeout`, `LOCK TABLE … IN EXCLUSIVE MODE` (notification ids are issued and committed in the
   same order, so projections never skip an event), `NOTIFY`;
2. `INSERT … SELECT * FROM unnest(…) RETURNING notification_id`: every event of the batch, for however many
   members, commits together or not at all; a duplicate (originator id, version) fails the statement, which the
   library turns into its `IntegrityError`;
3. the seals, chained from the last one under that same lock, with exactly `sealing.row_digest` and
   `sealing.seal`'s bytes (PostgreSQL's `sha256`); tests/integration/test_fast_recorder.py re-checks them in
   Python. A failure anywhere rolls the whole statement back: no event is ever committed unsealed.

The function is (re)created with the tables, after a transaction-scoped advisory lock, so processes starting
together do not fail with `tuple concurrently updated`.
"""

from __future__ import annotations

from typing import Any, Sequence
from uuid import UUID

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import retry

from loyalty_core.sealing import SealingPostgresRecorder, _quoted, _Statement, erased_members

_CREATE_LOCK = "SELECT pg_advisory_xact_lock(hashtext({name}))"

_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}(ids uuid[], versions int8[], topics text[], states bytea[])
RETURNS SETOF bigint LANGUAGE plpgsql AS $fn$
DECLARE
    new_ids bigint[];
    previous bytea;
    digest bytea;
    i int;
    topic_bytes bytea;
BEGIN
    SET LOCAL lock_timeout = '{lock_timeout}s';
    LOCK TABLE {events} IN EXCLUSIVE MODE;
    NOTIFY {channel};
    WITH inserted AS (
        INSERT INTO {events} (originator_id, originator_version, topic, state)
        SELECT * FROM unnest(ids, versions, topics, states)
        RETURNING notification_id)
    SELECT array_agg(notification_id ORDER BY notification_id) INTO new_ids FROM inserted;
    SELECT s.seal INTO previous FROM {seals} s ORDER BY s.notification_id DESC LIMIT 1;
    previous := coalesce(previous, '\\x{genesis}'::bytea);
    IF new_ids[1] <= (SELECT max(s.notification_id) FROM {seals} s) THEN
        RAISE EXCEPTION 'notification id % is already sealed: cannot seal', new_ids[1];
    END IF;
    FOR i IN 1 .. coalesce(array_length(ids, 1), 0) LOOP
        topic_bytes := convert_to(topics[i], 'UTF8');
        digest := sha256(int4send(16) || uuid_send(ids[i]) || int8send(versions[i])
                         || int4send(octet_length(topic_bytes)) || topic_bytes
                         || int4send(octet_length(states[i])) || states[i]);
        previous := sha256(previous || int8send(new_ids[i]) || digest);
        INSERT INTO {seals} (notification_id, digest, seal) VALUES (new_ids[i], digest, previous);
    END LOOP;
    RETURN QUERY SELECT unnest(new_ids);
END;
$fn$
"""


_LOCK_NOT_AVAILABLE = "55P03"
"""PostgreSQL's SQLSTATE for `lock_timeout` running out."""


class _LockTimedOut(Exception):
    """Not an OperationalError, so the library's retry lets it through."""


class FastSealingPostgresRecorder(SealingPostgresRecorder):
    def __init__(self, datastore: PostgresDatastore, *, events_table_name: str = "stored_events"):
        super().__init__(datastore, events_table_name=events_table_name)
        self._fast = datastore.originator_id_type == "uuid"  # text ids: the parent's path
        schema = _quoted(datastore.schema)
        function = f"{schema}.{_quoted(events_table_name + '_insert_sealed')}"
        self.check_identifier_length(events_table_name + "_insert_sealed")
        # Serialise concurrent start-ups: everything in _create_table runs in one transaction after this.
        lock_name = "'" + f"{datastore.schema}.{events_table_name}_insert_sealed".replace("'", "''") + "'"
        self.sql_create_statements.insert(0, _Statement(_CREATE_LOCK.format(name=lock_name)))
        self.sql_create_statements.append(_Statement(_FUNCTION.format(
            function=function, lock_timeout=int(datastore.lock_timeout), channel=_quoted(self.channel_name),
            events=f"{schema}.{_quoted(events_table_name)}", seals=f"{schema}.{_quoted(self.seals_table)}",
            genesis="00" * 32)))
        # Every event's notification id comes back in insertion order: the unnest keeps the arrays' order.
        self._insert_sealed = (f"SELECT n AS notification_id FROM {function}(%b::uuid[], %b::int8[], %b::text[], "
                               "%b::bytea[]) AS n")

    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        try:
            return self._insert_retrying(stored_events, **kwargs)
        except _LockTimedOut as exc:
            raise exc.__cause__  # type: ignore[misc]  # the library's OperationalError, as it was raised

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def _insert_retrying(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        """A lost connection is retried here; a lock timeout is not (it already waited its whole bound, and
        ten more waits would make LOYALTY_LOCK_TIMEOUT_SECONDS ten times longer than it says)."""
        try:
            return self._insert(stored_events, **kwargs)
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
                raise _LockTimedOut() from exc
            raise

    def _insert(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not self._fast:
            return super().insert_events(stored_events, **kwargs)
        if not stored_events:
            return []
        params = ([e.originator_id for e in stored_events], [e.originator_version for e in stored_events],
                  [e.topic for e in stored_events], [e.state for e in stored_events])
        keys = self.member_keys
        erasing = erased_members(stored_events) if keys is not None else None
        if erasing or (keys is not None and keys.has_staged()):
            # New members' data keys are written, and an erasure's destroyed, in the events' transaction
            # (privacy/keystore.py).
            with self.datastore.get_connection() as conn, conn.transaction(), conn.cursor() as curs:
                keys.write_staged(curs)
                curs.execute(self._insert_sealed, params, prepare=True)
                ids = [row["notification_id"] for row in curs.fetchall()]
                if erasing:
                    keys.shred(curs, erasing)
            return self._checked(ids, stored_events)
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._insert_sealed, params, prepare=True)  # autocommit: one statement, one transaction
            ids = [row["notification_id"] for row in curs.fetchall()]
        return self._checked(ids, stored_events)

    @staticmethod
    def _checked(ids: list[int], stored_events: Sequence[StoredEvent]) -> list[int]:
        if len(ids) != len(stored_events):
            raise RuntimeError(f"got {len(ids)} notification ids for {len(stored_events)} events")
        return ids

    def select_histories(self, originator_ids: Sequence[UUID], snapshots_table: str | None = None
                         ) -> list[tuple[bool, StoredEvent]]:
        """The stored histories of many aggregates in ONE statement: each one's newest snapshot (from
        `snapshots_table`, when given) and every event after it, as (is_snapshot, event) in originator then
        version order. What `Repository.get` reads for one aggregate, in two round trips, for a whole batch of
        cold members (loyalty_core/batching.py)."""
        if not originator_ids:
            return []
        schema = _quoted(self.datastore.schema)
        events = f"{schema}.{_quoted(self.events_table_name)}"
        if snapshots_table is None:
            sql = (f"SELECT false AS snap, e.originator_id, e.originator_version, e.topic, e.state FROM {events} e "
                   "WHERE e.originator_id = ANY(%b::uuid[]) ORDER BY e.originator_id, e.originator_version")
        else:
            sql = _HISTORIES.format(events=events, snapshots=f"{schema}.{_quoted(snapshots_table)}")
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(sql, [list(originator_ids)], prepare=True)
            rows = curs.fetchall()
        return [(row["snap"], StoredEvent(originator_id=row["originator_id"], originator_version=row["originator_version"],
                                          topic=row["topic"], state=bytes(row["state"]))) for row in rows]


# Each aggregate's newest snapshot, then its events after that snapshot (all of them without one). LATERAL, so
# each part is an index scan on the primary key (originator_id, originator_version) whatever the statistics say;
# OFFSET 0 keeps the planner from flattening the events' part into a hash join over the whole table (chosen on
# a table not yet analysed: 70-110 ms instead of well under one).
_HISTORIES = """
WITH wanted AS (SELECT DISTINCT unnest(%b::uuid[]) AS id),
snap AS (
    SELECT w.id AS originator_id, s.originator_version, s.topic, s.state
    FROM wanted w CROSS JOIN LATERAL (
        SELECT originator_version, topic, state FROM {snapshots} s WHERE s.originator_id = w.id
        ORDER BY s.originator_version DESC LIMIT 1) s)
SELECT true AS snap, originator_id, originator_version, topic, state FROM snap
UNION ALL
SELECT false, w.id, e.originator_version, e.topic, e.state
FROM wanted w LEFT JOIN snap ON snap.originator_id = w.id
CROSS JOIN LATERAL (
    SELECT originator_version, topic, state FROM {events} e
    WHERE e.originator_id = w.id AND e.originator_version > coalesce(snap.originator_version, 0)
    ORDER BY e.originator_version OFFSET 0) e
ORDER BY 2, 1 DESC, 3"""
