"""The two-round-trip PostgreSQL recorder keeps the sealing recorder's promises: it is the one the store runs,
a multi-member batch commits whole or not at all, a duplicate version is the library's IntegrityError and
writes nothing, a failure while sealing leaves no unsealed event, and concurrent writers get notification ids
in commit order with an intact seal chain."""

from __future__ import annotations

import threading
from uuid import uuid4

import pytest
from eventsourcing.persistence import IntegrityError, StoredEvent

from loyalty_core import fast_recorder
from loyalty_core.ledger import open_store
from loyalty_core.sealing import GENESIS, row_digest, seal
from loyalty_core.settings import Settings

pytestmark = pytest.mark.postgres


@pytest.fixture
def store(postgres_url: str):
    store = open_store(Settings(database_url=postgres_url))
    try:
        yield store
    finally:
        store.close()


def _event(originator, version: int, state: bytes = b'{"x":1}') -> StoredEvent:
    return StoredEvent(originator_id=originator, originator_version=version, topic="tests:Thing", state=state)


def _seals(store) -> list[tuple[int, bytes, bytes]]:
    with store.recorder.datastore.get_connection() as conn:
        return [(r["notification_id"], bytes(r["digest"]), bytes(r["seal"])) for r in conn.execute(
            f'SELECT notification_id, digest, seal FROM "{store.recorder.datastore.schema}".'
            f'"{store.recorder.seals_table}" ORDER BY notification_id').fetchall()]


def _check_chain(store) -> int:
    notifications = store.recorder.select_notifications(start=1, limit=100_000)
    seals = _seals(store)
    assert [n.id for n in notifications] == [s[0] for s in seals]
    previous = GENESIS
    for n, (nid, digest, sealed) in zip(notifications, seals):
        assert digest == row_digest(n.originator_id, n.originator_version, n.topic, n.state)
        previous = seal(previous, nid, digest)
        assert sealed == previous
    return len(seals)


def test_the_store_runs_the_fast_recorder(store) -> None:
    assert type(store.recorder) is fast_recorder.FastSealingPostgresRecorder


def test_a_batch_for_several_members_commits_whole_and_sealed(store) -> None:
    a, b = uuid4(), uuid4()
    ids = store.recorder.insert_events([_event(a, 1), _event(b, 1), _event(a, 2, b"\x00\\x'\"")])
    assert len(ids) == 3 and ids == sorted(ids)
    assert [e.state for e in store.recorder.select_events(a)] == [b'{"x":1}', b"\x00\\x'\""]
    assert _check_chain(store) == 3


def test_a_duplicate_version_is_an_integrity_error_and_writes_nothing(store) -> None:
    a, b = uuid4(), uuid4()
    store.recorder.insert_events([_event(a, 1)])
    with pytest.raises(IntegrityError):
        store.recorder.insert_events([_event(b, 1), _event(a, 1)])
    assert store.recorder.select_events(b) == []
    assert _check_chain(store) == 1
    store.recorder.insert_events([_event(b, 1)])  # the connection is usable again
    assert _check_chain(store) == 2


def test_a_failure_while_sealing_rolls_the_events_back(store) -> None:
    a = uuid4()
    store.recorder.insert_events([_event(a, 1)])
    with store.recorder.datastore.get_connection() as conn:  # a seal squatting on the next id
        conn.execute(f'INSERT INTO "{store.recorder.datastore.schema}"."{store.recorder.seals_table}" '
                     "VALUES (1000000, '\\x00', '\\x00')")
    b = uuid4()
    with pytest.raises(Exception, match="already sealed"):
        store.recorder.insert_events([_event(b, 1), _event(a, 2)])
    assert store.recorder.select_events(b) == []
    assert [e.originator_version for e in store.recorder.select_events(a)] == [1]


def test_concurrent_writers_commit_in_notification_order_with_one_chain(store) -> None:
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(15):
                store.recorder.insert_events([_event(uuid4(), 1), _event(uuid4(), 1)])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    assert _check_chain(store) == 4 * 15 * 2


def test_stores_opening_together_all_start(postgres_url: str) -> None:
    """Each start-up (re)creates the write function; concurrent ones queue on an advisory lock instead of
    failing with `tuple concurrently updated`. (The tables exist already: on an empty schema the library's
    own `CREATE TABLE IF NOT EXISTS` of the snapshots table can still collide, a separate start-up race.)"""
    open_store(Settings(database_url=postgres_url)).close()
    opened, errors = [], []

    def start() -> None:
        try:
            opened.append(open_store(Settings(database_url=postgres_url)))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    try:
        assert not errors, errors
        assert len(opened) == 6
        opened[0].recorder.insert_events([_event(uuid4(), 1)])
        assert _check_chain(opened[-1]) == 1
    finally:
        for s in opened:
            s.close()
