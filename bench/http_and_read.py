"""The HTTP API under load from a second process, and the read side (projections, audit) on a big log.

HTTP (group ``http``): ``loyalty serve`` (one uvicorn process, group commit on as the API has it by default)
on this benchmark's fresh database; the demo program installed by ``loyalty demo``, a POS key for store
HCM-01, 1,000 members enrolled in process (ledger_support's fast path) before the server starts; then
``bench.loadgen`` in its own process: ``POST /v1/transactions`` (a fresh ``transaction_ref`` each, real member
ids from a file) and ``GET /v1/members/{id}/balance`` at 32 and 64 connections. The same purchases on SQLite
at 32 connections (full run only). The channel rate limit (1,200/minute by default) is raised for the server
under test: it would otherwise answer 429 after 20 requests a second.

Read side (group ``read``): ``projections.bench_read_side``'s parts on PostgreSQL: ``fill`` the log with
realistic member histories, ``rebuild`` all projections from position zero, ``fill`` a backlog of a tenth more
and time the worker's ``catch_up``, then ``audit verify`` / ``replay``. 1,000,000 events in
a full run when the budget allows, else the largest size that fits (filled in steps, the rest of the pipeline
projected from the fill rate); 50,000 with ``--quick``.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bench import ledger_support as ls
from bench.harness import (REGISTRY, BenchContext, Row, ServerFailed, benchmark, free_port, fresh_database,
                           loadgen_row, serve, status)
from bench.report import (TAG_CATCHUP, TAG_HTTP_BALANCE, TAG_HTTP_MUTABLE, TAG_HTTP_MUTABLE_PROCESSES,
                          TAG_HTTP_PROCESSES, TAG_HTTP_PURCHASES, TAG_REBUILD)

ROOT = Path(__file__).resolve().parent.parent
HTTP, READ = "http", "read"
MEMBERS = 1_000
STORE = "HCM-01"
LEVELS = (32, 64)
MAX_REQUESTS = 500_000
MUTABLE_WORKERS = (1,)  # processes of the mutable-table service here; api_processes measures 1, 2, 4 beside ours
PROCESS_COUNTS = (1, 2, 4)  # api_processes: those above the usable cores (but 2) are skipped, with a note
MUTABLE_POOL = 16  # connections of the mutable-table service (ours: LOYALTY_POOL_SIZE, 8)
#: Seconds kept for the benchmarks registered after this module (the ledger rows, ~4–5 minutes in a full run)
#: when the read side sizes its log to the run's budget.
RESERVE_FOR_LATER_S = {"full": 270.0, "quick": 50.0}
#: Post-fill pipeline cost (rebuild + backlog + catch-up + verify + replay) as a multiple of the
#: fill time: ~1.15 at 50,000 events and ~2.0 at 300,000 on this machine (load 8–12); 2.2 leaves a little room.
PIPELINE_FACTOR = 2.2


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f} (5 min {five:.1f}) on {os.cpu_count()} CPUs"


def _cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of process ``pid`` (all its threads) so far; None where /proc is missing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


def _children_cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _database_url(ctx: BenchContext, backend: str) -> str:
    if backend == ls.PG:
        auth = quote(ctx.pg.user, safe="")
        if ctx.pg.password:
            auth += ":" + quote(ctx.pg.password, safe="")
        return f"postgresql://{auth}@{ctx.pg.host}:{ctx.pg.port}/{ctx.dbname}"
    return f"sqlite:///{(ctx.tmpdir / 'api.db').resolve()}"


def _cli(*args: str) -> list[str]:
    """``loyalty ARGS`` with this interpreter (the console script is the same module)."""
    return [sys.executable, "-m", "loyalty_cli.main", *args]


# --------------------------------------------------------------------------------------------------
# HTTP
# --------------------------------------------------------------------------------------------------


def _prepare_api_store(ctx: BenchContext, url: str, env: dict[str, str]) -> tuple[str, Path]:
    """Demo program (``loyalty demo``, in force from now), 1,000 members, a POS key for HCM-01. Not timed."""
    from api.keys import KeyRing
    from api.tables import open_tables
    from loyalty_core.runtime import open_runtime
    from loyalty_core.settings import Settings

    status("setup: loyalty demo")
    out = subprocess.run(_cli("demo"), env=env, capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    if out.returncode != 0:
        raise RuntimeError(f"loyalty demo failed ({out.returncode}): {out.stderr.strip()[-300:]}")
    settings = Settings(database_url=url, pool_size=4)
    rt = open_runtime(settings)
    try:
        members = ls.enrol(rt, MEMBERS)
    finally:
        rt.close()
    tables = open_tables(settings)
    try:
        _, key = KeyRing(tables).create("channel", channel="pos", stores=(STORE,), label="bench")
    finally:
        tables.close()
    ids = ctx.tmpdir / f"members-{Path(url).name or 'db'}.txt"
    ids.write_text("".join(f"{m}\n" for m in members.ids), encoding="utf-8")
    return key, ids


def _loadgen(base_url: str, *, scenario: str, concurrency: int, seconds: float, warmup_s: float, key: str,
             ids: Path) -> dict[str, Any]:
    """``python -m bench.loadgen`` in its own process (harness.run_loadgen plus the member-ids file and store)."""
    argv = [sys.executable, "-m", "bench.loadgen", "--url", base_url, "--scenario", scenario,
            "--concurrency", str(concurrency), "--seconds", str(seconds), "--warmup", str(warmup_s),
            "--api-key", key, "--members", str(MEMBERS), "--member-ids-file", str(ids), "--store-id", STORE,
            "--max-requests", str(MAX_REQUESTS)]
    status(f"HTTP {scenario}: {concurrency} connections for {seconds:.0f} s")
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + warmup_s + 60, cwd=str(ROOT))
    if out.returncode != 0:
        raise RuntimeError(f"loadgen failed ({out.returncode}): {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout)


def _api_env(ctx: BenchContext, url: str) -> dict[str, str]:
    return ctx.pg_env() | {
        "LOYALTY_DATABASE_URL": url,
        # The per-key limit (1200/minute for a channel key) would turn the benchmark into a 429 counter.
        "LOYALTY_API_RATE_LIMIT_CHANNEL": "1000000/second",
    }


def _tree_cpu_s(pid: int) -> float | None:
    """CPU seconds of ``pid`` and its children (`loyalty serve --workers N`: the supervisor and its workers)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    own = _cpu_s(pid)
    return None if own is None else own + sum(_cpu_s(int(c)) or 0.0 for c in children)


