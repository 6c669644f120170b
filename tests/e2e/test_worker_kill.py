"""SIGKILL the `loyalty worker` process in the middle of a batch, restart it: the read side ends exactly as if
it had never stopped (nothing lost, nothing applied twice), on SQLite and on PostgreSQL.

A trigger makes every timeline insert slow, so a batch takes long enough for the test to see it open (a
transaction holding the read store's write lock) and kill the process inside it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import psycopg

from loyalty_core import commands as c
from loyalty_core import events as ev
from loyalty_core.results import Balance
from loyalty_core.settings import Settings
from projections.catalog import PROJECTIONS, ReadSide
from projections.queries import ReadModels
from projections.readstore import read_path
from projections.rebuild import rebuild
from tests.builders import key, ledger
from tests.faults.figures import record, store_name
from tests.integration.test_projections_support import campaign_totals, members, with_purchases

REPO = Path(__file__).resolve().parents[2]
EVER = (date(2000, 1, 1), date(2100, 1, 1))


def _history(url: str) -> int:
    with ledger(url) as service:
        with_purchases(service)
        refs = [c.MemberRef(member_id=service.execute(c.EnrollMember(
            idempotency_key=key(), phone=f"09777{i:05d}", channel="app" if i % 3 else "pos")).member_id)
            for i in range(30)]
        for r in range(3):
            for i, ref in enumerate(refs):
                service.execute(c.RecordPurchase(idempotency_key=key(), member=ref,
                                                 transaction_ref=f"K{r}-{i}",
                                                 total=Decimal(50_000 + 1_000 * i),
                                                 channel="app" if i % 3 else "pos"))
        return service.store.max_notification_id()


def _slow_down(url: str, on: bool) -> None:
    """Make each timeline insert take a few milliseconds (or stop doing so)."""
    side = ReadSide.open(Settings(database_url=url))
    side.live()
    with side.store.transaction() as tx:
        if side.store.dialect == "postgres":
            table = side.store.table("timeline_g1")
            if on:
                tx.run("CREATE OR REPLACE FUNCTION slow_row() RETURNS trigger AS "
                       "'BEGIN PERFORM pg_sleep(0.003); RETURN NEW; END' LANGUAGE plpgsql")
                tx.run(f"CREATE TRIGGER slow AFTER INSERT ON {table} FOR EACH ROW "
                       f"EXECUTE FUNCTION slow_row()")
            else:
                tx.run(f"DROP TRIGGER slow ON {table}")
        elif on:
            tx.run("CREATE TRIGGER slow AFTER INSERT ON timeline_g1 BEGIN SELECT count(*) FROM "
                   "(WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 30000) "
                   "SELECT x FROM n); END")
        else:
            tx.run("DROP TRIGGER slow")
    side.close()


def _in_a_batch(url: str) -> bool:
    """True while some transaction holds the read store's write lock (a batch is open)."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(read_path(url.removeprefix("sqlite:///")), timeout=0)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            conn.close()
    base, schema = url.split("?schema=")
    with psycopg.connect(base, autocommit=True) as conn:
        # backend_xid is set once a transaction has written something: a batch half done.
        return bool(conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL AND query ILIKE %s",
                                 [f"%{schema}%"]).fetchone()[0])


def _start(url: str) -> subprocess.Popen:
    env = {**os.environ, "LOYALTY_DATABASE_URL": url}
    return subprocess.Popen([sys.executable, "-m", "loyalty_cli.main", "worker", "--batch-size", "40",
                             "--poll-interval", "0.1"], cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _positions(url: str, head: int) -> list[int]:
    side = ReadSide.open(Settings(database_url=url))
    try:
        return [s.position for s in side.status(head)]
    finally:
        side.close()


def _timeline_is_whole(url: str) -> bool:
    """The timeline holds exactly the member events up to its tracking position: no half batch survived."""
    side = ReadSide.open(Settings(database_url=url))
    try:
        view = side.live()["timeline"].view
        with side.store.transaction(write=False) as tx:
            position, rows = view.position_in(tx), view.count(tx)
    finally:
        side.close()
    with ledger(url) as service:
        expected = sum(1 for nid, e in service.store.iter_events()
                       if nid <= position and isinstance(e, ev.MemberEvent))
    return rows == expected


def _kill_inside_a_batch(url: str, head: int) -> list[int]:
    worker = _start(url)
    try:
        deadline = time.monotonic() + 60
        while not _in_a_batch(url):
            assert worker.poll() is None and time.monotonic() < deadline, "the worker never opened a batch"
            time.sleep(0.005)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    return _positions(url, head)


def _answers(url: str, member_ids) -> tuple:
    models = ReadModels.open(Settings(database_url=url))
    try:
        per_member = tuple((models.get_balance(m), len(models.list_timeline(m, limit=500).lines),
                            models.segments_of(m)) for m in sorted(member_ids))
        return per_member, models.get_campaign_stats("APP_X2", *EVER)
    finally:
        models.close()


def test_a_worker_killed_mid_batch_resumes_as_if_it_had_never_stopped(database_url):
    head = _history(database_url)
    _slow_down(database_url, on=True)
    killed_at = []
    for _ in range(3):
        positions = _kill_inside_a_batch(database_url, head)
        killed_at.append([min(positions), max(positions)])
        assert min(positions) < head, "the kill came before the worker had finished"
        assert _timeline_is_whole(database_url)
    _slow_down(database_url, on=False)
    worker = _start(database_url)
    try:
        deadline = time.monotonic() + 120
        while min(_positions(database_url, head)) < head:
            assert time.monotonic() < deadline and worker.poll() is None
            time.sleep(0.1)
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(30) == 0  # a clean stop on SIGTERM
    with ledger(database_url) as service:
        folded = members(service.store)
        issued, reached, redemptions, _ = campaign_totals(service.store)
    after_kills = _answers(database_url, folded)
    lines = [lines for _, lines, _ in after_kills[0]]
    versions = [folded[m].version for m in sorted(folded)]
    record(f"worker_kill_{store_name(database_url)}", {
        "events_in_log": head, "member_events": sum(versions), "sigkills_inside_a_batch": len(killed_at),
        "projection_positions_at_each_kill_min_max": killed_at, "timeline_lines_after": sum(lines),
        "lost": sum(max(0, v - n) for v, n in zip(versions, lines)),
        "doubled": sum(max(0, n - v) for v, n in zip(versions, lines))})
    for (balance, lines, _), member_id in zip(after_kills[0], sorted(folded), strict=True):
        assert balance == Balance.of(folded[member_id]) and lines == folded[member_id].version
    assert (after_kills[1].points_issued, after_kills[1].members_reached) == (issued, len(reached))
    rebuild(Settings(database_url=database_url), list(PROJECTIONS))
    assert _answers(database_url, folded) == after_kills
