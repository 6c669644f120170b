"""The report: docs/benchmarks.md (with a preserved hand-written notes section) and bench/results/latest.json."""

from __future__ import annotations

import json
import os
import platform
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from bench.harness import PgSettings, Row

REFERENCE_TAG = "pgbench_single@32"
NOTES_START = "<!-- notes:start -->"
NOTES_END = "<!-- notes:end -->"
DEFAULT_NOTES = f"{NOTES_START}\n_Hand-written notes go here; this section is kept when the file is regenerated._\n{NOTES_END}"
PG_SETTINGS = ("fsync", "synchronous_commit", "shared_buffers", "max_connections")

# --------------------------------------------------------------------------------------------------
# Targets. Rows are found by their ``tag``; a benchmark that measures one of these sets that tag.
# --------------------------------------------------------------------------------------------------

TAG_INPROCESS_32 = "inprocess_purchases@32"  # ledger, in-process purchases on PostgreSQL, 32 callers
TAG_ONE_CMD_PER_TXN = "one_command_per_txn"  # ledger, one purchase command per transaction (save per command)
TAG_HTTP_PURCHASES = "http_purchases"  # HTTP POST /v1/transactions via bench.loadgen
TAG_HTTP_BALANCE = "http_balance_reads"  # HTTP GET /v1/members/{id}/balance via bench.loadgen
TAG_CATCHUP = "projection_catchup"  # events/s
TAG_REBUILD = "projection_rebuild"  # events/s
TAG_LOAD_10K = "load_member_10k_events"  # unit ms: time to load a member with 10,000 events
TAG_MUTABLE_32 = "mutable_purchases@32"  # baseline
TAG_HTTP_MUTABLE = "http_mutable_purchases@32"  # baseline: bench.mutable_service over HTTP, same loadgen
TAG_HTTP_PROCESSES = "http_purchases_{n}proc@32"  # ours, `loyalty serve --workers n`, members routed
TAG_HTTP_MUTABLE_PROCESSES = "http_mutable_purchases_{n}proc@32"  # the mutable service, n uvicorn processes


@dataclass
class TargetResult:
    target: str
    status: str  # "MET", "MISSED", "not measured yet"
    measured: str
    detail: str


def _pct(x: float) -> str:
    return f"{x * 100:+.0f} %"


def _ratio_target(text: str, tag: str, ref_tag: str | None, factor: float, ref_label: str,
                  p99_max_ms: float | None = None) -> Callable[[dict[str, Row]], TargetResult]:
    """value >= factor x (row ``ref_tag``), or >= factor absolute when ``ref_tag`` is None; optional p99 cap."""

    def check(rows: dict[str, Row]) -> TargetResult:
        row = rows.get(tag)
        if row is None or row.value is None:
            return TargetResult(text, "not measured yet", "—", f"needs a row tagged `{tag}`")
        if ref_tag is None:
            need = factor
            measured = f"{row.value:,.0f} {row.unit}"
        else:
            ref = rows.get(ref_tag)
            if ref is None or ref.value in (None, 0):
                return TargetResult(text, "not measured yet", f"{row.value:,.0f} {row.unit}",
                                    f"reference `{ref_tag}` missing")
            need = factor * ref.value
            measured = f"{row.value / ref.value:.2f}× {ref_label} ({row.value:,.0f} vs {ref.value:,.0f} {ref.unit})"
        ok = row.value >= need
        detail = (f"needs ≥ {need:,.0f} {row.unit}; " +
                  (f"{_pct(row.value / need - 1)} over" if ok else f"short by {need - row.value:,.0f} "
                   f"({_pct(row.value / need - 1)})"))
        if p99_max_ms is not None:
            if row.p99_ms is None:
                ok = False
                detail += "; p99 not measured"
            else:
                p99_ok = row.p99_ms < p99_max_ms
                ok = ok and p99_ok
                measured += f", p99 {row.p99_ms:.1f} ms"
                detail += (f"; p99 {row.p99_ms:.1f} ms {'<' if p99_ok else '≥'} {p99_max_ms:g} ms")
        return TargetResult(text, "MET" if ok else "MISSED", measured, detail)

    return check


def _max_ms_target(text: str, tag: str, limit_ms: float) -> Callable[[dict[str, Row]], TargetResult]:
    def check(rows: dict[str, Row]) -> TargetResult:
        row = rows.get(tag)
        if row is None or row.value is None:
            return TargetResult(text, "not measured yet", "—", f"needs a row tagged `{tag}` (unit ms)")
        ok = row.value < limit_ms
        detail = (f"{limit_ms - row.value:.2f} ms to spare" if ok
                  else f"over by {row.value - limit_ms:.2f} ms ({_pct(row.value / limit_ms - 1)})")
        return TargetResult(text, "MET" if ok else "MISSED", f"{row.value:.2f} ms", detail)

    return check


