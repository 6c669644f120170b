"""The ledger in process: the real service and program (`open_runtime`, the demo program), no HTTP.

* purchases (`RecordPurchase` on a random member of 2,000) at 1 / 8 / 32 callers on PostgreSQL, one command
  per transaction (`service.execute` as is) and with group commit (`enable_group_commit`); the same at
  1 / 8 callers on SQLite;
* redemptions (`RedeemPoints` of 1–20 points) and the POS level-1 mix (find by phone, reserve 10 points,
  capture them) at 8 / 32 callers, group commit, PostgreSQL;
* loading a member with 10,000 events: snapshots on and the member cache cleared, snapshots off (fold all
  events), and the warm cache.
* one member buying 1,500 times in a row: the ms a purchase takes in the first and the last 250 (a loyal
  member's history is walked on every purchase).

Each benchmark opens its own runtime on its own fresh database; members are enrolled (and credited) before
the clock starts. See bench/ledger_support.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from bench import ledger_support as ls
from bench.harness import BenchContext, Row, benchmark, latency_summary, run_concurrent, status
from bench.report import TAG_INPROCESS_32, TAG_LOAD_10K, TAG_ONE_CMD_PER_TXN
from loyalty_core.member import project_member

GROUP = "ledger"
MEMBERS = 2_000
MAX_OPS = 500_000
ALONE, BATCHED = "one command per txn", "group commit"

#: Purchases/s measured in this run, by (backend, variant, callers): the group-commit rows quote the ratio.
_measured: dict[tuple[str, str, int], float] = {}


def _durations(ctx: BenchContext) -> tuple[float, float]:
    """(measuring, warm-up) seconds of one row."""
    return ctx.duration(full=7, quick=2), ctx.pick(1.0, 0.3)


def _callers(ctx: BenchContext, full: tuple[int, ...]) -> tuple[int, ...]:
    return full if not ctx.quick else full[-1:]


def _measure(ctx: BenchContext, rt: Any, op: Callable[[], Any], callers: int, *, name: str, unit: str,
             tag: str = "", notes: str = "") -> tuple[Row, Any]:
    duration, warmup = _durations(ctx)
    batcher = rt.service.batcher
    before = (batcher.batches, batcher.commands, batcher.fallbacks) if batcher else None
    res = run_concurrent(op, callers=callers, duration_s=duration, max_ops=MAX_OPS, warmup_s=warmup)
    bits = [notes] if notes else []
    if batcher is not None:
        batches, commands, fallbacks = (a - b for a, b in zip((batcher.batches, batcher.commands,
                                                                batcher.fallbacks), before))
        bits.append(f"{commands / max(batches, 1):.1f} commands a batch"
                    + (f", {fallbacks} batch(es) re-run alone" if fallbacks else ""))
    row = res.row(name, GROUP, unit, tag=tag, notes="; ".join(bits))
    return row, res


def _purchases(ctx: BenchContext, backend: str, variant: str, levels: tuple[int, ...]) -> list[Row]:
    label = "PostgreSQL" if backend == ls.PG else "SQLite"
    rt = ls.open_ledger(ctx, backend, pool_size=16)
    rows: list[Row] = []
    try:
        status(f"setup: enrolling {MEMBERS:,} members")
        members = ls.enrol(rt, MEMBERS)
        rng = ls.thread_rng()
        svc = rt.service

        def op() -> None:
            svc.execute(ls.purchase_command(members, rng()))

        def measure_all() -> None:
            for callers in levels:
                tag = ""
                if backend == ls.PG and callers == 32:
                    tag = TAG_ONE_CMD_PER_TXN if variant == ALONE else TAG_INPROCESS_32
                notes = f"{label}, {MEMBERS:,} members, RecordPurchase (1–2 lines, demo program rules)"
                row, res = _measure(ctx, rt, op, callers, name=f"purchases {label} {variant} @{callers}",
                                    unit="purchases/s", tag=tag, notes=notes)
                _measured[(backend, variant, callers)] = res.throughput
                alone = _measured.get((backend, ALONE, callers))
                if variant == BATCHED and alone:
                    ratio = res.throughput / alone
                    row.notes = f"{ratio:.1f}× one-command-per-txn @{callers} ({alone:,.0f}/s); {row.notes}"
                    row.extra["ratio_to_one_command_per_txn"] = ratio
                rows.append(row)

        if variant == BATCHED:
            with ls.group_commit(rt):
                measure_all()
        else:
            measure_all()
    finally:
        rt.close()
    return rows


@benchmark(group=GROUP, name="purchases PostgreSQL, one command per txn")
def purchases_pg_alone(ctx: BenchContext) -> list[Row]:
    return _purchases(ctx, ls.PG, ALONE, _callers(ctx, (1, 8, 32)))


@benchmark(group=GROUP, name="purchases PostgreSQL, group commit")
def purchases_pg_batched(ctx: BenchContext) -> list[Row]:
    return _purchases(ctx, ls.PG, BATCHED, _callers(ctx, (1, 8, 32)))


@benchmark(group=GROUP, name="purchases SQLite, one command per txn", quick=False)
def purchases_sqlite_alone(ctx: BenchContext) -> list[Row]:
    return _purchases(ctx, ls.SQLITE, ALONE, (1, 8))


@benchmark(group=GROUP, name="purchases SQLite, group commit", quick=False)
def purchases_sqlite_batched(ctx: BenchContext) -> list[Row]:
    return _purchases(ctx, ls.SQLITE, BATCHED, (1, 8))


@benchmark(group=GROUP, name="redemptions PostgreSQL, group commit", quick=False)
def redemptions_pg(ctx: BenchContext) -> list[Row]:
    rt = ls.open_ledger(ctx, ls.PG, pool_size=16)
    rows = []
    try:
        status(f"setup: enrolling {MEMBERS:,} members with 1,000,000 points each")
        members = ls.enrol(rt, MEMBERS, points=1_000_000)
        rng = ls.thread_rng()
        svc = rt.service
        with ls.group_commit(rt):
            for callers in (8, 32):
                row, _ = _measure(ctx, rt, lambda: svc.execute(ls.redeem_command(members, rng())), callers,
                                  name=f"redemptions PostgreSQL group commit @{callers}",
                                  unit="redemptions/s",
                                  notes=f"RedeemPoints of 1–20 points, {MEMBERS:,} members")
                rows.append(row)
    finally:
        rt.close()
    return rows


@benchmark(group=GROUP, name="POS level-1 mix PostgreSQL, group commit", quick=False)
def pos_mix_pg(ctx: BenchContext) -> list[Row]:
    rt = ls.open_ledger(ctx, ls.PG, pool_size=16)
    rows = []
    try:
        status(f"setup: enrolling {MEMBERS:,} members with 1,000,000 points each")
        members = ls.enrol(rt, MEMBERS, points=1_000_000)
        rng = ls.thread_rng()
        with ls.group_commit(rt):
            for callers in (8, 32):
                row, _ = _measure(ctx, rt, lambda: ls.pos_mix(rt, members, rng()), callers,
                                  name=f"POS level-1 mix PostgreSQL group commit @{callers}", unit="mixes/s",
                                  notes="one mix = member_summary by phone + ReservePoints 10 + "
                                        f"CaptureReservation (2 commands), {MEMBERS:,} members")
                rows.append(row)
    finally:
        rt.close()
    return rows


# --------------------------------------------------------------------------------------------------
# Loading a member with 10,000 events
# --------------------------------------------------------------------------------------------------

LONG_HISTORY = 10_000


def _timed_loads(fn: Callable[[], Any], *, count: int, max_s: float, min_count: int = 3) -> list[float]:
    samples: list[float] = []
    deadline = time.monotonic() + max_s
    while len(samples) < count and (len(samples) < min_count or time.monotonic() < deadline):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000.0)
    return samples


def _latency_row(name: str, samples: list[float], *, tag: str = "", notes: str = "",
                 extra: dict[str, Any] | None = None) -> Row:
    s = latency_summary(samples)
    return Row(name=name, group=GROUP, unit="ms", value=s["p50_ms"], p50_ms=s["p50_ms"], p99_ms=s["p99_ms"],
               max_ms=s["max_ms"], tag=tag, notes=f"{notes}; {s['count']} loads, p50 as value",
               extra={**(extra or {}), **s})


@benchmark(group=GROUP, name="load a member with 10,000 events")
def load_long_member(ctx: BenchContext) -> list[Row]:
    rt = ls.open_ledger(ctx, ls.PG, pool_size=4)
    try:
        store = rt.store
        joined_id, apart_id = ls.enrol(rt, 2).ids
        count, loads_s = ctx.pick(30, 10), ctx.pick(20.0, 5.0)

        def build(member_id: Any, apart: bool) -> str:
            status(f"setup: {LONG_HISTORY:,} events on one member" + (" (lots apart)" if apart else ""))
            t0 = time.perf_counter()
            member = ls.long_history(rt, member_id, LONG_HISTORY, apart=apart)
            build_s = time.perf_counter() - t0
            recorder = store.snapshots.recorder if store.snapshots else None
            stored = recorder.select_events(member_id, desc=True, limit=1) if recorder else []
            snap_v = stored[0].originator_version if stored else None
            snap_kb = len(stored[0].state) / 1024 if stored else 0
            lots = len(member.lots)
            kind = ("each lot expiring at its own instant, as under a per_lot expiry, so none can join"
                    if apart else "no expiry, so every earn joins the one open lot")
            return (f"{LONG_HISTORY:,} events (enrolment + PointsEarned of 10 points each, {kind}: "
                    f"{lots:,} open lot{'s' if lots != 1 else ''}), written in {build_s:.0f} s; newest "
                    f"snapshot v{snap_v}, {snap_kb:,.0f} KiB, + {LONG_HISTORY - (snap_v or 0)} events "
                    "after it")

        def check(loaded: Any) -> None:
            if loaded is None or loaded.version != LONG_HISTORY:
                raise RuntimeError(f"loaded {loaded and loaded.version}, expected version {LONG_HISTORY}")

        def cold(member_id: Any) -> Callable[[], None]:
            def load() -> None:
                store.members.clear()
                check(store.load_member(member_id))
            return load

        about = build(joined_id, apart=False)
        rows = [_latency_row("load member, 10k events, snapshots on, cache cleared",
                             _timed_loads(cold(joined_id), count=count, max_s=loads_s), tag=TAG_LOAD_10K,
                             notes=f"{about}; store.load_member")]

        def no_snapshots() -> None:
            check(project_member(None, store.member_events(joined_id)))

        rows.append(_latency_row("load member, 10k events, snapshots off",
                                 _timed_loads(no_snapshots, count=count, max_s=loads_s),
                                 notes=f"{about}; project_member over store.member_events "
                                       "(all events read and folded)"))
        check(store.load_member(joined_id))

        def warm() -> None:
            check(store.load_member(joined_id))

        rows.append(_latency_row("load member, 10k events, warm cache", _timed_loads(
            warm, count=count * 10, max_s=loads_s), notes=f"{about}; member in store.members: one "
                                                          "fast-forward query (no newer events)"))
        apart = build(apart_id, apart=True)
        rows.append(_latency_row("load member, 10k events in 10k lots, snapshots on, cache cleared",
                                 _timed_loads(cold(apart_id), count=count, max_s=loads_s),
                                 notes=f"{apart}; store.load_member"))
        return rows
    finally:
        rt.close()


# --------------------------------------------------------------------------------------------------
# A loyal member's purchase: how a purchase's cost grows with the member's purchase history
# --------------------------------------------------------------------------------------------------

LOYAL_HISTORY = 1_500


@benchmark(group=GROUP, name="purchases of one member as its history grows")
def loyal_member_purchases(ctx: BenchContext) -> list[Row]:
    """One member buys LOYAL_HISTORY times in a row (PostgreSQL, one command at a time): the ms a purchase
    takes in its first and its last 250. A member's facts, tier window and lots are walked on each purchase,
    so this row shows what a daily customer's 800 days of history cost."""
    import random

    rt = ls.open_ledger(ctx, ls.PG, pool_size=4)
    try:
        members = ls.enrol(rt, 1)
        rng = random.Random(7)
        status(f"setup: {LOYAL_HISTORY:,} purchases of one member")
        first = last = 0.0
        for i in range(LOYAL_HISTORY):
            t0 = time.perf_counter()
            rt.service.execute(ls.purchase_command(members, rng))
            took = time.perf_counter() - t0
            if i < 250:
                first += took
            elif i >= LOYAL_HISTORY - 250:
                last += took
        first_ms, last_ms = first / 250 * 1000, last / 250 * 1000
        notes = (f"PostgreSQL, RecordPurchase one at a time on one member (demo program); purchases 1–250 took "
                 f"{first_ms:.2f} ms each, purchases {LOYAL_HISTORY - 249:,}–{LOYAL_HISTORY:,} {last_ms:.2f} ms "
                 f"({last_ms / first_ms:.1f}×)")
        return [Row(name=f"purchase by a member with {LOYAL_HISTORY:,} purchases already", group=GROUP, unit="ms",
                    value=last_ms, notes=notes, extra={"first_ms": first_ms, "last_ms": last_ms}),
                Row(name="purchase by a new member", group=GROUP, unit="ms", value=first_ms, notes=notes)]
    finally:
        rt.close()
