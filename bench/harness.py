"""Benchmark harness: result rows, a registry, fresh databases, concurrent-latency and HTTP helpers.

Adding a benchmark (see bench/README.md)::

    from bench.harness import Row, benchmark, run_concurrent

    @benchmark(group="ledger", name="purchases in-process @32")
    def purchases_32(ctx):
        app = make_app(ctx.eventsourcing_env())        # a fresh database, only for this benchmark
        res = run_concurrent(lambda: app.purchase(...), callers=32,
                             duration_s=ctx.duration(10, 3), max_ops=200_000)
        return res.row("purchases in-process @32", "ledger", "purchases/s", tag="inprocess_purchases@32")

A benchmark function receives a :class:`BenchContext` and returns a :class:`Row` or an iterable of rows.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import math
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# --------------------------------------------------------------------------------------------------
# Result rows and the registry
# --------------------------------------------------------------------------------------------------


@dataclass
class Row:
    """One line of the report. ``value`` is ``None`` when the benchmark could not run (say why in notes).

    ``unit`` ending in ``/s`` marks a rate: only rates get a ratio to the pgbench reference.
    ``tag`` is a stable key that the targets in :mod:`bench.report` look rows up by.
    ``extra`` holds raw figures; it goes to ``bench/results/latest.json`` only.
    """

    name: str
    group: str
    unit: str
    value: float | None
    p50_ms: float | None = None
    p99_ms: float | None = None
    max_ms: float | None = None
    notes: str = ""
    tag: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_rate(self) -> bool:
        return self.unit.endswith("/s")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Row:
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


BenchFn = Callable[["BenchContext"], "Row | Iterable[Row] | None"]


@dataclass
class Benchmark:
    group: str
    name: str
    fn: BenchFn
    reference: bool = False  # always run (even with --only): its rows are the ratio reference
    quick: bool = True  # run in --quick mode too

    @property
    def key(self) -> str:
        return f"{self.group}/{self.name}"


REGISTRY: list[Benchmark] = []


def benchmark(*, group: str, name: str, reference: bool = False, quick: bool = False) -> Callable[[BenchFn], BenchFn]:
    """Register a benchmark function. Benchmarks run in registration order (bench.baselines first).

    ``quick=True`` puts it in ``--quick`` (``make bench-quick``, ~2–3 minutes): only the same-run HTTP ratios are
    there (ours vs the mutable-table service, and the pgbench@32 reference, which always runs)."""

    def decorate(fn: BenchFn) -> BenchFn:
        key = f"{group}/{name}"
        if any(b.key == key for b in REGISTRY):
            raise ValueError(f"benchmark {key!r} registered twice")
        REGISTRY.append(Benchmark(group=group, name=name, fn=fn, reference=reference, quick=quick))
        return fn

    return decorate


# --------------------------------------------------------------------------------------------------
# Statistics
# --------------------------------------------------------------------------------------------------


def percentile(sorted_samples: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile of already sorted samples (``p`` in 0..100); ``None`` when empty."""
    n = len(sorted_samples)
    if n == 0:
        return None
    if p <= 0:
        return sorted_samples[0]
    rank = math.ceil(p / 100.0 * n)
    return sorted_samples[min(max(rank, 1), n) - 1]


def latency_summary(samples_ms: Iterable[float]) -> dict[str, float | None]:
    """p50 / p99 / max / mean (milliseconds) of latency samples."""
    s = sorted(samples_ms)
    return {
        "p50_ms": percentile(s, 50),
        "p99_ms": percentile(s, 99),
        "max_ms": s[-1] if s else None,
        "mean_ms": (sum(s) / len(s)) if s else None,
        "count": len(s),
    }


# --------------------------------------------------------------------------------------------------
# Progress / status hook (set by bench.run; a no-op elsewhere, e.g. in tests)
# --------------------------------------------------------------------------------------------------

_status_hook: Callable[[str], None] = lambda text: None  # noqa: E731


def set_status_hook(hook: Callable[[str], None] | None) -> None:
    global _status_hook
    _status_hook = hook or (lambda text: None)


def status(text: str) -> None:
    """Show ``text`` next to the current benchmark in the progress display."""
    _status_hook(text)


# --------------------------------------------------------------------------------------------------
# Concurrent callers
# --------------------------------------------------------------------------------------------------


