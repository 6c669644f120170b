"""The in-flight lane (api/inflight_lane.py) answers as the PostgreSQL registry does, many keys per round trip."""

from __future__ import annotations

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
