"""Baselines measured in the same run, on the same PostgreSQL, each in its own fresh database.

* pgbench: a ~300-byte single-row INSERT at 1 and 32 clients (the ratio reference is the 32-client TPS),
  and a 100-rows-per-statement INSERT reported as rows/s.
* "The design a user might pick instead": a mutable ``balances`` table updated in place plus an append-only
  ``transactions`` table, one database transaction per purchase, psycopg 3 + a connection pool.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from bench.harness import (BenchContext, Row, benchmark, free_port, latency_summary, loadgen_row, run_concurrent,
                           run_loadgen, serve, status)
from bench.report import REFERENCE_TAG

PAYLOAD_BYTES = 256  # + uuid 16 + int 4 + bigserial 8 + tuple header ~24: about 300 bytes a row
MULTI_ROWS = 100

TABLE_DDL = """
CREATE TABLE bench_events (
    id        bigserial PRIMARY KEY,
    stream_id uuid      NOT NULL,
    version   integer   NOT NULL,
    payload   bytea     NOT NULL
)
"""

# --------------------------------------------------------------------------------------------------
# pgbench
# --------------------------------------------------------------------------------------------------

_TPS = re.compile(r"^tps = ([0-9.]+) \((?:without initial connection time|excluding connections establishing)\)",
                  re.M)
_LAT_AVG = re.compile(r"^latency average = ([0-9.]+) ms", re.M)
_LAT_STD = re.compile(r"^latency stddev = ([0-9.]+) ms", re.M)
_PROCESSED = re.compile(r"^number of transactions actually processed: (\d+)", re.M)
_FAILED = re.compile(r"^number of failed transactions: (\d+)", re.M)
_CLIENTS = re.compile(r"^number of clients: (\d+)", re.M)
_DURATION = re.compile(r"^duration: (\d+) s", re.M)


def parse_pgbench_output(text: str) -> dict[str, Any]:
    """The figures of pgbench's summary. Raises ``ValueError`` when there is no ``tps = ...`` line."""
    m = _TPS.search(text)
    if not m:
        raise ValueError("no 'tps = ... (without initial connection time)' line in pgbench output")

    def grab(rx: re.Pattern[str], conv: type) -> Any:
        found = rx.search(text)
        return conv(found.group(1)) if found else None

    return {
        "tps": float(m.group(1)),
        "latency_avg_ms": grab(_LAT_AVG, float),
        "latency_stddev_ms": grab(_LAT_STD, float),
        "transactions": grab(_PROCESSED, int),
        "failed": grab(_FAILED, int) or 0,
        "clients": grab(_CLIENTS, int),
        "duration_s": grab(_DURATION, int),
    }


def parse_pgbench_log_latencies(lines: Any) -> list[float]:
    """Latencies (ms) from pgbench ``-l`` per-transaction log lines:
    ``client_id transaction_no time_us script_no time_epoch time_us_part [...]``. Failed ones are skipped."""
    out: list[float] = []
    for line in lines:
        parts = line.split()
        if len(parts) < 3 or parts[2] in ("failed", "skipped"):
            continue
        try:
            out.append(int(parts[2]) / 1000.0)
        except ValueError:
            continue
    return out


def find_pgbench() -> str | None:
    try:
        bindir = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, timeout=10).stdout.strip()
        candidate = Path(bindir) / "pgbench"
        if bindir and candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    except (OSError, subprocess.SubprocessError):
        pass
    return shutil.which("pgbench")


def _payload_hex() -> str:
    return "\\x" + os.urandom(PAYLOAD_BYTES).hex()


def single_row_script() -> str:
    return ("\\set v random(1, 1000000)\n"
            f"INSERT INTO bench_events (stream_id, version, payload) "
            f"VALUES (gen_random_uuid(), :v, '{_payload_hex()}'::bytea);\n")


def multi_row_script(rows: int = MULTI_ROWS) -> str:
    values = ",\n  ".join(f"(gen_random_uuid(), {i}, '{_payload_hex()}'::bytea)" for i in range(rows))
    return f"INSERT INTO bench_events (stream_id, version, payload) VALUES\n  {values};\n"


