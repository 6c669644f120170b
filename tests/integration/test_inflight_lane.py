"""The in-flight lane (api/inflight_lane.py): keys in flight as PostgreSQL session advisory locks, many per
round trip. A second lane stands for another API process: it has its own connection, as a process would."""

from __future__ import annotations

import time
from typing import Any

import pytest

from api.inflight_lane import InFlightLane, _Op
from api.shared_state import PostgresRegistry
from loyalty_core.errors import StoreUnavailable

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool(shared_state_pool):
    return shared_state_pool


@pytest.fixture
def lanes(pool):
    made: list[InFlightLane] = []

    def make(clock: Any = time.time) -> InFlightLane:
        lane = InFlightLane(pool, lease_seconds=15, clock=clock)
        made.append(lane)
        return lane

    yield make
    for lane in made:  # as their threads do when idle: give back the connection (and every key with it)
        lane._held.clear()
        lane._idle()


def _one_round(lane: InFlightLane, *ops: _Op) -> list[Any]:
    """Queued before the lane's thread starts, so decided in one round; their answers (or errors)."""
    for op in ops:
        lane._queue.put(op)
    lane._run_once()
    return [op.future.exception(timeout=5) or op.future.result(timeout=5) for op in ops]


def claim(scope: str, key: str) -> _Op:
    return _Op(scope, key, None)


def test_a_key_is_held_against_this_process_and_every_other(lanes) -> None:
    now = [1000.0]
    here, elsewhere = lanes(lambda: now[0]), lanes(lambda: now[0])
    first, second, other, other_scope = _one_round(here, claim("pos", "A"), claim("pos", "A"),
                                                   claim("pos", "B"), claim("web", "A"))
    assert first and other and other_scope and second is None  # the same key twice in a round: one wins
    assert elsewhere.claim("pos", "A").result(timeout=5) is None  # another process is refused by the lock
    assert elsewhere.claim("pos", "C").result(timeout=5)  # and takes keys nobody holds

    assert here.release("pos", "A", "not-the-token").result(timeout=5) is None
    assert elsewhere.claim("pos", "A").result(timeout=5) is None  # a release with another token freed nothing
    here.release("pos", "A", first).result(timeout=5)
    again = elsewhere.claim("pos", "A").result(timeout=5)
    assert again and again != first
    assert here.claim("pos", "A").result(timeout=5) is None  # now held by the other process


def test_a_release_and_the_next_claim_of_its_key_share_a_round_release_first(lanes) -> None:
    here, elsewhere = lanes(), lanes()
    token = here.claim("pos", "R").result(timeout=5)
    released, again = _one_round(here, _Op("pos", "R", token), claim("pos", "R"))
    assert released is None and again and again != token
    assert elsewhere.claim("pos", "R").result(timeout=5) is None


def test_a_request_past_its_lease_gives_its_key_up(lanes) -> None:
    now = [1000.0]
    here, elsewhere = lanes(lambda: now[0]), lanes(lambda: now[0])
    stuck = here.claim("pos", "S").result(timeout=5)
    now[0] += 14
    assert elsewhere.claim("pos", "S").result(timeout=5) is None  # within the lease
    now[0] += 2  # past it: the holder's next round gives the key up
    here.claim("pos", "unrelated").result(timeout=5)
    taken_over = elsewhere.claim("pos", "S").result(timeout=5)
    assert taken_over
    assert here.release("pos", "S", stuck).result(timeout=5) is None  # the late release frees nothing now
    assert here.claim("pos", "S").result(timeout=5) is None


def test_a_stuck_request_in_a_quiet_process_gives_its_key_up_on_time(lanes) -> None:
    """No other request comes to run a round: the lane's thread wakes by the lease's end by itself."""
    now = [1000.0]
    quiet, elsewhere = lanes(lambda: now[0]), lanes(lambda: now[0])
    quiet.idle_seconds = 0.05
    assert quiet.claim("pos", "Q").result(timeout=5)
    time.sleep(0.2)
    assert elsewhere.claim("pos", "Q").result(timeout=5) is None  # within the lease
    now[0] += 16
    deadline = time.monotonic() + 5
    while (taken := elsewhere.claim("pos", "Q").result(timeout=5)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert taken and quiet.held == 0


def test_nothing_is_written_no_row_and_no_open_transaction(lanes, pool) -> None:
    here = lanes()
    token = here.claim("pos", "W").result(timeout=5)
    with pool.connection() as conn:
        assert conn.execute("SELECT count(*) FROM api_in_flight").fetchone()[0] == 0
        states = conn.execute("SELECT state FROM pg_stat_activity WHERE pid = %s",
                              [here._conn.info.backend_pid]).fetchall()
        locks = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = %s",
                             [here._conn.info.backend_pid]).fetchone()[0]
    assert states == [("idle",)] and locks == 1  # autocommit: the lock outlives no transaction
    here.release("pos", "W", token).result(timeout=5)


def test_a_process_that_dies_frees_its_keys_at_once(lanes, pool) -> None:
    dead, elsewhere = lanes(), lanes()
    assert dead.claim("pos", "D").result(timeout=5)
    with pool.connection() as conn:  # the process is killed: PostgreSQL sees its connection go
        conn.execute("SELECT pg_terminate_backend(%s)", [dead._conn.info.backend_pid])
    deadline = time.monotonic() + 10
    while (taken := elsewhere.claim("pos", "D").result(timeout=5)) is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert taken  # no lease to wait out (a row's lease made every retry wait 15 s)


