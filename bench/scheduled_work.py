"""`loyalty run-due` on 100,000 members, most of them not due: the persisted wake-up index on PostgreSQL.

100,000 members are enrolled (bench/ledger_support.py's batched setup, not timed); 2,000 of them hold
points that expire tomorrow and 10,000 points that expire in a year; the rest have none. The service's
clock then moves two days on, and what `loyalty run-due` does is timed in its parts:

* building the index, once per store (every member loaded and its next instant stored; a store that ran
  an earlier release, or a program change, pays it once);
* finding the due members: the indexed query `member_due.due_at <= now`, alone;
* a whole tick: the query, then load, `RunDueWork` and re-index each of the 2,000 due members;
* a tick when nothing is due (the worker's every 30 s).

Only `make bench` runs it (not `--quick`). The setup is the long part: enrolment ran at about 43 members/s
on the shared, loaded 2-core machine (10,000 in 4 minutes), so 100,000 take far longer there than on an idle
one. `BENCH_RUN_DUE_MEMBERS=10000 python -m bench.run --only scheduled --no-write` runs it smaller (2% of
the members due, 10% with later points, as at full size).
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta, timezone

from bench import ledger_support as ls
from bench.harness import BenchContext, Row, benchmark, status
from loyalty_core import commands as c
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from loyalty_core.wakeups import WakeUps
from projections.member_due import DueIndex
from projections.readstore import open_read_store

GROUP = "scheduled"
MEMBERS = int(os.environ.get("BENCH_RUN_DUE_MEMBERS", "100000"))
DUE, LATER = MEMBERS // 50, MEMBERS // 10
#: Enrolment and crediting are not timed, but bounded: long enough for 100,000 on a loaded machine.
SETUP_TIMEOUT_S = 3600


class _Clock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now


def _earn(rt, ids, expires_at, label: str) -> None:  # type: ignore[no-untyped-def]
    ls.write_decided(rt, [c.EarnPoints(idempotency_key=ls.unique_ref("e"), member=c.MemberRef(member_id=m),
                                       points=50, reference=ls.unique_ref("r"), source="migration",
                                       expires_at=expires_at) for m in ids],
                     batch=500, timeout_s=SETUP_TIMEOUT_S, label=label)


@benchmark(group=GROUP, name=f"run-due on {MEMBERS:,} members ({DUE:,} due), PostgreSQL")
def run_due_100k(ctx: BenchContext) -> list[Row]:
    clock = _Clock()
    rt = open_runtime(Settings(database_url=ls.database_url(ctx, ls.PG), pool_size=4), clock=clock)
    read = open_read_store(rt.settings)
    try:
        rt.service.policy.install_demo(clock.now - timedelta(days=1))
        members = ls.enrol(rt, MEMBERS, batch=500, timeout_s=SETUP_TIMEOUT_S)
        _earn(rt, members.ids[:DUE], clock.now + timedelta(days=1), "points expiring tomorrow")
        _earn(rt, members.ids[DUE:DUE + LATER], clock.now + timedelta(days=365), "points expiring in a year")
        index = DueIndex(read)
        wakeups = WakeUps(rt.service, index)
        status("building the index")
        started = time.perf_counter()
        built = wakeups.tick(clock.now)
        build_s = time.perf_counter() - started
        total, timed = index.count()

        clock.now += timedelta(days=2)
        started = time.perf_counter()
        found = index.due(clock.now, MEMBERS)
        find_s = time.perf_counter() - started
        status(f"ticking: {len(found):,} due")
        started = time.perf_counter()
        run = wakeups.tick(clock.now)
        tick_s = time.perf_counter() - started
        quiet_samples = []
        for _ in range(20):
            clock.now += timedelta(seconds=30)
            started = time.perf_counter()
            quiet = wakeups.tick(clock.now)
            quiet_samples.append(time.perf_counter() - started)
            assert quiet.members_checked == 0
        quiet_ms = sorted(quiet_samples)[len(quiet_samples) // 2] * 1000
    finally:
        read.close()
        rt.close()
    setup = f"{MEMBERS:,} members, {DUE:,} with points expiring tomorrow, {LATER:,} in a year; clock +2 days"
    assert run.members_changed == DUE, run
    return [
        Row(name="run-due: find the due members (indexed query)", group=GROUP, unit="ms", value=find_s * 1000,
            tag=f"run_due_find_{MEMBERS // 1000}k", notes=f"{setup}; {len(found):,} found among {timed:,} timed rows"),
        Row(name=f"run-due: one tick, {DUE:,} due members processed", group=GROUP, unit="s", value=tick_s,
            tag=f"run_due_tick_{MEMBERS // 1000}k",
            notes=f"{setup}; {run.members_checked:,} loaded, {run.members_changed:,} expired "
                  f"({run.members_changed / tick_s:,.0f} members/s), re-indexed"),
        Row(name="run-due: a tick with nothing due", group=GROUP, unit="ms", value=quiet_ms,
            tag=f"run_due_quiet_{MEMBERS // 1000}k", notes=f"{setup}; median of 20 ticks (index query + event log since)"),
        Row(name="run-due: building the index (once per store)", group=GROUP, unit="s", value=build_s,
            tag=f"run_due_build_{MEMBERS // 1000}k",
            notes=f"{total:,} members loaded and indexed ({total / build_s:,.0f}/s), {timed:,} with an instant; "
                  f"first run on a store or after a program change; swept={built.swept}"),
    ]
