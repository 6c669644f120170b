"""A slow database: another transaction holds the events table's lock, so every write must wait for it.

`LOYALTY_LOCK_TIMEOUT_SECONDS` bounds that wait. While a foreign transaction holds `LOCK TABLE … IN EXCLUSIVE
MODE` on this test's own store (a schema of its own on the shared server), a burst of sales must each be
answered within the bound plus a margin, as 503 `store_unavailable` with `Retry-After`, never a 500 or a
hang; reads still answer; nothing of a refused sale is written. Once the lock is released the tills retry
with the same keys: each sale is stored exactly once, a second retry is a replay with the same points, the
balances add up and the audit's seal walk is clean. Figures in test-artifacts/faults/lock_timeout.json.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Iterator

import psycopg
import pytest

from tests.e2e.conftest import LiveServer, start_server
from tests.faults.burst import balances, burst, enroll, outcomes, proof, sale, send

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "faults" / "lock_timeout.json"
LOCK_TIMEOUT, SALES, MEMBERS = 1, 12, 4


@pytest.fixture
def server(postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveServer]:
    monkeypatch.setenv("LOYALTY_LOCK_TIMEOUT_SECONDS", str(LOCK_TIMEOUT))
    yield from start_server(postgres_url, tmp_path)


def test_writes_behind_a_held_table_lock_are_refused_in_bounded_time_and_land_once_after_it(
        server: LiveServer, postgres_url: str) -> None:
    base, schema = postgres_url.split("?schema=")
    pos = server.tokens["pos"]
    member_ids = enroll(server.base_url, pos, [f"09{71000000 + i:08d}" for i in range(MEMBERS)])
    sales = [sale(f"LK-{n:03d}", member_ids[n % MEMBERS], 45_000 + 5_000 * n) for n in range(SALES)]

    with psycopg.connect(base) as look:
        before = look.execute(f'SELECT count(*) FROM "{schema}".loyalty_events').fetchone()[0]
    with psycopg.connect(base) as holder:  # a transaction of someone else's, holding the write lock
        holder.execute(f'LOCK TABLE "{schema}".loyalty_events IN EXCLUSIVE MODE')
        locked_at = time.monotonic()
        during = burst(server.base_url, pos, sales)
        read_during = balances(server.base_url, pos, member_ids[:1])
        held_for = time.monotonic() - locked_at
        with psycopg.connect(base) as look:  # reads are not blocked by this lock: nothing half-written?
            written = look.execute(f'SELECT count(*) FROM "{schema}".loyalty_events').fetchone()[0]
        holder.rollback()
    after = [send(server.base_url, pos, body) for body in sales]
    again = [send(server.base_url, pos, body) for body in sales]
    acked = {a.ref: a.body for a in after if a.body is not None}
    record = {"lock_timeout_seconds": LOCK_TIMEOUT, "sales": SALES, "held_seconds": round(held_for, 1),
              "during": outcomes(during), "slowest_answer_seconds": round(max(a.seconds for a in during), 2),
              "after": outcomes(after), "retried_again": outcomes(again),
              **proof(postgres_url, member_ids, acked, balances(server.base_url, pos, member_ids))}
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(record, indent=2))
    print(json.dumps(record))

    assert all(a.status == 503 and a.code == "store_unavailable" and a.retry_after for a in during), \
        (record, server.log()[-3000:])
    # Bounded: the lock timeout, a moment for the batch behind the refused one, and this busy machine's slack.
    assert record["slowest_answer_seconds"] < LOCK_TIMEOUT + 4, record
    assert all(answer["available"] == 0 for answer in read_during.values()), read_during
    assert written == before, "events of a refused sale were written"
    assert all(a.status == 201 and not a.replayed for a in after), record
    assert all(a.status == 201 and a.replayed for a in again), record
    assert [a.body["points_earned"] for a in again] == [a.body["points_earned"] for a in after]  # type: ignore[index]
    assert record["lost"] == record["doubled"] == record["stored_not_acknowledged"] == 0, record
    assert record["found_after"] == SALES and record["balances_wrong"] == 0 and record["audit_verify_ok"], record