def test_a_dropped_connection_is_replaced_and_the_keys_still_held_taken_again(lanes, pool) -> None:
    here, elsewhere = lanes(), lanes()
    held = here.claim("pos", "K1").result(timeout=5)
    with pool.connection() as conn:  # the database drops the lane's connection (a restart, an admin)
        conn.execute("SELECT pg_terminate_backend(%s)", [here._conn.info.backend_pid])
    time.sleep(0.2)
    claimed, released = _one_round(here, claim("pos", "K2"), _Op("pos", "K1", "someone-else's"))
    assert claimed and released is None  # answered on a new connection, as the pools replace a dead one
    assert elsewhere.claim("pos", "K1").result(timeout=5) is None  # K1, still running here, was taken again
    assert elsewhere.claim("pos", "K2").result(timeout=5) is None
    here.release("pos", "K1", held).result(timeout=5)
    assert elsewhere.claim("pos", "K1").result(timeout=5)


def test_a_database_out_of_reach_refuses_claims_as_unavailable_and_lets_releases_pass(pool) -> None:
    class Unreachable:  # the pool's settings, but a port nothing listens on
        conninfo = pool.conninfo
        kwargs = {**pool.kwargs, "port": 1, "connect_timeout": 2}

    lane = InFlightLane(Unreachable(), lease_seconds=15)
    claimed, released = _one_round(lane, claim("pos", "U"), _Op("pos", "V", "a-token"))
    assert isinstance(claimed, StoreUnavailable)  # 503 at the route, never a pass
    assert released is None  # the command's outcome stands
    assert lane.held == 0


def test_an_idle_lane_gives_its_connection_back_unless_a_key_is_held(lanes, pool) -> None:
    here = lanes()
    here.idle_seconds = 0.05
    token = here.claim("pos", "I").result(timeout=5)
    time.sleep(0.4)  # idle with a key held: the connection (and its lock) stays
    assert here._conn is not None and not here._conn.closed
    here.release("pos", "I", token).result(timeout=5)
    deadline = time.monotonic() + 5
    while here._conn is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert here._conn is None
    with pool.connection() as conn:  # back in the pool as its other users expect it
        assert conn.autocommit is False
        mine = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        assert conn.execute(mine).fetchone()[0] == 0


def test_the_threadpool_routes_registry_and_the_lane_are_one(pool) -> None:
    """`hold` (sync routes) and `InFlight.claim` (async routes) in one process, and another process's."""
    ours, theirs = PostgresRegistry(pool), PostgresRegistry(pool)
    try:
        token = ours.lane.claim("pos", "ONE").result(timeout=5)
        assert token
        assert ours.acquire("pos", "ONE") is None and theirs.acquire("pos", "ONE") is None
        ours.release("pos", "ONE", token)
        again = theirs.acquire("pos", "ONE")
        assert again and ours.lane.claim("pos", "ONE").result(timeout=5) is None
        theirs.release("pos", "ONE", again)
    finally:
        for registry in (ours, theirs):
            registry.lane._held.clear()
            registry.lane._idle()


def test_a_threadpool_route_whose_lane_never_answers_gets_503_not_a_500(pool, monkeypatch) -> None:
    """`acquire` blocks a threadpool thread on the lane's round; a lane that cannot run at all must still
    end in `StoreUnavailable` (and a release in a logged pass), never a timeout error surfacing as a 500."""
    import api.shared_state as shared_state

    monkeypatch.setattr(shared_state, "REGISTRY_WAIT_SECONDS", 0.2)
    registry = PostgresRegistry(pool)
    monkeypatch.setattr(registry.lane, "_enqueue", lambda op: None)  # queued nowhere: never answered
    with pytest.raises(StoreUnavailable):
        registry.acquire("pos", "T")
    assert registry.release("pos", "T", "a-token") is None


_HOLDER = """
import json, os, sys, time
from types import SimpleNamespace
from api.inflight_lane import InFlightLane
lane = InFlightLane(SimpleNamespace(conninfo="", kwargs=json.loads(sys.argv[1])), lease_seconds=15)
assert lane.claim("pos", sys.argv[2]).result(timeout=10)
print("held", flush=True)
time.sleep(60)  # killed long before
"""


def test_a_process_killed_while_holding_a_key_frees_it_with_its_connection(lanes, pool) -> None:
    """A real process, SIGKILLed mid-request: no release is sent, yet its key is free at once (the kernel
    closes its socket and PostgreSQL drops its locks), not after the 15 s lease."""
    import json
    import signal
    import subprocess
    import sys

    from tests.e2e.conftest import REPO

    key = "KILLED"
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, json.dumps(pool.kwargs), key], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        elsewhere = lanes()
        assert elsewhere.claim("pos", key).result(timeout=5) is None  # held by the live process
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        killed_at = time.monotonic()
        while (taken := elsewhere.claim("pos", key).result(timeout=5)) is None:
            if time.monotonic() - killed_at > 5:
                break
            time.sleep(0.05)
        assert taken and time.monotonic() - killed_at < 5  # well within the lease it no longer needs
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