@dataclass
class ConcurrentResult:
    callers: int
    ops: int
    errors: int
    elapsed_s: float
    throughput: float  # successful ops per second of wall time
    p50_ms: float | None
    p99_ms: float | None
    max_ms: float | None
    mean_ms: float | None
    first_error: str = ""
    stopped_by: str = ""  # "duration", "max_ops", "max_errors" or "hung"

    def row(self, name: str, group: str, unit: str = "ops/s", *, tag: str = "", notes: str = "",
            per_op: float = 1.0) -> Row:
        """A report row. ``per_op`` scales the rate (e.g. 100 events per op gives events/s)."""
        bits = [f"{self.callers} callers, {self.ops:,} ops in {self.elapsed_s:.1f} s"]
        if self.errors:
            bits.append(f"{self.errors:,} errors (first: {self.first_error[:120]})")
        if self.stopped_by and self.stopped_by != "duration":
            bits.append(f"stopped by {self.stopped_by}")
        if notes:
            bits.insert(0, notes)
        return Row(name=name, group=group, unit=unit, value=self.throughput * per_op,
                   p50_ms=self.p50_ms, p99_ms=self.p99_ms, max_ms=self.max_ms, notes="; ".join(bits), tag=tag,
                   extra={k: v for k, v in asdict(self).items()})


def run_concurrent(fn: Callable[[], Any], callers: int, duration_s: float, max_ops: int, *,
                   warmup_s: float = 0.0, max_errors: int = 100, hang_grace_s: float = 30.0) -> ConcurrentResult:
    """Call ``fn()`` from ``callers`` threads until ``duration_s`` seconds pass or ``max_ops`` calls are made.

    Each call's latency is recorded (perf_counter); calls that raise count as errors, not as ops.
    ``warmup_s`` seconds of calls are made first and not recorded. Per-thread state: use
    ``threading.local()`` inside ``fn``. Threads are daemons: a call that hangs longer than
    ``duration_s + hang_grace_s`` is abandoned and the result says ``stopped_by="hung"``.
    """
    if callers < 1 or max_ops < 1 or duration_s <= 0:
        raise ValueError("callers, max_ops and duration_s must be positive")

    if warmup_s > 0:
        _run_phase(fn, callers, warmup_s, max_ops, max_errors, hang_grace_s, label="warm-up")
    return _run_phase(fn, callers, duration_s, max_ops, max_errors, hang_grace_s, label="measuring")


def _run_phase(fn: Callable[[], Any], callers: int, duration_s: float, max_ops: int, max_errors: int,
               hang_grace_s: float, label: str) -> ConcurrentResult:
    tickets = itertools.count()  # next() on itertools.count is atomic under the GIL
    error_count = itertools.count()
    lat_per_thread: list[list[float]] = [[] for _ in range(callers)]
    errors_per_thread = [0] * callers
    first_error: list[str] = []
    stop = threading.Event()
    stopped_by = ["duration"]
    barrier = threading.Barrier(callers + 1)
    perf = time.perf_counter

    def worker(i: int) -> None:
        lat = lat_per_thread[i]
        barrier.wait()
        while not stop.is_set():
            if next(tickets) >= max_ops:
                stopped_by[0] = "max_ops"
                stop.set()
                break
            t0 = perf()
            try:
                fn()
            except Exception as exc:  # noqa: BLE001 - errors are counted and reported
                errors_per_thread[i] += 1
                if not first_error:
                    first_error.append(f"{type(exc).__name__}: {exc}")
                if next(error_count) + 1 >= max_errors:
                    stopped_by[0] = "max_errors"
                    stop.set()
                continue
            lat.append((perf() - t0) * 1000.0)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True, name=f"bench-caller-{i}")
               for i in range(callers)]
    for t in threads:
        t.start()
    barrier.wait()
    start = perf()
    deadline = start + duration_s
    while not stop.is_set():
        now = perf()
        if now >= deadline:
            break
        done = sum(len(x) for x in lat_per_thread)
        status(f"{label}: {callers} callers, {done:,} ops, {now - start:.0f}/{duration_s:.0f} s")
        stop.wait(min(0.5, max(deadline - now, 0.01)))
    stop.set()
    hard_deadline = perf() + hang_grace_s
    for t in threads:
        t.join(timeout=max(hard_deadline - perf(), 0.0))
    if any(t.is_alive() for t in threads):
        stopped_by[0] = "hung"
    elapsed = perf() - start
    samples = [x for lat in lat_per_thread for x in lat]
    summary = latency_summary(samples)
    return ConcurrentResult(
        callers=callers, ops=len(samples), errors=sum(errors_per_thread), elapsed_s=elapsed,
        throughput=len(samples) / elapsed if elapsed > 0 else 0.0,
        p50_ms=summary["p50_ms"], p99_ms=summary["p99_ms"], max_ms=summary["max_ms"], mean_ms=summary["mean_ms"],
        first_error=first_error[0] if first_error else "", stopped_by=stopped_by[0],
    )


