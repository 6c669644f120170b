"""How fast the read side is on a big log: rebuild, catch-up, audit replay, sealed-log verify.

`measure(settings, n_events)` fills the store with about `n_events` notifications shaped like the real log
(a member's enrolment with its identifiers and claims, purchases some of which earn campaign points,
a redemption, a reservation captured; a command receipt after each command, so about half the log is
receipts and claims), writing a few hundred members per `store.record(...)` transaction, then times:
- `rebuild_events_per_s`: `rebuild --all` from position zero, notifications per second;
- `catch_up_events_per_s`: the worker applying a backlog of another tenth of the log with its default batch;
- `verify_s`: checking every event against the seal written with it;
- `replay_s`: `audit replay` of every member against the balances projection.

    python -m projections.bench_read_side postgresql://postgres@127.0.0.1/bench?schema=b1 1000000
"""

from __future__ import annotations

import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Iterator

from loyalty_core import events as ev
from loyalty_core.identifiers import claim_id
from loyalty_core.ledger import open_store
from loyalty_core.settings import Settings
from projections.audit_run import replay_store, verify_store
from projections.catalog import PROJECTIONS, ReadSide
from projections.rebuild import rebuild
from projections.runner import LogReader, catch_up

START = datetime(2026, 1, 1, 2, 0, tzinfo=timezone.utc)
MEMBERS_PER_WRITE = 200


def _receipt(member_id: uuid.UUID, at: datetime, command: str) -> ev.CommandAccepted:
    key = uuid.uuid4().hex
    return ev.CommandAccepted(originator_id=uuid.uuid5(uuid.NAMESPACE_URL, f"/bench/{key}"),
                              originator_version=1, timestamp=at, scope="pos", idempotency_key=key,
                              command=command, request={"points": 1}, result={"type": "ChangeResult"},
                              member_id=member_id)


def member_history(n: int) -> list[ev.Event]:
    """One member's enrolment, five purchases, a redemption and a captured reservation, with receipts."""
    m, at = uuid.uuid4(), START + timedelta(minutes=37 * n % (60 * 24 * 60))
    channel, store = ("pos", f"S{n % 20}") if n % 3 else ("app", None)
    meta = {"originator_id": m, "channel": channel, "store_id": store}
    out: list[ev.Event] = [ev.MemberEnrolled(**meta, originator_version=1, timestamp=at, program_code="demo",
                                             tier="member", name=f"Khách {n}", birthday=None, consent={})]
    for v, (kind, value) in enumerate((("phone", f"+8490{n:07d}"), ("member_code", f"M{n:08d}")), start=2):
        out.append(ev.IdentifierLinked(**meta, originator_version=v, timestamp=at, kind=kind, value=value))
        out.append(ev.ClaimTaken(originator_id=claim_id(kind, value), originator_version=1, timestamp=at,
                                 kind=kind, value=value, member_id=m))
    out.append(_receipt(m, at, "EnrollMember"))
    for i in range(5):
        at += timedelta(days=2, hours=i)
        campaign = {"TET": 10} if (n + i) % 3 == 0 else {}
        lines = [{"rule_id": "base", "points": 100, "description_vi": "Cơ bản", "description_en": "Base"}]
        out.append(ev.PointsEarned(**meta, originator_version=4 + i, timestamp=at, lot_id=f"L{i + 1:08d}",
                                   points=100 + sum(campaign.values()), source="purchase",
                                   reference=f"{n}-{i}", occurred_at=at, pending_until=None,
                                   expires_at=at + timedelta(days=365), breakdown=lines,
                                   qualifying_spend=Decimal(1_000_000), campaign_points=campaign))
        out.append(_receipt(m, at, "RecordPurchase"))
    at += timedelta(days=1)
    out += [ev.PointsRedeemed(**meta, originator_version=9, timestamp=at, redemption_id=f"r{n}", points=50,
                              order_ref=f"o{n}", lots=[["L00000001", 50]]), _receipt(m, at, "RedeemPoints"),
            ev.PointsReserved(**meta, originator_version=10, timestamp=at, reservation_id=f"h{n}",
                              points=30, order_ref=f"p{n}", hold_until=at + timedelta(minutes=15),
                              lots=[["L00000001", 30]]),
            _receipt(m, at, "ReservePoints"),
            ev.ReservationCaptured(**meta, originator_version=11, timestamp=at, reservation_id=f"h{n}",
                                   points=30, released_points=0, released_lots=[], redemption_id=f"c{n}"),
            _receipt(m, at, "CaptureReservation")]
    return out


def _writes(n_events: int, first: int) -> Iterator[list[ev.Event]]:
    written, n = 0, first
    while written < n_events:
        batch: list[ev.Event] = []
        for _ in range(MEMBERS_PER_WRITE):
            batch += member_history(n)
            n += 1
        written += len(batch)
        yield batch


def fill(settings: Settings, n_events: int, first_member: int = 0) -> float:
    store = open_store(settings)
    started = time.perf_counter()
    try:
        for batch in _writes(n_events, first_member):
            store.record(batch)
    finally:
        store.close()
    return time.perf_counter() - started


def _timed(fn: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn(*args)
    return result, time.perf_counter() - started


def measure(settings: Settings, n_events: int, fill_first: bool = True) -> dict[str, Any]:
    """Fill (unless `fill_first` is False: measure again on a store filled before), then time each step."""
    results: dict[str, Any] = {"fill_s": round(fill(settings, n_events), 1) if fill_first else 0.0}
    report = rebuild(settings, list(PROJECTIONS))
    results["notifications"] = report.notifications
    results["rebuild_events_per_s"] = report.per_second
    backlog = max(n_events // 10, 1000)
    # New members for the backlog, numbered past every member so far (each has several notifications).
    fill(settings, backlog, first_member=report.notifications + 1)
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:  # the worker's projection work
        projections = list(side.live().values())
        started = time.perf_counter()
        applied = catch_up(LogReader.for_projections(store, projections), projections, batch_size=1000)
        results["catch_up_events_per_s"] = int(applied / (time.perf_counter() - started))
    finally:
        side.close()
        store.close()
    verification, results["verify_s"] = _timed(verify_store, settings)
    replay, results["replay_s"] = _timed(replay_store, settings)
    results.update(verified_ok=verification.ok, replay_ok=replay.ok, members=replay.members)
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in results.items()}


if __name__ == "__main__":
    again = len(sys.argv) > 3 and sys.argv[3] == "--again"
    print(measure(Settings(database_url=sys.argv[1]), int(sys.argv[2]), fill_first=not again))  # noqa: T201
