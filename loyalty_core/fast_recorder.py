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

from eventsourcing.persistence import InterfaceError, OperationalError, StoredEvent
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.utils import retry

from loyalty_core.sealing import SealingPostgresRecorder, _quoted, _Statement

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

    @retry((InterfaceError, OperationalError), max_attempts=10, wait=0.2)
    def insert_events(self, stored_events: Sequence[StoredEvent], **kwargs: Any) -> Sequence[int] | None:
        if not self._fast:
            return super().insert_events(stored_events, **kwargs)
        if not stored_events:
            return []
        params = ([e.originator_id for e in stored_events], [e.originator_version for e in stored_events],
                  [e.topic for e in stored_events], [e.state for e in stored_events])
        with self.datastore.get_connection() as conn, conn.cursor() as curs:
            curs.execute(self._insert_sealed, params, prepare=True)  # autocommit: one statement, one transaction
            ids = [row["notification_id"] for row in curs.fetchall()]
        if len(ids) != len(stored_events):
            raise RuntimeError(f"got {len(ids)} notification ids for {len(stored_events)} events")
        return ids
