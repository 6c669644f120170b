"""What sealing every event in its own transaction costs on the write path.

The same purchases (`RecordPurchase` on a random member of 1,000, the demo program), one command per
transaction at 8 callers, with the sealing recorder (`loyalty_core/sealing.py`, what production runs) and
with the library's plain recorder, back to back on PostgreSQL (two schemas of this benchmark's database)
and on SQLite (two files). Each sealed row is quoted against its unsealed twin.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta
from typing import Any, Iterator
from unittest import mock

from bench import ledger_support as ls
from bench.harness import BenchContext, Row, benchmark, run_concurrent, status
from loyalty_core import sealing
from loyalty_core.runtime import open_runtime
from loyalty_core.service import utc_now
from loyalty_core.settings import Settings

GROUP = "ledger"
MEMBERS = 1_000
CALLERS = 8


@contextlib.contextmanager
def _unsealed() -> Iterator[None]:
    """Open a store with the library's own recorder (for this comparison only)."""
    with mock.patch.object(sealing, "sealed_env", lambda env: env), \
            mock.patch.object(sealing, "check_recorder", lambda recorder, dialect: None):
        yield


def _url(ctx: BenchContext, backend: str, variant: str) -> str:
    if backend == ls.SQLITE:
        return f"sqlite:///{(ctx.tmpdir / f'{variant}.db').resolve()}"
    with ctx.connect(autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{variant}"')
    return f"{ls.database_url(ctx, ls.PG)}?schema={variant}"


def _rate(ctx: BenchContext, backend: str, variant: str) -> Any:
    opening = _unsealed() if variant == "unsealed" else contextlib.nullcontext()
    with opening:
        rt = open_runtime(Settings(database_url=_url(ctx, backend, variant), pool_size=CALLERS))
    try:
        rt.service.policy.install_demo(utc_now() - timedelta(days=1))
        status(f"{variant}: enrolling {MEMBERS:,} members")
        members = ls.enrol(rt, MEMBERS)
        rng = ls.thread_rng()
        return run_concurrent(lambda: rt.service.execute(ls.purchase_command(members, rng())),
                              callers=CALLERS, duration_s=ctx.duration(full=7, quick=2), max_ops=200_000,
                              warmup_s=ctx.pick(1.0, 0.3))
    finally:
        rt.close()


def _compare(ctx: BenchContext, backend: str) -> list[Row]:
    label = "PostgreSQL" if backend == ls.PG else "SQLite"
    plain = _rate(ctx, backend, "unsealed")
    sealed = _rate(ctx, backend, "sealed")
    ratio = sealed.throughput / plain.throughput if plain.throughput else 0.0
    notes = f"{label}, one command per txn, {MEMBERS:,} members, RecordPurchase"
    if backend == ls.PG:
        # Production's sealing recorder also writes a batch in one prepared statement (fast_recorder.py),
        # where the library's plain recorder pipelines several: the ratio is sealing and that together.
        notes += ("; sealed: loyalty_core/fast_recorder.py (one statement a batch), unsealed: the library's "
                  "recorder")
    with_seals = sealed.row(f"purchases {label} sealed @{CALLERS}", GROUP, "purchases/s",
                            notes=f"{ratio:.2f}× unsealed ({plain.throughput:,.0f}/s); {notes}")
    with_seals.extra["ratio_to_unsealed"] = ratio
    return [plain.row(f"purchases {label} unsealed @{CALLERS}", GROUP, "purchases/s", notes=notes), with_seals]


@benchmark(group=GROUP, name="sealing cost on PostgreSQL (sealed vs unsealed purchases)")
def sealing_pg(ctx: BenchContext) -> list[Row]:
    return _compare(ctx, ls.PG)


@benchmark(group=GROUP, name="sealing cost on SQLite (sealed vs unsealed purchases)")
def sealing_sqlite(ctx: BenchContext) -> list[Row]:
    return _compare(ctx, ls.SQLITE)