def run_pgbench(ctx: BenchContext, *, script: str, clients: int, threads: int, seconds: float) -> dict[str, Any]:
    """Create the table in this benchmark's database and run pgbench on it; the summary plus latencies."""
    exe = find_pgbench()
    if exe is None:
        raise FileNotFoundError("pgbench not found")
    with ctx.connect(autocommit=True) as conn:
        conn.execute(TABLE_DDL)
    script_path = ctx.tmpdir / f"script-{clients}.sql"
    script_path.write_text(script)
    log_prefix = ctx.tmpdir / f"pgbench-{clients}-log"
    secs = max(1, int(round(seconds)))
    argv = [exe, "-n", "-M", "prepared", "-f", str(script_path), "-c", str(clients), "-j", str(threads),
            "-T", str(secs), "-l", f"--log-prefix={log_prefix}", "-h", ctx.pg.host, "-p", str(ctx.pg.port),
            "-U", ctx.pg.user, ctx.dbname]
    status(f"pgbench -c {clients} -j {threads} -T {secs}")
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=secs + 120, env=ctx.pg_env(),
                          cwd=str(ctx.tmpdir))
    summary = parse_pgbench_output(proc.stdout + "\n" + proc.stderr)
    latencies: list[float] = []
    for log in ctx.tmpdir.glob(f"{log_prefix.name}*"):
        with open(log) as fh:
            latencies.extend(parse_pgbench_log_latencies(fh))
        log.unlink()
    summary.update(latency_summary(latencies))
    summary["returncode"] = proc.returncode
    summary["argv"] = " ".join(argv[1:-9])  # without the connection part
    return summary


def _pgbench_row(ctx: BenchContext, *, name: str, tag: str, script: str, clients: int, threads: int,
                 rows_per_txn: int = 1) -> Row:
    unit = "rows/s" if rows_per_txn > 1 else "txn/s"
    try:
        s = run_pgbench(ctx, script=script, clients=clients, threads=threads, seconds=ctx.duration(10, 3))
    except FileNotFoundError:
        return Row(name=name, group="baseline", unit=unit, value=None, notes="pgbench not found", tag=tag)
    notes = (f"-c {clients} -j {threads}, -M prepared, {s['transactions']:,} txns in {s['duration_s']} s, "
             f"latency avg {s['latency_avg_ms']} ms")
    if rows_per_txn > 1:
        notes = f"{rows_per_txn} rows per INSERT (TPS {s['tps']:,.0f}); latencies per statement; " + notes
    if s["failed"]:
        notes += f"; {s['failed']} failed"
    return Row(name=name, group="baseline", unit=unit, value=s["tps"] * rows_per_txn, p50_ms=s["p50_ms"],
               p99_ms=s["p99_ms"], max_ms=s["max_ms"], notes=notes, tag=tag, extra=s)


@benchmark(group="baseline", name="pgbench single-row insert @1 client")
def pgbench_single_1(ctx: BenchContext) -> Row:
    return _pgbench_row(ctx, name="pgbench single-row insert @1 client", tag="pgbench_single@1",
                        script=single_row_script(), clients=1, threads=1)


@benchmark(group="baseline", name="pgbench single-row insert @32 clients", reference=True)
def pgbench_single_32(ctx: BenchContext) -> Row:
    return _pgbench_row(ctx, name="pgbench single-row insert @32 clients", tag=REFERENCE_TAG,
                        script=single_row_script(), clients=32, threads=2)


@benchmark(group="baseline", name="pgbench multi-row insert @1 client")
def pgbench_multi_1(ctx: BenchContext) -> Row:
    return _pgbench_row(ctx, name=f"pgbench {MULTI_ROWS}-row insert @1 client", tag="pgbench_multi@1",
                        script=multi_row_script(), clients=1, threads=1, rows_per_txn=MULTI_ROWS)


# --------------------------------------------------------------------------------------------------
# The mutable-table design
# --------------------------------------------------------------------------------------------------

MEMBERS = 10_000

MUTABLE_DDL = [
    """CREATE TABLE balances (
        member_id  bigint PRIMARY KEY,
        points     bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
    )""",
    """CREATE TABLE transactions (
        id              bigserial PRIMARY KEY,
        transaction_ref text NOT NULL UNIQUE,
        member_id       bigint NOT NULL,
        points          integer NOT NULL,
        total           numeric(18, 2) NOT NULL,
        body            jsonb NOT NULL,
        created_at      timestamptz NOT NULL DEFAULT now()
    )""",
    f"INSERT INTO balances (member_id) SELECT g FROM generate_series(1, {MEMBERS}) g",
    "VACUUM ANALYZE balances",
]

INSERT_TXN = ("INSERT INTO transactions (transaction_ref, member_id, points, total, body) "
              "VALUES (%s, %s, %s, %s, %s)")
UPDATE_BALANCE = "UPDATE balances SET points = points + %s, updated_at = now() WHERE member_id = %s"
READ_BALANCE = "SELECT points FROM balances WHERE member_id = %s"


