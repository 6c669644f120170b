"""For any history, every projection says what a direct fold of the events says, and a rebuild agrees.

Hypothesis drives `LoyaltyService` with random enrolments, purchases (some in the app, with campaign
points), bonuses (pending or expiring), reservations and their capture or release, redemptions,
adjustments, refunds, due work and jumps of the clock, catching the projections up at random moments and
in random batch sizes. Refusals (not enough points, a reservation already captured) are part of life
and simply write nothing.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty_core import commands as c
from loyalty_core import events as ev
from loyalty_core.errors import LoyaltyError
from loyalty_core.results import Balance
from loyalty_core.settings import Settings
from projections.catalog import PROJECTIONS
from projections.queries import ReadModels
from projections.rebuild import rebuild
from tests.builders import key, ledger
from tests.conftest import FakeClock, _new_schema
from tests.integration.test_projections_support import (campaign_totals, catch_up, channel_mix, member_events,
                                                        members, rfm_scores, with_purchases)

CHANNELS = ("pos", "web", "app", "zalo")
EVER = (date(2000, 1, 1), date(2100, 1, 1))
who = st.integers(0, 5)
points = st.integers(1, 400)
step = st.one_of(
    st.tuples(st.just("enroll"), st.sampled_from(CHANNELS)),
    st.tuples(st.just("purchase"), who, st.integers(0, 900_000), st.sampled_from(CHANNELS)),
    st.tuples(st.just("earn"), who, points, st.booleans(), st.sampled_from([None, 2, 30])),
    st.tuples(st.just("reserve"), who, points),
    st.tuples(st.just("capture"), who, st.one_of(st.none(), points)),
    st.tuples(st.just("release"), who),
    st.tuples(st.just("redeem"), who, points, st.sampled_from(CHANNELS)),
    st.tuples(st.just("adjust"), who, st.one_of(st.integers(-200, -1), st.integers(1, 200))),
    st.tuples(st.just("refund"), who, st.integers(1, 900_000)),
    st.tuples(st.just("travel"), st.integers(1, 40)),
    st.tuples(st.just("due"), who),
    st.tuples(st.just("sync"), st.integers(1, 9)),
)


class History:
    def __init__(self, url: str, clock: FakeClock):
        self.url, self.clock = url, clock
        self.members: list[c.MemberRef] = []
        self.holds: list[str] = []
        self.purchases: list[tuple[str, str]] = []

    def ref(self, i: int) -> c.MemberRef | None:
        return self.members[i % len(self.members)] if self.members else None

    def command(self, op: tuple) -> c.Command | None:
        kind, *args = op
        if kind == "enroll":
            return c.EnrollMember(idempotency_key=key(), phone=f"09{len(self.members) + 1:08d}",
                                  channel=args[0], name=f"Khách {len(self.members)}",
                                  store_id="S1" if args[0] == "pos" else None)
        if kind == "travel":
            self.clock.advance(days=args[0])
            return None
        if kind in ("capture", "release"):
            if not self.holds:
                return None
            hold = self.holds[args[0] % len(self.holds)]
            if kind == "release":
                return c.ReleaseReservation(idempotency_key=key(), reservation_id=hold)
            return c.CaptureReservation(idempotency_key=key(), reservation_id=hold, points=args[1])
        if kind == "refund" and self.purchases:
            channel, ref = self.purchases[args[0] % len(self.purchases)]
            return c.RefundPurchase(idempotency_key=key(), transaction_ref=ref, refund_ref=key("r"),
                                    amount=Decimal(args[1]), channel=channel)
        return self.member_command(kind, self.ref(args[0]) if args else None, args[1:])

    def member_command(self, kind: str, member: c.MemberRef | None, args: list) -> c.Command | None:
        if member is None:
            return None
        now = self.clock.now
        if kind == "purchase":
            self.purchases.append((args[1], key("T")))
            return c.RecordPurchase(idempotency_key=key(), member=member,
                                    transaction_ref=self.purchases[-1][1], total=Decimal(args[0]),
                                    channel=args[1])
        if kind == "earn":
            return c.EarnPoints(idempotency_key=key(), member=member, points=args[0], reference=key("b"),
                                pending_until=now + timedelta(days=3) if args[1] else None,
                                expires_at=now + timedelta(days=args[2]) if args[2] else None)
        if kind == "reserve":
            return c.ReservePoints(idempotency_key=key(), member=member, points=args[0], order_ref=key("o"),
                                   hold_seconds=86_400)
        if kind == "redeem":
            return c.RedeemPoints(idempotency_key=key(), member=member, points=args[0], order_ref=key("o"),
                                  channel=args[1])
        if kind == "adjust":
            return c.AdjustPoints(idempotency_key=key(), member=member, points=args[0], reason="sửa")
        if kind == "due":
            return c.RunDueWork(idempotency_key=key(), member=member)
        return None

    def play(self, service, steps: list[tuple]) -> None:
        for op in steps:
            if op[0] == "sync":
                catch_up(self.url, batch_size=op[1])
                continue
            command = self.command(op)
            if command is None:
                continue
            try:
                result = service.execute(command)
            except LoyaltyError:
                continue
            if isinstance(command, c.EnrollMember):
                self.members.append(c.MemberRef(member_id=result.member_id))
            elif isinstance(command, c.ReservePoints):
                self.holds.append(result.reservation_id)


def answers(models: ReadModels, member_ids: list[UUID]) -> tuple:
    per_member = tuple((models.get_balance(m),
                        [(x.version, x.kind, x.text) for x in models.list_timeline(m, limit=500).lines],
                        models.segments_of(m), [h.member_id for h in models.search_members(f"09{i + 1:08d}")])
                       for i, m in enumerate(member_ids))
    return per_member, models.get_kpis(*EVER), models.get_campaign_stats("APP_X2", *EVER)


def check_against_the_fold(url: str, clock: FakeClock) -> None:
    with ledger(url) as service:
        folded, by_member = members(service.store), member_events(service.store)
        issued, reached, redemptions, redeemed = campaign_totals(service.store)
        mix, rfm = channel_mix(service.store), rfm_scores(service.store)
    models = ReadModels.open(Settings(database_url=url), clock=clock)
    try:
        for member_id, member in folded.items():
            assert models.get_balance(member_id) == Balance.of(member)
            lines = models.list_timeline(member_id, limit=500).lines
            assert [(x.version, x.kind) for x in lines] == \
                [(e.originator_version, type(e).__name__) for e in reversed(by_member[member_id])]
            segments = models.segments_of(member_id)
            if member_id in rfm:
                assert segments[0] == f"rfm:{rfm[member_id]}"
            else:
                assert not any(s.startswith("rfm:") for s in segments)
            channels = {k for k, n in mix[member_id].items() if n}
            assert ("online_only" in segments) == (channels == {"online"})
            assert ("store_only" in segments) == (channels == {"store"})
        kpis = models.get_kpis(*EVER)
        assert kpis.points_outstanding == sum(m.points_available + m.points_pending + m.points_reserved
                                              for m in folded.values())
        assert kpis.enrolled == len(folded)
        buys = Counter({m: sum(mix[m].values()) for m in folded})
        assert (kpis.purchasers, kpis.repeat_purchasers) == (sum(1 for n in buys.values() if n),
                                                             sum(1 for n in buys.values() if n > 1))
        spenders = {e.originator_id for events in by_member.values() for e in events
                    if isinstance(e, (ev.PointsRedeemed, ev.ReservationCaptured))}
        assert kpis.redeemers == len(spenders)
        stats = models.get_campaign_stats("APP_X2", *EVER)
        assert (stats.points_issued, stats.members_reached, stats.redemptions, stats.points_redeemed) == \
            (issued, len(reached), redemptions, redeemed)
    finally:
        models.close()


def check_a_rebuild_agrees(url: str, clock: FakeClock) -> None:
    with ledger(url) as service:
        ids = sorted(members(service.store))
    models = ReadModels.open(Settings(database_url=url), clock=clock)
    try:
        before = answers(models, ids)
        rebuild(Settings(database_url=url), list(PROJECTIONS), batch_size=11)
        assert answers(models, ids) == before
    finally:
        models.close()


def run(url: str, steps: list[tuple], batch: int) -> None:
    clock = FakeClock()
    history = History(url, clock)
    with ledger(url, clock=clock) as service:
        history.play(with_purchases(service), [("enroll", "pos"), ("enroll", "app"), *steps])
    catch_up(url, batch_size=batch)
    check_against_the_fold(url, clock)
    check_a_rebuild_agrees(url, clock)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=5, max_size=40), batch=st.integers(1, 12))
def test_projections_equal_the_fold_on_sqlite(steps, batch):
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/loyalty.db", steps, batch)


@pytest.mark.postgres
def test_projections_equal_the_fold_on_postgresql(pg_database):
    @settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(steps=st.lists(step, max_size=25), batch=st.integers(1, 12))
    def on_postgres(steps, batch):
        run(f"{pg_database}?schema={_new_schema(pg_database)}", steps, batch)

    on_postgres()
