"""Helpers for bench/ledger.py: a ledger runtime on the benchmark's database, members enrolled and loaded with
points up front (not timed), and the commands the benchmarks send.

Setup is decided by the real service and written in batches, so the stored events, claims, receipts and
snapshots are those production writes; none of it is timed.
"""

from __future__ import annotations

import contextlib
import copy
import itertools
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote
from uuid import UUID

from bench.harness import BenchContext, status
from loyalty_core import commands as c
from loyalty_core import events as ev
from loyalty_core.batching import BatchView
from loyalty_core.decide import Cause, Change
from loyalty_core.errors import WriteConflict
from loyalty_core.member import lot_for_earn
from loyalty_core.runtime import Runtime, open_runtime
from loyalty_core.service import enable_group_commit, utc_now
from loyalty_core.settings import Settings
from projections.pools import harden

PG, SQLITE = "postgresql", "sqlite"
_RUN = f"{os.getpid()}-{int(time.time())}"
_REFS = itertools.count(1)  # next() on itertools.count is atomic under the GIL


def unique_ref(prefix: str) -> str:
    return f"{prefix}-{_RUN}-{next(_REFS)}"


def database_url(ctx: BenchContext, backend: str) -> str:
    if backend == PG:
        auth = quote(ctx.pg.user, safe="")
        if ctx.pg.password:
            auth += ":" + quote(ctx.pg.password, safe="")
        return f"postgresql://{auth}@{ctx.pg.host}:{ctx.pg.port}/{ctx.dbname}"
    return f"sqlite:///{(ctx.tmpdir / 'ledger.db').resolve()}"


def open_ledger(ctx: BenchContext, backend: str, *, pool_size: int = 16) -> Runtime:
    """The real runtime (program policy installed, pools checked as the server checks them) on this
    benchmark's fresh database, the demo program in force since yesterday. PostgreSQL: ``pool_size``
    connections plus as many again on overflow."""
    rt = open_runtime(Settings(database_url=database_url(ctx, backend), pool_size=pool_size))
    # Pooled connections checked as `loyalty serve` checks them (a socket poll for one lent moments ago,
    # projections/pools.py), not by the library's pre-ping, a round trip per checkout that no server makes.
    harden(getattr(rt.store.recorder, "datastore", None))
    rt.service.policy.install_demo(utc_now() - timedelta(days=1))
    return rt


@contextlib.contextmanager
def group_commit(rt: Runtime) -> Iterator[Any]:
    """Group commit on for the duration of the block; its threads are stopped afterwards."""
    enable_group_commit(rt.service)
    batcher = rt.service.batcher
    try:
        yield batcher
    finally:
        batcher.close()
        rt.service.batcher = None


def phone_of(i: int) -> str:
    return f"090{i:07d}"


@dataclass
class Members:
    ids: list[UUID]
    phones: list[str]

    def pick(self, rng: random.Random) -> int:
        return rng.randrange(len(self.ids))


def enrol(rt: Runtime, n: int, *, points: int = 0, batch: int = 250, timeout_s: float = 120.0) -> Members:
    """``n`` members (phones 090xxxxxxx), each optionally credited ``points`` by one ``EarnPoints``.
    Not timed.

    The commands are decided by the service, ``batch`` to a transaction, as the group committer does, except
    that claims are not read back from the database: it is fresh and every phone, member code and QR token
    is new (a clash would still make the write fail). Same events, claims and receipts as
    ``service.execute`` writes, in a fraction of the time."""
    enrolments = [c.EnrollMember(idempotency_key=unique_ref("enrol"), phone=phone_of(i), channel="pos")
                  for i in range(n)]
    results = write_decided(rt, enrolments, batch=batch, timeout_s=timeout_s, label="enrolling")
    ids = [r.member_id for r in results]
    if points:
        write_decided(rt, [c.EarnPoints(idempotency_key=unique_ref("load"), member=c.MemberRef(member_id=m),
                                        points=points, reference=unique_ref("load"), source="migration")
                           for m in ids], batch=batch, timeout_s=timeout_s, label="crediting points")
    return Members(ids=ids, phones=[phone_of(i) for i in range(n)])


class _FreshView(BatchView):
    """A batch's view of a database this setup alone writes to: claims are only those it took itself."""

    def load_claim(self, claim_id: UUID) -> Any:
        return self.claims.get(claim_id)


def write_decided(rt: Runtime, commands: Sequence[c.Command], *, batch: int, timeout_s: float,
                  label: str) -> list[Any]:
    """Decide ``commands`` in order (each on the state the previous ones left) and write them ``batch`` to a
    transaction; afterwards the service keeps the states warm and snapshots as after any commit."""
    svc = rt.service
    deadline = time.monotonic() + timeout_s
    results: list[Any] = []
    for start in range(0, len(commands), batch):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{label}: setup took longer than {timeout_s:.0f} s")
        view = _FreshView(svc.store)
        local = copy.copy(svc)
        local.store, local.batcher = view, None
        plans = []
        for command in commands[start:start + batch]:
            plan = local.plan(svc.prepare(command))
            view.absorb(plan.events, plan.member)
            plans.append(plan)
        try:
            svc.store.record([e for plan in plans for e in plan.events])
        except WriteConflict:
            # A random code (member code, QR token) another batch of this setup already took: 100,000
            # enrolments draw a taken 8-character member code about one run in seven. Nothing of the batch
            # was written; the service decides each of its commands again, reading the claims.
            results += [svc.execute(command) for command in commands[start:start + batch]]
        else:
            for plan in plans:
                svc.committed(plan)
                results.append(plan.result)
        status(f"setup: {label} {len(results):,}/{len(commands):,}")
    return results