TARGETS: list[Callable[[dict[str, Row]], TargetResult]] = [
    _ratio_target("In-process purchases on PostgreSQL @32 callers ≥ 1.0× pgbench@32", TAG_INPROCESS_32,
                  REFERENCE_TAG, 1.0, "pgbench@32"),
    _ratio_target("In-process purchases @32 ≥ 10× the one-command-per-transaction rate", TAG_INPROCESS_32,
                  TAG_ONE_CMD_PER_TXN, 10.0, "one-command-per-txn"),
    _ratio_target("HTTP purchases ≥ 0.5× pgbench@32 with p99 < 50 ms", TAG_HTTP_PURCHASES, REFERENCE_TAG, 0.5,
                  "pgbench@32", p99_max_ms=50.0),
    _ratio_target("Balance reads ≥ 3,000/s with p99 < 10 ms", TAG_HTTP_BALANCE, None, 3000.0, "",
                  p99_max_ms=10.0),
    _ratio_target("Projection catch-up ≥ 30,000 events/s", TAG_CATCHUP, None, 30_000.0, ""),
    _ratio_target("Projection rebuild ≥ 30,000 events/s", TAG_REBUILD, None, 30_000.0, ""),
    _max_ms_target("A member with 10,000 events loads in < 5 ms", TAG_LOAD_10K, 5.0),
    _ratio_target("At least as fast as the mutable-table design (purchases @32)", TAG_INPROCESS_32,
                  TAG_MUTABLE_32, 1.0, "mutable@32"),
    _ratio_target("HTTP purchases @32 ≥ 1.0× the mutable-table FastAPI service, same run, p99 < 50 ms",
                  TAG_HTTP_PURCHASES, TAG_HTTP_MUTABLE, 1.0, "mutable HTTP@32", p99_max_ms=50.0),
    _ratio_target("HTTP purchases @32 with 2 processes ≥ 1.8× with 1 (members routed to their owner)",
                  TAG_HTTP_PROCESSES.format(n=2), TAG_HTTP_PROCESSES.format(n=1), 1.8, "1 process"),
    _ratio_target("HTTP purchases @32 with 2 processes ≥ 1.0× the mutable-table service with 2, p99 < 50 ms",
                  TAG_HTTP_PROCESSES.format(n=2), TAG_HTTP_MUTABLE_PROCESSES.format(n=2), 1.0,
                  "mutable HTTP, 2 processes", p99_max_ms=50.0),
]


def evaluate_targets(rows: Sequence[Row]) -> list[TargetResult]:
    by_tag: dict[str, Row] = {}
    for r in rows:
        if r.tag and r.value is not None:
            by_tag.setdefault(r.tag, r)
    return [t(by_tag) for t in TARGETS]


# --------------------------------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------------------------------


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                kb = int(line.split()[1])
                return f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError):
        pass
    return "unknown"


def _version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "not installed"