def timed_rate(fn: Callable[[], int], *, name: str, group: str, unit: str, tag: str = "", notes: str = "") -> Row:
    """Run ``fn()`` once; it returns how many items it processed. Gives a rate row (items per second)."""
    t0 = time.perf_counter()
    items = fn()
    elapsed = time.perf_counter() - t0
    rate = items / elapsed if elapsed > 0 else None
    text = f"{items:,} items in {elapsed:.2f} s" + (f"; {notes}" if notes else "")
    return Row(name=name, group=group, unit=unit, value=rate, notes=text, tag=tag,
               extra={"items": items, "elapsed_s": elapsed})


# --------------------------------------------------------------------------------------------------
# PostgreSQL: connection settings and fresh databases
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PgSettings:
    host: str = field(default_factory=lambda: os.environ.get("BENCH_PGHOST", os.environ.get("PGHOST", "127.0.0.1")))
    port: int = field(default_factory=lambda: int(os.environ.get("BENCH_PGPORT", os.environ.get("PGPORT", "5432"))))
    user: str = field(default_factory=lambda: os.environ.get("BENCH_PGUSER", os.environ.get("PGUSER", "postgres")))
    password: str = field(default_factory=lambda: os.environ.get("BENCH_PGPASSWORD",
                                                                 os.environ.get("PGPASSWORD", "")))
    admin_db: str = field(default_factory=lambda: os.environ.get("BENCH_PGADMINDB", "postgres"))

    def conninfo(self, dbname: str) -> str:
        parts = [f"host={self.host}", f"port={self.port}", f"user={self.user}", f"dbname={dbname}"]
        if self.password:
            parts.append(f"password={self.password}")
        return " ".join(parts)


_IDENT = re.compile(r"[^a-z0-9_]+")


def database_name(name: str, pid: int | None = None) -> str:
    """``bench_<name>_<pid>``, lower-case, only [a-z0-9_], at most 63 characters (PostgreSQL's limit)."""
    pid = os.getpid() if pid is None else pid
    slug = _IDENT.sub("_", name.lower()).strip("_") or "x"
    room = 63 - len("bench__") - len(str(pid))
    return f"bench_{slug[:room].rstrip('_')}_{pid}"