def long_history(rt: Runtime, member_id: UUID, versions: int, *, batch: int = 1000,
                 apart: bool = False) -> Any:
    """Take the member to ``versions`` events with ``PointsEarned`` (10 points, source bonus, as an
    ``EarnPoints`` decides them), written ``batch`` at a time, and the snapshot the service writes at the
    last multiple of its snapshot interval. Not timed.

    The earns join one lot as the service decides (`lot_for_earn`: same source, never pending, no expiry).
    With ``apart``, each lot expires a second after the one before (a `per_lot` expiry's exact instants),
    so none can join and the member keeps one open lot per earn: the worst case for its state's size.

    Why not ``service.execute``: every command scans all open lots (balance, next due time, ceiling) and
    every snapshot copies the whole state, so 10,000 earns on one member through the service take minutes
    when the lots stay apart; the events and the newest snapshot (the only one a load reads) are the same."""
    svc, store = rt.service, rt.store
    member = store.load_member(member_id)
    now = utc_now()
    change = Change(member, now, Cause("pos", "HCM-01", "bench"))
    pending: list[Any] = []
    while change.version < versions:
        n = change.version + 1
        expires_at = now + timedelta(days=365, seconds=n) if apart else None
        lot_id = lot_for_earn(change.current, source="bonus", pending_until=None, expires_at=expires_at)
        pending.append(change.add(ev.PointsEarned, lot_id=lot_id, points=10, source="bonus",
                                  reference=f"bonus-{n}", occurred_at=now, pending_until=None,
                                  expires_at=expires_at))
        if len(pending) == batch or change.version == versions:
            store.record(pending)
            pending = []
            status(f"setup: {change.version:,}/{versions:,} events")
    member = change.current
    interval = svc.snapshot_interval
    if interval and member.version // interval:
        at = (member.version // interval) * interval
        snap = member if at == member.version else store.load_member_at(member_id, at)
        store.snapshot(snap)
    store.remember(member)
    return member


# --------------------------------------------------------------------------------------------------
# The commands the benchmarks send
# --------------------------------------------------------------------------------------------------

_COFFEE = (("CF-DEN", 29_000), ("CF-SUA", 35_000), ("CF-MUOI", 45_000), ("BAC-XIU", 39_000))
_FOOD = (("BANH-MI", 25_000), ("CROISSANT", 42_000), ("TIRAMISU", 55_000))


def purchase_command(members: Members, rng: random.Random) -> c.RecordPurchase:
    """A POS sale to a random member: one or two coffees, sometimes something to eat (the stamp card and the
    tier and weekend rules all run)."""
    ref = unique_ref("T")
    sku, price = rng.choice(_COFFEE)
    qty = rng.randint(1, 2)
    lines = [c.PurchaseLineInput(sku=sku, category="coffee", quantity=qty, unit_price=Decimal(price),
                                 amount=Decimal(price * qty))]
    if rng.random() < 0.5:
        sku, price = rng.choice(_FOOD)
        lines.append(c.PurchaseLineInput(sku=sku, category="food", quantity=1, unit_price=Decimal(price),
                                         amount=Decimal(price)))
    total = sum((line.amount for line in lines), Decimal(0))
    return c.RecordPurchase(idempotency_key=ref, member=c.MemberRef(member_id=members.ids[members.pick(rng)]),
                            transaction_ref=ref, total=total, channel="pos", store_id="HCM-01",
                            actor="till-1", lines=tuple(lines))


def redeem_command(members: Members, rng: random.Random) -> c.RedeemPoints:
    ref = unique_ref("R")
    return c.RedeemPoints(idempotency_key=ref, member=c.MemberRef(member_id=members.ids[members.pick(rng)]),
                          order_ref=ref, points=rng.randint(1, 20), channel="pos", store_id="HCM-01")


def pos_mix(rt: Runtime, members: Members, rng: random.Random) -> None:
    """POS level 1: find the member by phone, reserve 10 points, capture them."""
    svc = rt.service
    found = svc.member_summary(c.MemberRef(phone=members.phones[members.pick(rng)]))
    ref = unique_ref("O")
    reserved = svc.execute(c.ReservePoints(idempotency_key=ref, member=c.MemberRef(member_id=found.member_id),
                                           points=10, order_ref=ref, channel="pos", store_id="HCM-01"))
    svc.execute(c.CaptureReservation(idempotency_key=f"{ref}/capture", reservation_id=reserved.reservation_id,
                                     channel="pos", store_id="HCM-01"))


def thread_rng() -> Callable[[], random.Random]:
    """A per-thread ``random.Random`` (seeded per thread), for the callers of ``run_concurrent``."""
    local = threading.local()
    seeds = itertools.count(1)

    def get() -> random.Random:
        rng = getattr(local, "rng", None)
        if rng is None:
            rng = local.rng = random.Random(next(seeds))
        return rng

    return get
