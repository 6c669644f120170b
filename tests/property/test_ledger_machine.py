"""A hypothesis state machine drives every ledger command, with retries and time travel, against a small
in-memory oracle, on SQLite and on PostgreSQL. The oracle is deliberately naive: a list of lots it scans
by brute force, so a clever bug in the real fold cannot hide behind the same cleverness here."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, precondition, rule

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core.ledger import open_store
from loyalty_core.service import LoyaltyService, enable_group_commit
from loyalty_core.settings import Settings
from tests.builders import assert_cached_values_are_fresh

_phones = itertools.count(1_000_000)
_keys = itertools.count()


class Oracle:
    def __init__(self):
        self.lots: list[dict] = []  # {"n", "left", "exp", "pend"}
        self.holds: dict[str, dict] = {}  # reservation -> {"points", "until", "moves"}
        self.closed: dict[str, str] = {}
        self.redemptions: dict[str, list] = {}
        self.expired = self.earned = self.redeemed = 0

    def due(self, now):
        for rid, hold in sorted(self.holds.items()):
            if hold["until"] <= now:
                self._give_back(hold["moves"])
                del self.holds[rid]
                self.closed[rid] = "timed_out"
        for lot in self.lots:
            if lot["pend"] is not None and lot["pend"] <= now:
                lot["pend"] = None
        for lot in self.lots:
            if lot["pend"] is None and lot["exp"] is not None and lot["exp"] <= now and lot["left"] > 0:
                self.expired += lot["left"]
                lot["left"] = 0

    def available(self):
        return sum(lot["left"] for lot in self.lots if lot["pend"] is None)

    def pending(self):
        return sum(lot["left"] for lot in self.lots if lot["pend"] is not None)

    def reserved(self):
        return sum(h["points"] for h in self.holds.values())

    def take(self, points):
        order = sorted((lot for lot in self.lots if lot["pend"] is None and lot["left"] > 0),
                       key=lambda lot: (lot["exp"] or datetime.max.replace(tzinfo=timezone.utc), lot["n"]))
        moves = []
        for lot in order:
            if points == 0:
                break
            t = min(lot["left"], points)
            lot["left"] -= t
            points -= t
            moves.append((lot, t))
        return moves

    def _give_back(self, moves):
        for lot, t in moves:
            lot["left"] += t


class LedgerMachine(RuleBasedStateMachine):
    database_url: str = ""
    group_commit: bool = False
    reservations = Bundle("reservations")
    redemptions = Bundle("redemptions")

    @initialize()
    def start(self):
        self.now = datetime(2026, 1, 1, tzinfo=timezone.utc)
        self.store = open_store(Settings(database_url=self.database_url, snapshot_interval=5, pool_size=2))
        self.service = LoyaltyService(self.store, clock=lambda: self.now, snapshot_interval=5)
        if self.group_commit:
            enable_group_commit(self.service)
        phone = f"09{next(_phones):08d}"
        self.member = c.MemberRef(member_id=self.service.execute(
            c.EnrollMember(idempotency_key=f"enrol-{phone}", phone=phone)).member_id)
        self.oracle = Oracle()
        self.last = None

    def teardown(self):
        if self.service.batcher:
            self.service.batcher.close()
        self.store.close()

    def run(self, command):
        self.oracle.due(self.now)
        result = self.service.execute(command)
        self.last = command  # only an accepted command has a receipt to replay
        return result

    @rule(points=st.integers(1, 500), expires=st.none() | st.integers(1, 90), pending=st.none() | st.integers(1, 10))
    def earn(self, points, expires, pending):
        result = self.run(c.EarnPoints(idempotency_key=f"k{next(_keys)}", member=self.member, points=points,
                                       reference="r", expires_at=self.now + timedelta(days=expires) if expires else None,
                                       pending_until=self.now + timedelta(days=pending) if pending else None))
        self.oracle.lots.append({"n": len(self.oracle.lots), "left": points,
                                 "exp": self.now + timedelta(days=expires) if expires else None,
                                 "pend": self.now + timedelta(days=pending) if pending else None})
        self.oracle.earned += points
        assert result.points_earned == points

    @rule(target=redemptions, points=st.integers(1, 800))
    def redeem(self, points):
        self.oracle.due(self.now)
        enough = points <= self.oracle.available()
        try:
            result = self.run(c.RedeemPoints(idempotency_key=f"k{next(_keys)}", member=self.member, points=points,
                                             order_ref="o"))
        except errors.InsufficientPoints:
            assert not enough
            return "none"
        assert enough
        self.oracle.redemptions[result.redemption_id] = self.oracle.take(points)
        self.oracle.redeemed += points
        return result.redemption_id

    @rule(target=reservations, points=st.integers(1, 400), minutes=st.integers(1, 600))
    def reserve(self, points, minutes):
        self.oracle.due(self.now)
        enough = points <= self.oracle.available()
        try:
            result = self.run(c.ReservePoints(idempotency_key=f"k{next(_keys)}", member=self.member, points=points,
                                              order_ref="o", hold_seconds=minutes * 60))
        except errors.InsufficientPoints:
            assert not enough
            return "none"
        assert enough
        moves = self.oracle.take(points)
        self.oracle.holds[result.reservation_id] = {"points": points, "until": result.expires_at, "moves": moves}
        return result.reservation_id

    @rule(reservation=reservations, part=st.none() | st.integers(1, 400))
    def capture(self, reservation, part):
        self.oracle.due(self.now)
        hold = self.oracle.holds.get(reservation)
        try:
            result = self.run(c.CaptureReservation(idempotency_key=f"k{next(_keys)}", reservation_id=reservation,
                                                   points=part))
        except errors.LoyaltyError as exc:
            expected = {"captured": "reservation_already_captured", "cancelled": "reservation_already_released",
                        "timed_out": "reservation_expired"}.get(self.oracle.closed.get(reservation, ""),
                                                                 "reservation_not_found")
            if hold is not None:
                expected = "capture_exceeds_reservation"
            assert exc.code == expected
            return
        assert hold is not None
        captured = hold["points"] if part is None else part
        back, left = hold["points"] - captured, []
        for lot, t in reversed(hold["moves"]):  # the latest-expiring part goes back
            give = min(t, back)
            lot["left"] += give
            back -= give
            if t - give:
                left.append((lot, t - give))
        del self.oracle.holds[reservation]
        self.oracle.closed[reservation] = "captured"
        self.oracle.redemptions[result.redemption_id] = left
        self.oracle.redeemed += captured

    @rule(reservation=reservations)
    def release(self, reservation):
        self.oracle.due(self.now)
        hold = self.oracle.holds.pop(reservation, None)
        try:
            self.run(c.ReleaseReservation(idempotency_key=f"k{next(_keys)}", reservation_id=reservation))
        except errors.LoyaltyError:
            assert hold is None
            return
        assert hold is not None
        self.oracle._give_back(hold["moves"])
        self.oracle.closed[reservation] = "cancelled"

    @rule(redemption=redemptions)
    def reverse(self, redemption):
        self.oracle.due(self.now)
        moves = self.oracle.redemptions.pop(redemption, None)
        try:
            self.run(c.ReverseRedemption(idempotency_key=f"k{next(_keys)}", member=self.member,
                                         redemption_id=redemption))
        except errors.LoyaltyError:
            assert moves is None
            return
        assert moves is not None
        self.oracle._give_back(moves)
        self.oracle.redeemed -= sum(t for _, t in moves)

    @rule(hours=st.integers(1, 24 * 60))
    def travel(self, hours):
        self.now += timedelta(hours=hours)

    @precondition(lambda self: self.last is not None)
    @rule()
    def retry_last(self):
        head = self.store.max_notification_id()
        result = self.service.execute(self.last)
        assert result.replayed
        assert self.store.max_notification_id() == head

    @invariant()
    def balance_matches_the_oracle(self):
        self.oracle.due(self.now)
        balance = self.service.balance(self.member)
        oracle = self.oracle
        assert balance.available >= 0
        assert (balance.available, balance.pending, balance.reserved) == \
            (oracle.available(), oracle.pending(), oracle.reserved())
        assert balance.lifetime_expired == oracle.expired
        assert balance.lifetime_earned == oracle.earned
        assert balance.lifetime_redeemed == oracle.redeemed
        cached = self.store.members.get(self.member.member_id) if hasattr(self.store, "members") else None
        if cached is not None:  # the state the write path left, its balances carried or moved, not walked
            assert_cached_values_are_fresh(cached)


@pytest.mark.parametrize("group_commit", [False, True], ids=["one-by-one", "group-commit"])
@pytest.mark.parametrize("store", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_ledger_matches_oracle(store, group_commit, tmp_path, request):
    if store == "sqlite":
        url = f"sqlite:///{tmp_path}/machine.db"
    else:
        url = request.getfixturevalue("postgres_url")
    LedgerMachine.database_url = url
    LedgerMachine.group_commit = group_commit
    LedgerMachine.TestCase.settings = settings(max_examples=40, stateful_step_count=40, deadline=None,
                                               suppress_health_check=list(HealthCheck))
    LedgerMachine.TestCase().runTest()
