"""A pooled connection lent again soon is checked by polling its socket, not by a round trip; a dead one is
still never lent (projections/pools.py)."""

from __future__ import annotations

import time

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from projections import pools


@pytest.mark.postgres
def test_a_recent_connection_is_lent_without_a_ping_and_a_killed_one_is_replaced(
        pg_database: str, monkeypatch: pytest.MonkeyPatch) -> None:
    pings: list[object] = []
    real_check = ConnectionPool.check_connection

    def counting(conn: object) -> None:
        pings.append(conn)
        real_check(conn)  # type: ignore[arg-type]

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counting))
    with ConnectionPool(pg_database, min_size=1, max_size=1, check=pools.check_and_purge, open=True) as pool:
        with pool.connection() as conn:
            first_pid = conn.info.backend_pid
        assert len(pings) == 1  # never lent before: pinged
        for _ in range(3):
            with pool.connection() as conn:
                conn.execute("SELECT 1")
        assert len(pings) == 1  # lent a moment ago, nothing on its socket: no round trip

        with psycopg.connect(pg_database, autocommit=True) as admin:  # what a restart does to it
            assert admin.execute("SELECT pg_terminate_backend(%s, 10000)", [first_pid]).fetchone()[0]
        with pool.connection(timeout=10) as conn:
            assert conn.execute("SELECT pg_backend_pid()").fetchone()[0] != first_pid
        assert len(pings) >= 2  # the poll saw the closed socket and sent it to the full check

        with pool.connection() as conn:  # idle longer than FRESH_SECONDS: pinged again
            conn._loyalty_lent_at = time.monotonic() - pools.FRESH_SECONDS - 1  # type: ignore[attr-defined]
        before = len(pings)
        with pool.connection() as conn:
            conn.execute("SELECT 1")
        assert len(pings) == before + 1