def collect_environment(pg: PgSettings) -> dict[str, Any]:
    import psycopg

    env: dict[str, Any] = {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory": _mem_total(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "eventsourcing": _version("eventsourcing"),
        "psycopg": f"{psycopg.__version__} ({psycopg.pq.__impl__})",
        "psycopg_pool": _version("psycopg-pool"),
        "postgres_host": f"{pg.host}:{pg.port}",
    }
    try:
        with psycopg.connect(pg.conninfo(pg.admin_db), autocommit=True, connect_timeout=5) as conn:
            env["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
            env["pg_settings"] = {s: conn.execute(f"SHOW {s}").fetchone()[0] for s in PG_SETTINGS}
    except psycopg.Error as exc:
        env["postgresql"] = f"unreachable ({exc})"
        env["pg_settings"] = {}
    from bench.baselines import find_pgbench

    exe = find_pgbench()
    if exe:
        import subprocess

        try:
            env["pgbench"] = subprocess.run([exe, "--version"], capture_output=True, text=True,
                                            timeout=10).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            env["pgbench"] = exe
    else:
        env["pgbench"] = "not found"
    return env


# --------------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------------


def fmt_value(v: float | None) -> str:
    if v is None:
        return "—"
    if abs(v) >= 100:
        return f"{v:,.0f}"
    if abs(v) >= 10:
        return f"{v:,.1f}"
    return f"{v:,.2f}"


def fmt_ms(v: float | None) -> str:
    if v is None:
        return "—"
    return f"{v:.1f} ms" if v >= 10 else f"{v:.2f} ms"


def ratio_text(row: Row, ref: float | None) -> str:
    if row.value is None or not row.is_rate or not ref:
        return "—"
    return f"{row.value / ref:.2f}×"


def reference_value(rows: Sequence[Row]) -> float | None:
    return next((r.value for r in rows if r.tag == REFERENCE_TAG and r.value), None)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(rows: Sequence[Row], env: dict[str, Any], targets: Sequence[TargetResult], *,
                    notes_block: str = DEFAULT_NOTES, mode: str = "full", total_s: float | None = None) -> str:
    ref = reference_value(rows)
    out: list[str] = []
    out.append("# Benchmarks\n")
    out.append("_Generated by `python -m bench.run` (`make bench`). Everything outside the notes section is "
               "rewritten on each run; edit only between the notes markers._\n")
    run_line = f"- Run: {env.get('date', '?')}, mode **{mode}**"
    if total_s is not None:
        run_line += f", {total_s:.0f} s in total"
    out.append("## Machine and versions\n")
    out.append(run_line)
    out.append(f"- CPU: {env.get('cpu_model', '?')}, {env.get('cpu_count', '?')} cores "
               f"({env.get('cpus_usable', '?')} usable); memory {env.get('memory', '?')}; {env.get('os', '')}")
    out.append(f"- Python {env.get('python', '?')}, PostgreSQL {env.get('postgresql', '?')} "
               f"at {env.get('postgres_host', '?')}, eventsourcing {env.get('eventsourcing', '?')}, "
               f"psycopg {env.get('psycopg', '?')}, psycopg-pool {env.get('psycopg_pool', '?')}, "
               f"{env.get('pgbench', 'pgbench ?')}")
    settings = env.get("pg_settings") or {}
    if settings:
        out.append("- PostgreSQL settings: " + ", ".join(f"`{k}={v}`" for k, v in settings.items()))
    out.append("")
    out.append("## Results\n")
    if ref:
        out.append(f"Ratios are to the pgbench single-row INSERT rate at 32 clients measured in this run "
                   f"(**{ref:,.0f} txn/s**), so they compare across machines. Each benchmark runs in its own "
                   f"fresh database on the same server, one after another.\n")
    else:
        out.append("The pgbench reference (single-row INSERT @32 clients) was not measured in this run, "
                   "so there are no ratios.\n")
    out.append("| group | benchmark | value | unit | ratio to pgbench single-row @32 | p50 | p99 | max | notes |")
    out.append("|---|---|--:|---|--:|--:|--:|--:|---|")
    for r in rows:
        out.append("| " + " | ".join(_cell(c) for c in (
            r.group, r.name, fmt_value(r.value), r.unit, ratio_text(r, ref), fmt_ms(r.p50_ms), fmt_ms(r.p99_ms),
            fmt_ms(r.max_ms), r.notes)) + " |")
    out.append("")
    out.append("## Targets\n")
    out.append("| target | status | measured | detail |")
    out.append("|---|---|---|---|")
    for t in targets:
        status = {"MET": "**MET**", "MISSED": "**MISSED**"}.get(t.status, t.status)
        out.append(f"| {_cell(t.target)} | {status} | {_cell(t.measured)} | {_cell(t.detail)} |")
    out.append("")
    out.append("## Notes\n")
    out.append(notes_block)
    out.append("")
    return "\n".join(out)


def extract_notes(existing: str | None) -> str:
    """The hand-written block (markers included) of an existing report, or the default block."""
    if existing:
        m = re.search(re.escape(NOTES_START) + r".*?" + re.escape(NOTES_END), existing, re.S)
        if m:
            return m.group(0)
    return DEFAULT_NOTES


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_report(rows: Sequence[Row], env: dict[str, Any], *, md_path: Path, json_path: Path,
                 mode: str = "full", total_s: float | None = None, argv: Sequence[str] = ()) -> list[TargetResult]:
    targets = evaluate_targets(rows)
    existing = md_path.read_text(encoding="utf-8") if md_path.exists() else None
    md = render_markdown(rows, env, targets, notes_block=extract_notes(existing), mode=mode, total_s=total_s)
    _atomic_write(md_path, md)
    ref = reference_value(rows)
    payload = {
        "environment": env,
        "mode": mode,
        "argv": list(argv),
        "total_s": total_s,
        "reference_tag": REFERENCE_TAG,
        "reference_value": ref,
        "rows": [dict(r.to_dict(), ratio_to_reference=(r.value / ref if (ref and r.value is not None and r.is_rate)
                                                       else None)) for r in rows],
        "targets": [t.__dict__ for t in targets],
    }
    _atomic_write(json_path, json.dumps(payload, indent=2, default=str) + "\n")
    return targets
