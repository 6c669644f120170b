"""The in-flight lane (api/inflight_lane.py) answers as the PostgreSQL registry does, many keys per round trip."""

from __future__ import annotations

import time

import pytest

from api.inflight_lane import InFlightLane
from api.shared_state import PostgresRegistry

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool(shared_state_pool):
    return shared_state_pool  # with api_in_flight


def test_claims_and_releases_in_one_round_answer_like_the_registry(pool) -> None:
    now = [1000.0]
    lane = InFlightLane(pool, lease_seconds=15, clock=lambda: now[0])
    registry = PostgresRegistry(pool, clock=lambda: now[0])
    # Queued before the lane starts, so they are decided in one round: the same key twice, and other keys.
    futures = [lane._queue.put(op) or op.future for op in
               [lane_op("pos", "A"), lane_op("pos", "A"), lane_op("pos", "B"), lane_op("web", "A")]]
    lane._run_once()
    first, second, other, other_scope = (f.result(timeout=5) for f in futures)
    assert first and other and other_scope and second is None
    assert registry.acquire("pos", "A") is None  # the lane's row is the registry's row

    assert lane.release("pos", "A", "not-the-token").result(timeout=5) is None
    assert lane.claim("pos", "A").result(timeout=5) is None  # a release with another token freed nothing
    lane.release("pos", "A", first).result(timeout=5)
    again = lane.claim("pos", "A").result(timeout=5)
    assert again and again != first

    now[0] += 16  # the holder died: its lease ran out, the key is taken over
    taken_over = lane.claim("pos", "A").result(timeout=5)
    assert taken_over and taken_over != again
    with pool.connection() as conn:
        rows = conn.execute("SELECT scope, request_key FROM api_in_flight ORDER BY 1, 2").fetchall()
    assert rows == [("pos", "A"), ("pos", "B"), ("web", "A")]


def lane_op(scope: str, key: str):
    from api.inflight_lane import _Op

    return _Op(scope, key, None)


def _vacuums(pool, table: str) -> int:
    with pool.connection() as conn:
        row = conn.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = %s "
                           "AND schemaname = current_schema()", [table]).fetchone()
    return int(row[0]) if row else 0


def test_the_lane_vacuums_the_dead_rows_its_releases_leave(pool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every command leaves a dead row (claim inserts, release deletes): with autovacuum off or late, a long-
    running server stepped over tens of thousands of them on every claim. The lane vacuums after N releases."""
    import api.inflight_lane as inflight

    monkeypatch.setattr(inflight, "VACUUM_AFTER_RELEASES", 20)
    lane = InFlightLane(pool, lease_seconds=15)
    before = _vacuums(pool, "api_in_flight")
    for i in range(19):
        token = lane.claim("pos", f"k{i}").result(timeout=5)
        lane.release("pos", f"k{i}", token).result(timeout=5)
    assert _vacuums(pool, "api_in_flight") == before  # not yet
    token = lane.claim("pos", "k19").result(timeout=5)
    lane.release("pos", "k19", token).result(timeout=5)  # answered first, then the lane vacuums
    deadline = time.monotonic() + 10
    while _vacuums(pool, "api_in_flight") == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _vacuums(pool, "api_in_flight") == before + 1
    assert lane.released_since_vacuum == 0


def test_a_vacuum_that_fails_fails_no_request(pool, monkeypatch: pytest.MonkeyPatch) -> None:
    import psycopg

    import api.inflight_lane as inflight
    from api import shared_state

    class Refusing:  # a pool whose every checkout fails, for the vacuum only
        def connection(self):
            raise psycopg.OperationalError("the server is gone")

    monkeypatch.setattr(inflight, "VACUUM_AFTER_RELEASES", 1)
    monkeypatch.setattr(inflight, "vacuum", lambda _pool, table: shared_state.vacuum(Refusing(), table))
    lane = InFlightLane(pool, lease_seconds=15)
    token = lane.claim("pos", "v").result(timeout=5)
    assert lane.release("pos", "v", token).result(timeout=5) is None
    assert lane.claim("pos", "v").result(timeout=5)  # the lane goes on
    assert shared_state.vacuum(Refusing(), "api_in_flight") is False