def _api_rows(ctx: BenchContext, backend: str, plan: list[tuple[str, int, str]], workers: int = 1,
              prepared: tuple[str, Path] | None = None, suffix: str = "") -> list[Row]:
    """Serve the API on ``backend`` with ``workers`` processes and run ``plan``: (scenario, connections, tag)
    one after another."""
    label = "PostgreSQL" if backend == ls.PG else "SQLite"
    url = _database_url(ctx, backend)
    env = _api_env(ctx, url)
    key, ids = prepared or _prepare_api_store(ctx, url, env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = ctx.tmpdir / f"serve-{backend}-{workers}.log"
    try:
        return _measure_api(ctx, label, base, env, log, key, ids, plan, workers, suffix)
    except ServerFailed as exc:
        tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
        raise ServerFailed(f"{exc}: {tail}") from None


def _measure_api(ctx: BenchContext, label: str, base: str, env: dict[str, str], log: Path, key: str, ids: Path,
                 plan: list[tuple[str, int, str]], workers: int, suffix: str) -> list[Row]:
    rows: list[Row] = []
    port = base.rsplit(":", 1)[1]
    with serve(_cli("serve", "--host", "127.0.0.1", "--port", port, "--workers", str(workers)),
               health_url=f"{base}/healthz", env=env, startup_timeout_s=120.0, log_path=log) as proc:
        for scenario, connections, tag in plan:
            load = _load()
            server0, client0 = _tree_cpu_s(proc.pid), _children_cpu_s()
            res = _loadgen(base, scenario=scenario, concurrency=connections,
                           seconds=ctx.duration(full=10, quick=5), warmup_s=ctx.pick(1.0, 0.5), key=key, ids=ids)
            server1, client_s = _tree_cpu_s(proc.pid), _children_cpu_s() - client0
            if proc.poll() is not None:
                tail = log.read_text(errors="replace")[-400:] if log.exists() else ""
                raise RuntimeError(f"loyalty serve exited with {proc.returncode}: {tail}")
            if not res["ok"]:
                raise RuntimeError(f"no successful {scenario} request: {res.get('status_counts')} "
                                   f"{res.get('first_error', '')[:200]}")
            what = ("POST /v1/transactions (1 line, 125,000 VND, fresh transaction_ref)" if scenario == "purchases"
                    else "GET /v1/members/{id}/balance")
            procs = "" if workers == 1 else f", {workers} processes"
            name = (f"HTTP purchases {label}{procs} @{connections}{suffix}" if scenario == "purchases"
                    else f"HTTP balance reads {label}{procs} @{connections}{suffix}")
            # CPU per request, warm-up included (its requests are not in `requests`: an overestimate).
            cpu = ""
            if server0 is not None and server1 is not None and res["requests"]:
                server_s = server1 - server0
                cpu = (f"; CPU per request: server {server_s / res['requests'] * 1000:.1f} ms, loadgen "
                       f"{client_s / res['requests'] * 1000:.1f} ms (warm-up included)")
                res = {**res, "server_cpu_s": server_s, "loadgen_cpu_s": client_s}
            rows.append(loadgen_row(res, name=name, group=HTTP, tag=tag,
                                    notes=f"loyalty serve --workers {workers} ("
                                          + ("1 process" if workers == 1 else "a dispatcher routing each member "
                                             "to its owner process, X-Member-Id sent")
                                          + f", group commit), {label}; {what}; "
                                          f"{MEMBERS:,} members; {load} before the run{cpu}"))
    return rows


@benchmark(group=HTTP, name="API on PostgreSQL (loyalty serve + loadgen)", quick=True)
def api_postgres(ctx: BenchContext) -> list[Row]:
    levels = LEVELS if not ctx.quick else LEVELS[:1]
    plan = [("purchases", n, TAG_HTTP_PURCHASES if n == 32 else "") for n in levels]
    plan += [("balance", n, TAG_HTTP_BALANCE if n == 32 else "") for n in levels]
    return _api_rows(ctx, ls.PG, plan)


@benchmark(group=HTTP, name="mutable-table FastAPI service on PostgreSQL (baseline, same loadgen)", quick=True)
def api_mutable(ctx: BenchContext) -> list[Row]:
    """bench.mutable_service on this benchmark's database, run right after ``api_postgres`` (back to back)."""
    import uuid

    ids = ctx.tmpdir / "mutable-members.txt"
    ids.write_text("".join(f"{uuid.uuid4()}\n" for _ in range(MEMBERS)), encoding="utf-8")
    key = "bench-mutable"
    status("setup: mutable tables")
    out = subprocess.run([sys.executable, "-m", "bench.mutable_service", "--dsn", ctx.dsn, "--setup", str(ids)],
                         capture_output=True, text=True, timeout=120, cwd=str(ROOT))
    if out.returncode != 0:
        raise RuntimeError(f"mutable setup failed: {out.stderr.strip()[-300:]}")
    rows: list[Row] = []
    for workers in MUTABLE_WORKERS:
        rows += _mutable_rows(ctx, ids, key, workers)
    return rows


def _mutable_rows(ctx: BenchContext, ids: Path, key: str, workers: int, *, dsn: str | None = None,
                  plan: list[tuple[str, int, str]] | None = None, suffix: str = "") -> list[Row]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    rows: list[Row] = []
    argv = [sys.executable, "-m", "bench.mutable_service", "--dsn", dsn or ctx.dsn, "--port", str(port),
            "--api-key", key, "--pool-size", str(MUTABLE_POOL), "--workers", str(workers)]
    if plan is None:
        plan = [("purchases", 32, TAG_HTTP_MUTABLE), ("balance", 32, "")] if workers == 1 else [("purchases", 32, "")]
    with serve(argv, health_url=f"{base}/healthz", env=ctx.pg_env(), startup_timeout_s=60.0,
               log_path=ctx.tmpdir / f"serve-mutable-{workers}.log") as proc:
        for scenario, connections, tag in plan:
            load = _load()
            server0 = _tree_cpu_s(proc.pid)  # uvicorn's parent and its worker processes
            res = _loadgen(base, scenario=scenario, concurrency=connections,
                           seconds=ctx.duration(full=10, quick=5), warmup_s=ctx.pick(1.0, 0.5), key=key, ids=ids)
            server1 = _tree_cpu_s(proc.pid)
            if not res["ok"]:
                raise RuntimeError(f"no successful {scenario} request: {res.get('status_counts')} "
                                   f"{res.get('first_error', '')[:200]}")
            cpu = ""
            if server0 is not None and server1 is not None and res["requests"]:
                cpu = f"; server CPU per request {(server1 - server0) / res['requests'] * 1000:.1f} ms"
            what = ("POST /v1/transactions: INSERT transactions + UPDATE balances in one transaction, unique ref"
                    if scenario == "purchases" else "GET /v1/members/{id}/balance: one primary-key SELECT")
            procs = "" if workers == 1 else f", {workers} processes"
            rows.append(loadgen_row(res, name=f"HTTP {scenario} mutable-table service{procs} @{connections}{suffix}",
                                    group=HTTP, tag=tag,
                                    notes=f"bench.mutable_service (FastAPI, {workers} uvicorn process(es) with "
                                          f"loyalty serve's settings, async psycopg pool of {MUTABLE_POOL} each); "
                                          f"{what}; {MEMBERS:,} members; {load} before the run{cpu}"))
    return rows


@benchmark(group=HTTP, name="HTTP purchases by process count, ours beside the mutable-table service", quick=True)
def api_processes(ctx: BenchContext) -> list[Row]:
    """Ours with N processes (`loyalty serve --workers N`: members routed to their owner) then the mutable-table
    service with N uvicorn processes, for N = 1, 2, 4, interleaved so each pair shares the box's load of the
    moment; the same 1,000 member ids and the same loadgen (which sends X-Member-Id) for both."""
    from api.workers import usable_cores

    cores = usable_cores()
    counts = [n for n in PROCESS_COUNTS if n <= max(2, cores)]
    skipped = [n for n in PROCESS_COUNTS if n not in counts]
    note = (f" ({', '.join(map(str, skipped))} processes not measured: {cores} usable cores)" if skipped else "")
    url = _database_url(ctx, ls.PG)
    prepared = _prepare_api_store(ctx, url, _api_env(ctx, url))
    key = "bench-mutable"
    rows: list[Row] = []
    with fresh_database(ctx.pg, "mutable_procs") as mutable_db:
        dsn = ctx.pg.conninfo(mutable_db)
        status("setup: mutable tables")
        out = subprocess.run([sys.executable, "-m", "bench.mutable_service", "--dsn", dsn, "--setup",
                              str(prepared[1])], capture_output=True, text=True, timeout=120, cwd=str(ROOT))
        if out.returncode != 0:
            raise RuntimeError(f"mutable setup failed: {out.stderr.strip()[-300:]}")
        for n in counts:
            for who, measure in (
                    ("ours", lambda: _api_rows(ctx, ls.PG, [("purchases", 32, TAG_HTTP_PROCESSES.format(n=n))],
                                               workers=n, prepared=prepared, suffix=" (process series)")),
                    ("mutable", lambda: _mutable_rows(ctx, prepared[1], key, n, dsn=dsn, suffix=" (process series)",
                                                      plan=[("purchases", 32,
                                                             TAG_HTTP_MUTABLE_PROCESSES.format(n=n))]))):
                try:  # one failed round is a row saying so; the others are still measured
                    rows += measure()
                except Exception as exc:  # noqa: BLE001
                    rows.append(Row(name=f"HTTP purchases {who}, {n} processes @32 (process series)", group=HTTP,
                                    unit="requests/s", value=None, notes=f"error: {type(exc).__name__}: {exc}"))
    for row in rows:
        row.notes += note
    return rows


@benchmark(group=HTTP, name="API on SQLite (loyalty serve + loadgen)", quick=False)
def api_sqlite(ctx: BenchContext) -> list[Row]:
    return _api_rows(ctx, ls.SQLITE, [("purchases", 32, "")])


# --------------------------------------------------------------------------------------------------
# Read side
# --------------------------------------------------------------------------------------------------


def _reserve_for_later(ctx: BenchContext) -> float:
    """Seconds to leave for benchmarks registered after this module (they run after it)."""
    mine = [i for i, b in enumerate(REGISTRY) if b.fn.__module__ == __name__]
    later = [b for b in REGISTRY[(max(mine) + 1 if mine else 0):] if not ctx.quick or b.quick]
    return RESERVE_FOR_LATER_S["quick" if ctx.quick else "full"] if later else 0.0


def _fill_to_budget(ctx: BenchContext, settings: Any, target: int, step: int) -> tuple[int, int, float, str]:
    """Fill up to ``target`` events, ``step`` at a time, while the whole pipeline is projected to fit the budget.
    Returns (events written, members written, fill seconds, why it stopped)."""
    from projections.bench_read_side import MEMBERS_PER_WRITE, fill, member_history

    per_write = len(member_history(0)) * MEMBERS_PER_WRITE
    end = ctx.deadline - _reserve_for_later(ctx)
    events = members = 0
    fill_s = 0.0
    why = "target"
    for _ in range(math.ceil(target / step) + 1):  # bounded: one step more than needed
        if events >= target:
            break
        want = min(step, target - events)
        writes = math.ceil(want / per_write)
        if events:  # after the first step: continue only if the next step and the pipeline after it fit
            per_event = fill_s / events
            grown = events + writes * per_write
            if time.monotonic() + (grown - events) * per_event + grown * per_event * PIPELINE_FACTOR > end:
                why = "budget"
                break
        status(f"setup: filling the log {events:,} → {events + writes * per_write:,} events")
        fill_s += fill(settings, want, first_member=members)
        events += writes * per_write
        members += writes * MEMBERS_PER_WRITE
    return events, members, fill_s, why


def _ready(barrier: Any) -> None:
    import projections.catalog  # noqa: F401 - imported before the clock starts, as a running worker has
    import projections.runner  # noqa: F401

    barrier.wait(timeout=120)


def _catch_up_in_two_workers(settings: Any) -> tuple[list[list[str]], int, float]:
    """The live projections brought to the head by two processes, one group of projections each (what two
    `loyalty worker --projections` processes do); timed once both processes are up and imported."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from projections.catalog import ReadSide
    from projections.split_replay import groups_by_cost, replay_group
    from projections.worker import default_batch

    side = ReadSide.open(settings)
    try:
        live = side.generations()
    finally:
        side.close()
    groups = groups_by_cost(list(live), 2)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(groups) + 1)
    with ProcessPoolExecutor(max_workers=len(groups), mp_context=context, initializer=_ready,
                             initargs=(barrier,)) as pool:
        for _ in groups:  # a submit with no idle process starts one; each waits at the barrier once imported
            pool.submit(int)
        barrier.wait(timeout=120)  # a process that cannot start breaks it: an error row, never a hang
        side = ReadSide.open(settings)
        try:
            store = side.open_ledger(settings)
            upto = store.max_notification_id()
            store.close()
        finally:
            side.close()
        started = time.perf_counter()
        futures = [pool.submit(replay_group, settings, {n: live[n] for n in g}, upto, default_batch(settings))
                   for g in groups]
        applied = max(f.result() for f in futures)
        return groups, applied, time.perf_counter() - started


@benchmark(group=READ, name="read side on PostgreSQL (rebuild, catch-up, audit)")
def read_side(ctx: BenchContext) -> list[Row]:
    from loyalty_core.settings import Settings
    from projections.audit_run import replay_store, verify_store
    from projections.bench_read_side import fill
    from projections.catalog import PROJECTIONS, ReadSide
    from projections.rebuild import rebuild
    from projections.runner import LogReader, catch_up
    from projections.worker import default_batch

    settings = Settings(database_url=_database_url(ctx, ls.PG))
    target = ctx.pick(1_000_000, 50_000)
    load_before = _load()
    events, members, fill_s, why = _fill_to_budget(ctx, settings, target, step=ctx.pick(100_000, 50_000))
    size = (f"{events:,} events ({members:,} members)" + ("" if why == "target" else
            f": the largest size that fit the run's budget (target {target:,})"))
    common = f"log of {size}, ~half of it receipts and claims, which the database filters out"

    rows: list[Row] = []
    names = list(PROJECTIONS)

    def rebuild_progress(at: int, head: int, _count: int) -> None:
        status(f"rebuild: {at:,}/{head:,}")

    report = rebuild(settings, names, on_batch=rebuild_progress)
    rate = report.notifications / report.seconds if report.seconds else None
    rows.append(Row(name=f"projection rebuild, all {len(names)} projections", group=READ, unit="events/s",
                    value=rate, tag=TAG_REBUILD,
                    notes=f"{common}; rebuild --all from position 0 ({', '.join(names)}), batch 5,000, "
                          f"replayed in {report.processes} process{'es' if report.processes > 1 else ''}; "
                          f"{report.notifications:,} notifications in {report.seconds:.1f} s; fill "
                          f"{events / fill_s:,.0f} events/s; {load_before} before the fill",
                    extra={"events": events, "members": members, "fill_s": fill_s, "stopped_by": why,
                           "notifications": report.notifications, "seconds": report.seconds,
                           "processes": report.processes}))

    backlog = max(events // 10, 1000)
    status(f"setup: a backlog of {backlog:,} events")
    fill(settings, backlog, first_member=members)
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:  # the worker's projection step
        projections = list(side.live().values())
        batch = default_batch(settings)
        status("catch-up")
        started = time.perf_counter()
        applied = catch_up(LogReader.for_projections(store, projections), projections, batch_size=batch)
        catch_s = time.perf_counter() - started
        head = store.max_notification_id()
    finally:
        side.close()
        store.close()
    rows.append(Row(name=f"projection catch-up, all {len(names)} projections", group=READ, unit="events/s",
                    value=applied / catch_s if catch_s else None, tag=TAG_CATCHUP,
                    notes=f"the worker's catch_up (its page of {batch:,}) over a backlog of {applied:,} notifications "
                          f"appended to the {events:,}-event log, in {catch_s:.1f} s; {_load()}",
                    extra={"notifications": applied, "seconds": catch_s, "head": head}))

    status(f"setup: another backlog of {backlog:,} events")
    fill(settings, backlog, first_member=members + backlog)
    status("catch-up, two workers")
    two_workers = f"projection catch-up, all {len(names)} projections, 2 workers"
    try:
        groups, applied2, catch2_s = _catch_up_in_two_workers(settings)
    except Exception as exc:  # noqa: BLE001 - one row's failure, not the audit rows' after it
        rows.append(Row(name=two_workers, group=READ, unit="events/s", value=None,
                        notes=f"error: {type(exc).__name__}: {exc}"))
    else:
        rows.append(Row(name=two_workers, group=READ, unit="events/s", value=applied2 / catch2_s if catch2_s else None,
                        notes=f"two worker processes, each keeping a group of projections as `loyalty worker "
                              f"--projections` does ({' | '.join(','.join(g) for g in groups)}), started and "
                              f"imported before the clock starts; catch_up (a page of {batch:,}) over another backlog "
                              f"of {applied2:,} notifications in {catch2_s:.1f} s; {_load()}",
                        extra={"notifications": applied2, "seconds": catch2_s, "groups": groups}))

    status("audit verify")
    t0 = time.perf_counter()
    verification = verify_store(settings)
    verify_s = time.perf_counter() - t0
    rows.append(Row(name="audit verify", group=READ, unit="s", value=verify_s,
                    notes=f"re-reads every event and its seal and re-hashes both ({head / verify_s:,.0f}/s); "
                          f"{'all sealed and intact' if verification.ok else 'PROBLEMS FOUND'}",
                    extra={"ok": verification.ok}))

    status("audit replay")
    t0 = time.perf_counter()
    replay = replay_store(settings)
    replay_s = time.perf_counter() - t0
    rows.append(Row(name="audit replay", group=READ, unit="s", value=replay_s,
                    notes=f"folds every member's events and compares with the balances projection: "
                          f"{replay.members:,} members ({replay.members / replay_s:,.0f}/s); "
                          f"{'no differences' if replay.ok else 'DIFFERENCES FOUND'}; {_load()}",
                    extra={"ok": replay.ok, "members": replay.members}))
    return rows
