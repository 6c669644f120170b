"""Imports: a member list of 100,000 rows on PostgreSQL (full run; 5,000 with --quick; 20,000 on SQLite)
through `loyalty import members`' path. `python -m bench.run --only imports` runs just these.

The file is a CSV as a chain would bring it (Vietnamese headers, a fifth of the phones in the pre-2018
11-digit numbering, opening balances with their own expiry, tiers), read and checked, then written with
group commit from 32 threads: the rate is rows written per second of the write phase; reading and checking
the file is timed separately in the notes. A second pass over the same file (everything already there)
measures what resuming or re-running costs.
"""

from __future__ import annotations

import time

from bench import ledger_support as ls
from bench.harness import BenchContext, Row, benchmark, status
from loyalty_core.migration import importer
from loyalty_core.migration.files import read_path
from api.collector import tune
from projections.pools import harden

GROUP = "imports"
HEADER = "Số điện thoại,Họ tên,Ngày sinh,Điểm,Hạng,Hạn điểm"
OLD_PREFIXES = ("0168", "0169", "0120", "0123", "0199")
TIERS = ("", "Bạc", "Vàng", "Kim Cương", "member")


def write_member_file(path, rows: int) -> None:
    with open(path, "w", encoding="utf-8-sig") as out:
        out.write(HEADER + "\n")
        for i in range(rows):
            phone = f"{OLD_PREFIXES[i % 5]}{i:07d}" if i % 5 == 0 else f"09{i:08d}"
            out.write(f"{phone},Khách hàng {i},{1 + i % 28:02d}/{1 + i % 12:02d}/19{60 + i % 40},"
                      f"{i % 5000},{TIERS[i % 5]},31/12/2099\n")


def _import(ctx: BenchContext, backend: str, rows: int) -> list[Row]:
    label = "PostgreSQL" if backend == ls.PG else "SQLite"
    path = ctx.tmpdir / "members.csv"
    write_member_file(path, rows)
    rt = ls.open_ledger(ctx, backend, pool_size=16)
    harden(getattr(rt.store.recorder, "datastore", None))  # as `loyalty import` does (loyalty_cli/imports.py)
    tune()  # the garbage collector too, as there
    try:
        t0 = time.monotonic()
        header, lines = read_path(path)
        checked = importer.check_members(rt.service, header, lines)
        check_s = time.monotonic() - t0
        assert checked.ok, checked.problems[:3]
        with ls.group_commit(rt) as batcher:
            status(f"importing {rows:,} rows")
            t1, cpu1 = time.monotonic(), time.process_time()
            report = importer.import_members(rt.service, checked, workers=32)
            write_s, write_cpu_s = time.monotonic() - t1, time.process_time() - cpu1
            per_batch = batcher.commands / max(batcher.batches, 1)
            t2 = time.monotonic()
            again = importer.import_members(rt.service, checked, workers=32)
            rerun_s = time.monotonic() - t2
        done = report.summary()
        assert done["imported"] == rows and again.summary()["already_imported"] == rows, done
        notes = (f"{label}, {rows:,} member rows with opening balances and tiers; reading + checking the file "
                 f"{check_s:.1f} s; writing {write_s:.1f} s ({per_batch:.0f} rows a commit, "
                 f"{1000 * write_cpu_s / rows:.1f} ms of this process's CPU a row); re-running the "
                 f"same file (all rows already there) {rerun_s:.1f} s = {rows / rerun_s:,.0f} rows/s")
        return [Row(name=f"import {rows:,} members {label}", group=GROUP, unit="rows/s", value=rows / write_s,
                    notes=notes, extra={"check_s": check_s, "write_s": write_s, "write_cpu_s": write_cpu_s,
                           "rerun_s": rerun_s})]
    finally:
        rt.close()


@benchmark(group=GROUP, name="import members PostgreSQL")
def import_members_pg(ctx: BenchContext) -> list[Row]:
    return _import(ctx, ls.PG, ctx.pick(100_000, 5_000))


@benchmark(group=GROUP, name="import members SQLite", quick=False)
def import_members_sqlite(ctx: BenchContext) -> list[Row]:
    return _import(ctx, ls.SQLITE, 20_000)  # the same path; fewer rows keep the full run inside its budget