def purchase_body(member_id: int, ref: str) -> str:
    """About 300 bytes of JSON, like a one-line purchase."""
    return json.dumps({
        "transaction_ref": ref, "member_id": str(member_id), "channel": "pos", "store_id": "HCM-001",
        "occurred_at": "2025-01-01T10:00:00+07:00", "currency": "VND", "total": "125000",
        "lines": [{"sku": "SKU-0001", "category": "coffee", "quantity": 1, "unit_price": "125000",
                   "amount": "125000"}],
    })


def _setup_mutable(ctx: BenchContext) -> None:
    status(f"seeding {MEMBERS:,} members")
    with ctx.connect(autocommit=True) as conn:
        for stmt in MUTABLE_DDL:
            conn.execute(stmt)


def _mutable_purchases(ctx: BenchContext, threads: int) -> Row:
    from psycopg_pool import ConnectionPool

    _setup_mutable(ctx)
    name = f"mutable balances: purchases @{threads} thread{'s' if threads > 1 else ''}"
    with ConnectionPool(ctx.dsn, min_size=threads, max_size=threads, open=True, timeout=30) as pool:
        pool.wait(timeout=30)

        def purchase() -> None:
            member = random.randint(1, MEMBERS)
            ref = str(uuid.uuid4())
            with pool.connection() as conn:  # commits on leaving the block
                conn.execute(INSERT_TXN, (ref, member, 125, "125000", purchase_body(member, ref)))
                conn.execute(UPDATE_BALANCE, (125, member))

        res = run_concurrent(purchase, callers=threads, duration_s=ctx.duration(10, 3), max_ops=500_000,
                             warmup_s=ctx.pick(1.0, 0.3))
    return res.row(name, "baseline", "purchases/s", tag=f"mutable_purchases@{threads}",
                   notes=f"INSERT transactions + UPDATE balances, 1 txn each, psycopg pool of {threads}, "
                         f"{MEMBERS:,} random members")


@benchmark(group="baseline", name="mutable balances purchases @1")
def mutable_1(ctx: BenchContext) -> Row:
    return _mutable_purchases(ctx, 1)


@benchmark(group="baseline", name="mutable balances purchases @8")
def mutable_8(ctx: BenchContext) -> Row:
    return _mutable_purchases(ctx, 8)


@benchmark(group="baseline", name="mutable balances purchases @32")
def mutable_32(ctx: BenchContext) -> Row:
    return _mutable_purchases(ctx, 32)


@benchmark(group="baseline", name="mutable balances reads @8")
def mutable_reads_8(ctx: BenchContext) -> Row:
    from psycopg_pool import ConnectionPool

    _setup_mutable(ctx)
    threads = 8
    with ConnectionPool(ctx.dsn, min_size=threads, max_size=threads, open=True, timeout=30,
                        kwargs={"autocommit": True}) as pool:
        pool.wait(timeout=30)

        def read() -> None:
            with pool.connection() as conn:
                conn.execute(READ_BALANCE, (random.randint(1, MEMBERS),)).fetchone()

        res = run_concurrent(read, callers=threads, duration_s=ctx.duration(5, 2), max_ops=1_000_000,
                             warmup_s=ctx.pick(0.5, 0.2))
    return res.row(f"mutable balances: balance reads @{threads} threads", "baseline", "reads/s",
                   tag=f"mutable_reads@{threads}", notes="SELECT by primary key, autocommit")


# --------------------------------------------------------------------------------------------------
# What the HTTP load generator itself can drive (against a stub server that answers 200 {} at once)
# --------------------------------------------------------------------------------------------------


@benchmark(group="baseline", name="loadgen ceiling (stub server)")
def loadgen_ceiling(ctx: BenchContext) -> list[Row]:
    port = free_port()
    rows = []
    with serve([sys.executable, "-m", "bench.loadgen", "--stub-server", str(port)],
               health_url=f"http://127.0.0.1:{port}/healthz", startup_timeout_s=20):
        for client in ("raw", "httpx"):
            res = run_loadgen(f"http://127.0.0.1:{port}", scenario="purchases", concurrency=32,
                              seconds=ctx.duration(5, 2), warmup_s=ctx.pick(1.0, 0.3), client=client,
                              api_key="stub")
            rows.append(loadgen_row(res, name=f"HTTP loadgen ceiling, {client} client @32", group="baseline",
                                    tag=f"loadgen_ceiling_{client}",
                                    notes="POST purchases to a stub that answers 200 {}: the most this "
                                          "generator can measure here"))
    return rows
