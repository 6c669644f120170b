"""Run the registered benchmarks: ``python -m bench.run [--only SUBSTR] [--quick]`` (``make bench``).

All benchmarks run in this one process, one after another, against the same PostgreSQL; each gets its own
fresh database ``bench_<name>_<pid>`` that is dropped afterwards. Modules are found in the ``bench`` package:
``bench.baselines`` first, then every other module (alphabetically, `RUN_LAST` at the end) except the framework ones.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import shutil
import sys
import time
import traceback
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

import bench
from bench import harness
from bench.harness import REGISTRY, BenchContext, Benchmark, PgSettings, Row, fresh_database, make_tmpdir
from bench.report import collect_environment, fmt_ms, fmt_value, ratio_text, reference_value, write_report

ROOT = Path(__file__).resolve().parent.parent
MD_PATH = ROOT / "docs" / "benchmarks.md"
JSON_PATH = ROOT / "bench" / "results" / "latest.json"
FRAMEWORK_MODULES = {"harness", "run", "report", "loadgen", "baselines"}
BUDGET_S = {"full": 900.0, "quick": 180.0}
#: A quick run records beside the full report, never over it (docs/benchmarks.md is the full run's).
QUICK_MD_PATH = ROOT / "bench" / "results" / "quick.md"
QUICK_JSON_PATH = ROOT / "bench" / "results" / "quick.json"
# Personal data is sealed under a key-encryption key, which a PostgreSQL store refuses to open without
# (docs/privacy.md). The benchmarks' stores are scratch databases, so a fixed bench-only secret serves;
# an operator's own LOYALTY_KEK / LOYALTY_KEK_FILE wins.
if not os.environ.get("LOYALTY_KEK_FILE"):
    os.environ.setdefault("LOYALTY_KEK", "bench-only-key-encryption-secret-not-for-production")


RUN_LAST = ("scheduled_work", "migration")
"""Modules run after all the others, in this order: the run-due index build (2–5 minutes here) and the
100,000-row import (~7 minutes) each left no budget for the sealing rows when they ran before them, and the
speed issue needs those (the budget skips what would start after it)."""


def _run_order(module: pkgutil.ModuleInfo) -> tuple[int, str]:
    return (RUN_LAST.index(module.name) + 1 if module.name in RUN_LAST else 0, module.name)


def load_benchmark_modules() -> None:
    importlib.import_module("bench.baselines")
    for info in sorted(pkgutil.iter_modules(bench.__path__), key=_run_order):
        if info.name not in FRAMEWORK_MODULES and not info.name.startswith("_"):
            importlib.import_module(f"bench.{info.name}")


def select(benchmarks: Iterable[Benchmark], only: str | None, quick: bool) -> list[Benchmark]:
    chosen = []
    for b in benchmarks:
        if quick and not b.quick and not b.reference:
            continue
        if only and only.lower() not in b.key.lower() and not b.reference:
            continue
        chosen.append(b)
    return chosen


def _as_rows(result: object, b: Benchmark) -> list[Row]:
    if result is None:
        return []
    if isinstance(result, Row):
        return [result]
    rows = list(result)  # type: ignore[call-overload]
    for r in rows:
        if not isinstance(r, Row):
            raise TypeError(f"{b.key} returned {type(r).__name__}, not Row")
    return rows


def run_one(b: Benchmark, pg: PgSettings, quick: bool, rows_so_far: list[Row], deadline: float) -> list[Row]:
    tmpdir = make_tmpdir()
    try:
        with fresh_database(pg, b.key) as dbname:
            ctx = BenchContext(pg=pg, dbname=dbname, quick=quick, tmpdir=tmpdir, rows_so_far=rows_so_far,
                               deadline=deadline)
            return _as_rows(b.fn(ctx), b)
    except KeyboardInterrupt:
        raise
    except Exception as exc:  # noqa: BLE001 - one broken benchmark must not stop the others
        traceback.print_exc(file=sys.stderr)
        return [Row(name=b.name, group=b.group, unit="", value=None,
                    notes=f"error: {type(exc).__name__}: {str(exc)[:200]}")]
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", metavar="SUBSTR", help="run only benchmarks whose group/name contains SUBSTR "
                        "(the pgbench @32 reference always runs)")
    parser.add_argument("--quick", action="store_true", help="short runs (about 2 minutes in all)")
    parser.add_argument("--budget", type=float, default=None, metavar="SECONDS",
                        help="total time budget; benchmarks that would start after it are skipped "
                             "(default 900, 180 with --quick)")
    parser.add_argument("--list", action="store_true", help="list the registered benchmarks and exit")
    parser.add_argument("--no-write", action="store_true", help="do not write docs/benchmarks.md or latest.json")
    args = parser.parse_args(argv)

    console = Console(stderr=True)
    if not console.is_terminal:
        console = Console(stderr=True, width=160)
    load_benchmark_modules()
    mode = "quick" if args.quick else "full"
    chosen = select(REGISTRY, args.only, args.quick)
    if args.list:
        for b in chosen:
            console.print(f"{b.key}{'  (reference)' if b.reference else ''}{'' if b.quick else '  (full only)'}")
        return 0

    pg = PgSettings()
    env = collect_environment(pg)
    if str(env.get("postgresql", "")).startswith("unreachable"):
        console.print(f"[red]PostgreSQL {env['postgres_host']} is {env['postgresql']}[/red]")
        return 2

    budget = args.budget if args.budget is not None else BUDGET_S[mode]
    started = time.monotonic()
    deadline = started + budget
    rows: list[Row] = []

    progress = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                        TimeElapsedColumn(), console=console, transient=False)
    with progress:
        overall = progress.add_task("benchmarks", total=len(chosen))
        for i, b in enumerate(chosen, 1):
            label = f"[{i}/{len(chosen)}] {b.key}"
            if time.monotonic() > deadline - 5:
                rows.append(Row(name=b.name, group=b.group, unit="", value=None,
                                notes=f"skipped: time budget of {budget:.0f} s spent"))
                progress.advance(overall)
                continue
            progress.update(overall, description=label)
            harness.set_status_hook(lambda text, label=label: progress.update(overall,
                                                                              description=f"{label}: {text}"))
            t0 = time.monotonic()
            new_rows = run_one(b, pg, args.quick, rows, deadline)
            harness.set_status_hook(None)
            rows.extend(new_rows)
            for r in new_rows:
                progress.console.print(f"  {r.group}/{r.name}: [bold]{fmt_value(r.value)}[/bold] {r.unit}"
                                       f"  p99 {fmt_ms(r.p99_ms)}  ({time.monotonic() - t0:.0f} s)"
                                       + (f"  [yellow]{r.notes}[/yellow]" if r.value is None else ""))
            progress.advance(overall)
        progress.update(overall, description="done")

    total_s = time.monotonic() - started
    ref = reference_value(rows)
    table = Table(title=f"Benchmarks ({mode}, {total_s:.0f} s)")
    for col in ("group", "benchmark", "value", "unit", "× pgbench@32", "p50", "p99", "max"):
        table.add_column(col, justify="right" if col not in ("group", "benchmark", "unit") else "left")
    for r in rows:
        table.add_row(r.group, r.name, fmt_value(r.value), r.unit, ratio_text(r, ref), fmt_ms(r.p50_ms),
                      fmt_ms(r.p99_ms), fmt_ms(r.max_ms))
    console.print(table)

    if not args.no_write:
        mode_text = mode + (f", --only {args.only}" if args.only else "")
        md_path, json_path = (QUICK_MD_PATH, QUICK_JSON_PATH) if args.quick else (MD_PATH, JSON_PATH)
        targets = write_report(rows, env, md_path=md_path, json_path=json_path, mode=mode_text, total_s=total_s,
                               argv=sys.argv[1:] if argv is None else argv)
        for t in targets:
            colour = {"MET": "green", "MISSED": "red"}.get(t.status, "dim")
            console.print(f"[{colour}]{t.status:>16}[/{colour}]  {t.target}  {t.measured}")
        console.print(f"wrote {md_path.relative_to(ROOT)} and {json_path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