@contextlib.contextmanager
def fresh_database(pg: PgSettings, name: str) -> Iterator[str]:
    """Create ``bench_<name>_<pid>``; drop it (WITH FORCE) afterwards, whatever happens."""
    import psycopg

    dbname = database_name(name)
    with psycopg.connect(pg.conninfo(pg.admin_db), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield dbname
    finally:
        with psycopg.connect(pg.conninfo(pg.admin_db), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')


# --------------------------------------------------------------------------------------------------
# The context a benchmark function receives
# --------------------------------------------------------------------------------------------------


@dataclass
class BenchContext:
    pg: PgSettings
    dbname: str
    quick: bool
    tmpdir: Path
    rows_so_far: list[Row] = field(default_factory=list)
    deadline: float = math.inf  # time.monotonic() after which the run's budget is spent

    @property
    def dsn(self) -> str:
        """psycopg conninfo of this benchmark's fresh database."""
        return self.pg.conninfo(self.dbname)

    def connect(self, **kwargs: Any):  # -> psycopg.Connection
        import psycopg

        return psycopg.connect(self.dsn, **kwargs)

    def duration(self, full: float, quick: float) -> float:
        """Measuring time in seconds for this mode, shortened if the run's time budget is nearly spent."""
        d = quick if self.quick else full
        left = self.deadline - time.monotonic()
        return max(min(d, left - 5.0), min(1.0, d))

    def pick(self, full: Any, quick: Any) -> Any:
        return quick if self.quick else full

    def pg_env(self) -> dict[str, str]:
        """Environment for a subprocess (pgbench, psql, a server) pointing at this benchmark's database."""
        env = dict(os.environ)
        env.update(PGHOST=self.pg.host, PGPORT=str(self.pg.port), PGUSER=self.pg.user, PGDATABASE=self.dbname)
        if self.pg.password:
            env["PGPASSWORD"] = self.pg.password
        return env

    def eventsourcing_env(self, **overrides: str) -> dict[str, str]:
        """``env`` for an ``eventsourcing`` ``Application`` that stores into this benchmark's database."""
        env = {
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": self.dbname,
            "POSTGRES_HOST": self.pg.host,
            "POSTGRES_PORT": str(self.pg.port),
            "POSTGRES_USER": self.pg.user,
            "POSTGRES_PASSWORD": self.pg.password,
        }
        env.update(overrides)
        return env

    def row_by_tag(self, tag: str) -> Row | None:
        """A row measured earlier in this run (e.g. ``pgbench_single@32``)."""
        return next((r for r in self.rows_so_far if r.tag == tag and r.value is not None), None)

    def status(self, text: str) -> None:
        status(text)


# --------------------------------------------------------------------------------------------------
# Servers and the HTTP load generator
# --------------------------------------------------------------------------------------------------


class ServerFailed(RuntimeError):
    pass


@contextlib.contextmanager
def serve(argv: Sequence[str], *, health_url: str, env: dict[str, str] | None = None,
          startup_timeout_s: float = 30.0, log_path: Path | None = None) -> Iterator[subprocess.Popen]:
    """Start a server subprocess (own session), wait until ``health_url`` answers, stop it afterwards.

    Example: ``serve([sys.executable, "-m", "uvicorn", "api.app:app", "--port", "8765"],
    health_url="http://127.0.0.1:8765/healthz", env=ctx.pg_env() | {...})``.
    Stopping sends SIGTERM to the server's own process group (the one started here), then SIGKILL after 10 s.
    """
    import httpx

    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(list(argv), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + startup_timeout_s
        while True:
            if proc.poll() is not None:
                raise ServerFailed(f"server exited with {proc.returncode} before answering {health_url}")
            try:
                if httpx.get(health_url, timeout=1.0).status_code < 500:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise ServerFailed(f"server did not answer {health_url} within {startup_timeout_s:.0f} s")
            time.sleep(0.2)
        yield proc
    finally:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
        if log_path:
            log.close()


def free_port() -> int:
    """A TCP port that was free a moment ago on 127.0.0.1."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_loadgen(url: str, *, scenario: str, concurrency: int, seconds: float, api_key: str = "",
                processes: int = 1, members: int = 10_000, member_id_template: str | None = None,
                max_requests: int = 1_000_000, warmup_s: float = 1.0, client: str | None = None) -> dict[str, Any]:
    """Drive a running server with ``python -m bench.loadgen`` in a separate process; return its JSON.

    ``client``: "raw" (the default of bench.loadgen) or "httpx"; see the ``loadgen ceiling`` baseline rows."""
    argv = [sys.executable, "-m", "bench.loadgen", "--url", url, "--scenario", scenario,
            "--concurrency", str(concurrency), "--seconds", str(seconds), "--processes", str(processes),
            "--members", str(members), "--max-requests", str(max_requests), "--warmup", str(warmup_s)]
    if client:
        argv += ["--client", client]
    if api_key:
        argv += ["--api-key", api_key]
    if member_id_template:
        argv += ["--member-id-template", member_id_template]
    status(f"HTTP {scenario}: {concurrency} connections for {seconds:.0f} s")
    out = subprocess.run(argv, capture_output=True, text=True, timeout=seconds + warmup_s + 60,
                         cwd=str(Path(__file__).resolve().parent.parent))
    if out.returncode != 0:
        raise RuntimeError(f"loadgen failed ({out.returncode}): {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout)


def loadgen_row(result: dict[str, Any], *, name: str, group: str = "http", unit: str = "requests/s",
                tag: str = "", notes: str = "") -> Row:
    bits = [f"{result.get('client', '?')} client, {result['concurrency']} connections x "
            f"{result.get('processes', 1)} process(es), "
            f"{result['ok']:,} ok in {result['elapsed_s']:.1f} s"]
    if result.get("errors"):
        bits.append(f"{result['errors']:,} errors {result.get('status_counts', {})}"
                    + (f" first: {result.get('first_error', '')[:100]}" if result.get("first_error") else ""))
    if notes:
        bits.insert(0, notes)
    return Row(name=name, group=group, unit=unit, value=result["rps"], p50_ms=result["p50_ms"],
               p99_ms=result["p99_ms"], max_ms=result["max_ms"], notes="; ".join(bits), tag=tag, extra=result)


def make_tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="bench-"))
