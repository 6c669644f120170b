"""Group commit takes snapshots after the write, on a thread of its own: a slow or failing snapshot never holds
up a caller or the next batch, and the snapshots still land (loyalty_core/snapshotter.py)."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from loyalty_core.snapshotter import Snapshotter
from tests.builders import earn, enroll, ledger


def test_a_snapshot_that_hangs_holds_up_no_caller_and_lands_once_it_is_done(database_url):
    with ledger(database_url, group_commit=True, snapshot_interval=2) as service:
        member = enroll(service)
        store = service.store
        taking, release = threading.Event(), threading.Event()
        real_snapshot = store.snapshot

        def slow_snapshot(state):
            taking.set()
            assert release.wait(30)
            real_snapshot(state)

        store.snapshot = slow_snapshot
        try:
            earn(service, member, 10)
            earn(service, member, 10)  # one of the two takes the member across an even version
            assert taking.wait(10), "no snapshot was started"
            # The snapshot is stuck; commands still come back, one after another.
            answers = [earn(service, member, 5) for _ in range(4)]
            assert [a.points_earned for a in answers] == [5] * 4
            assert service.balance(member).available == 40
        finally:
            release.set()
        assert service.batcher.snapshots.flush(30)
        stored = list(store.snapshots.get(member.member_id))
        assert stored, "the snapshot never landed"
        assert max(s.originator_version for s in stored) >= 2

    with ledger(database_url) as fresh:  # a fresh process loads through it and serves the same balance
        assert fresh.balance(member).available == 40


def test_the_newest_queued_state_of_a_member_is_the_one_snapshotted_and_a_failure_stops_nothing():
    taken, gate = [], threading.Event()

    def take(state):
        # Every state waits for the gate, the failing one too: else the thread could fail it at once and
        # take "a" version 2 before version 5 is queued (it did, once, on a loaded machine).
        gate.wait(10)
        if state.id == "boom":
            raise RuntimeError("injected")
        taken.append((state.id, state.version))

    snapshots = Snapshotter(take)
    snapshots.submit(SimpleNamespace(id="boom", version=1))
    for version in (2, 5, 3):  # 3 arrives after 5: the older state never replaces the newer one
        snapshots.submit(SimpleNamespace(id="a", version=version))
    snapshots.submit(SimpleNamespace(id="b", version=7))
    gate.set()
    assert snapshots.flush(10)
    assert sorted(taken) == [("a", 5), ("b", 7)]
    snapshots.close()
    snapshots.submit(SimpleNamespace(id="c", version=1))  # after close: ignored, no thread left waiting
    assert snapshots.flush(1)
    assert ("c", 1) not in taken


def test_close_snapshots_what_is_queued_before_it_returns():
    taken = []
    started = threading.Event()

    def take(state):
        started.set()
        taken.append(state.version)

    snapshots = Snapshotter(take)
    for version in range(1, 4):
        snapshots.submit(SimpleNamespace(id=f"m{version}", version=version))
    snapshots.close()
    assert sorted(taken) == [1, 2, 3]


def test_the_thread_ends_when_idle_and_a_later_snapshot_starts_another(monkeypatch):
    from loyalty_core import snapshotter

    monkeypatch.setattr(snapshotter, "IDLE_SECONDS", 0.05)
    taken = []
    snapshots = Snapshotter(lambda state: taken.append(state.version))
    snapshots.submit(SimpleNamespace(id="a", version=1))
    assert snapshots.flush(5)
    first = snapshots._thread
    if first is not None:
        first.join(5)
    assert snapshots._thread is None  # idle: no thread held
    snapshots.submit(SimpleNamespace(id="a", version=2))
    assert snapshots.flush(5)
    assert taken == [1, 2]
    snapshots.close()
