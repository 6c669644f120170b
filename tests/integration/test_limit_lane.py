"""The rate-limit lane (api/limit_lane.py) counts as the PostgreSQL limiter does, many hits per round trip:
the hits of one round summed per key, a key refused exactly at its limit (whoever else counts on it), a
database failure a 503 store_unavailable, never a pass and never a 500."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import limits
import pytest
from fastapi.testclient import TestClient

from api.limit_lane import HitLane, _Hit
from api.main import create_app
from api.shared_state import PostgresLimiter
from tests.e2e.conftest import KEY_SPECS, api_settings

pytestmark = pytest.mark.postgres

NOW = 1_000_020.0  # 20 s into a minute window: the previous window weighs 2/3


@pytest.fixture
def pool(shared_state_pool: Any) -> Any:
    return shared_state_pool  # with api_rate_windows


def _queued(lane: HitLane, item: limits.RateLimitItem, *identifiers: str) -> Any:
    """A hit queued without starting the lane's thread: `_run_once` decides everything queued in one round."""
    hit = _Hit(item, identifiers)
    lane._queue.put(hit)
    return hit.future


def _hits(pool: Any) -> dict[str, int]:
    with pool.connection() as conn:
        return dict(conn.execute("SELECT rate_key, hits FROM api_rate_windows").fetchall())


def test_the_hits_of_one_round_are_counted_as_one_sum_per_key(pool: Any) -> None:
    limiter = PostgresLimiter(pool, clock=lambda: NOW)
    lane = HitLane(limiter)
    item = limits.parse("10/minute")
    futures = [_queued(lane, item, "channel", key) for key in ("a", "b", "a", "a", "b")]
    lane._run_once()
    assert [f.result(timeout=5) for f in futures] == [True] * 5
    assert _hits(pool) == {item.key_for("channel", "a"): 3, item.key_for("channel", "b"): 2}
    # The rows are the limiter's: it sees the lane's counts (7 more fit a, not 8).
    assert [limiter.hit(item, "channel", "a") for _ in range(8)] == [True] * 7 + [False]


def test_a_key_over_its_limit_is_refused_exactly_at_the_limit(pool: Any) -> None:
    limiter = PostgresLimiter(pool, clock=lambda: NOW)  # another process counting on the same key
    lane = HitLane(PostgresLimiter(pool, clock=lambda: NOW))
    item = limits.parse("5/minute")
    assert limiter.hit(item, "channel", "k") and limiter.hit(item, "channel", "k")
    futures = [_queued(lane, item, "channel", "k") for _ in range(6)]
    futures.append(_queued(lane, item, "channel", "other"))
    lane._run_once()
    assert [f.result(timeout=5) for f in futures] == [True] * 3 + [False] * 3 + [True]
    assert _hits(pool)[item.key_for("channel", "k")] == 5  # refused hits are not counted
    assert not limiter.hit(item, "channel", "k")


def test_the_lane_and_other_processes_never_give_more_than_the_limit_together(pool: Any) -> None:
    item = limits.parse("25/minute")
    lane = HitLane(PostgresLimiter(pool))  # its own thread, rounds as the hits arrive
    elsewhere = PostgresLimiter(pool)
    with ThreadPoolExecutor(8) as threads:
        theirs = [threads.submit(elsewhere.hit, item, "channel", "shared") for _ in range(30)]
        ours = [lane.hit(item, "channel", "shared") for _ in range(30)]
        answers = [f.result(timeout=10) for f in theirs + ours]
    assert sum(answers) == 25


def test_a_database_failure_fails_every_hit_of_the_round_as_store_unavailable(pool: Any) -> None:
    from loyalty_core.errors import StoreUnavailable

    lane = HitLane(PostgresLimiter(pool, clock=lambda: NOW))
    with pool.connection() as conn:
        conn.execute("ALTER TABLE api_rate_windows RENAME TO api_rate_windows_away")
    futures = [_queued(lane, limits.parse("5/minute"), "channel", key) for key in ("a", "b")]
    lane._run_once()
    for future in futures:
        with pytest.raises(StoreUnavailable):
            future.result(timeout=5)


def test_over_http_a_limit_counted_by_the_lane_answers_429_and_a_failed_count_503(postgres_url: str) -> None:
    app = create_app(api_settings(postgres_url, rate_limits={"admin": "3/minute"}))
    try:
        spec = dict(KEY_SPECS["admin"])
        _, token = app.state.api.keys.create(spec.pop("role"), **spec)
        headers = {"Authorization": f"Bearer {token}"}
        path = f"/v1/members/{uuid.uuid4()}/balance"
        assert app.state.api.limits.has_lane  # PostgreSQL: the lane counts
        with TestClient(app, raise_server_exceptions=False) as client:
            assert [client.get(path, headers=headers).status_code for _ in range(4)] == [404] * 3 + [429]
            with app.state.api.tables.pool.connection() as conn:
                conn.execute("ALTER TABLE api_rate_windows RENAME TO api_rate_windows_away")
            failed = client.get(path, headers=headers)
        assert failed.status_code == 503 and failed.json()["code"] == "store_unavailable", failed.text
        assert failed.headers["Retry-After"]
    finally:
        app.state.api.close()


def test_the_minute_s_prune_vacuums_the_windows_table_after_answering(pool: Any) -> None:
    """Every count leaves an old row version and expired windows are deleted each minute: the round that
    prunes also vacuums the table, so a long-running server does not step over them (autovacuum may be off)."""
    def vacuums() -> int:
        with pool.connection() as conn:
            row = conn.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'api_rate_windows' "
                               "AND schemaname = current_schema()").fetchone()
        return int(row[0]) if row else 0

    clock = [NOW]
    limiter = PostgresLimiter(pool, clock=lambda: clock[0])
    lane = HitLane(limiter)
    item = limits.parse("10/second")
    before = vacuums()
    first = _queued(lane, item, "channel", "old")
    lane._run_once()  # the first round prunes (never pruned before) and vacuums
    assert first.result(timeout=5) is True
    assert vacuums() == before + 1
    clock[0] += 30  # within the minute: no prune, no vacuum
    _queued(lane, item, "channel", "k")
    lane._run_once()
    assert vacuums() == before + 1
    clock[0] += 31  # a minute later: the expired "old" window is pruned, and the table vacuumed
    _queued(lane, item, "channel", "k")
    lane._run_once()
    assert vacuums() == before + 2
    assert item.key_for("channel", "old") not in _hits(pool)
