"""The real ledger, running a program, against the program oracle (program_oracle.py), on both stores.

Hypothesis drives purchases (with coffees toward the stamp card), refunds (whole, in quarters, by returned
lines), point and reward redemptions, vouchers used, scheduled work (reviews, birthdays) and time travel
across months and years, and after every step compares each member's balance, expired points, tier, stamp
progress, vouchers (status and expiry) and downgrade notice with the oracle.

`make test` runs a bounded number of examples; `make soak` selects the `soak` profile through
LOYALTY_PROGRAM_PROFILE and runs many more.
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core import program as prog
from loyalty_core import program_policy
from loyalty_core.decide import Cause, Change, apply_due
from loyalty_core.ledger import open_store
from loyalty_core.service import LoyaltyService, enable_group_commit
from loyalty_core.settings import Settings
from tests.property import program_oracle as oracle
from tests.builders import assert_cached_values_are_fresh

settings.register_profile("program-bounded", max_examples=10, stateful_step_count=30, deadline=None,
                          suppress_health_check=list(HealthCheck))
settings.register_profile("soak", max_examples=400, stateful_step_count=80, deadline=None,
                          suppress_health_check=list(HealthCheck))
PROFILE = os.environ.get("LOYALTY_PROGRAM_PROFILE", "program-bounded")

START = datetime(2026, 1, 5, 3, 0, tzinfo=timezone.utc)
INSTALLED_AT = START - timedelta(days=1)
_runs = itertools.count()
_keys = itertools.count()


def oracle_program_commands(program_id) -> list:
    """The program the oracle knows, through the real commands."""
    tiers = prog.TierLadder(tiers=tuple(prog.Tier(name, name.title(), name.title(), Decimal(threshold), factor, gift)
                                        for name, threshold, factor, gift in oracle.TIERS),
                            basis="spend", window="rolling_months", window_months=12, downgrade="one_step",
                            review="yearly", review_month=1, review_day=1, grace_days=30)
    settings_ = prog.ProgramSettings(code="ORCL", name="Oracle", currency="VND", point_value=Decimal(100))
    return [
        prog.CreateProgram(program_id, settings_, prog.ExpiryPolicy(kind="end_of_period", period="month",
                                                                    periods_after=2),
                           prog.RefundPolicy(basis="pro_rata", on_shortfall="take_what_is_left",
                                             return_window_days=30), tiers),
        prog.AddReward(prog.Reward("free-drink", "Ly miễn phí", "Free drink", "free_item",
                                   valid_days=oracle.FREE_DRINK_DAYS)),
        prog.AddRule(prog.PointsPerAmount(rule_id="base", priority=10, points=1, per_amount=Decimal(10_000))),
        prog.AddRule(prog.TierMultiplier(rule_id="tier", priority=20)),
        prog.AddRule(prog.BirthdayMonth(rule_id="birthday", priority=40, bonus_points=50, add_tier_bonus=True,
                                        limit_per_year=1)),
        prog.AddRule(prog.StampCard(rule_id="coffee-card", priority=50, card_id="coffee", categories=("coffee",),
                                    stamps_required=oracle.STAMPS_PER_CARD, reward_id="free-drink")),
    ]


class ProgramMachine(RuleBasedStateMachine):
    database_url = ""
    group_commit = False

    # Birthdays early in the year: the runs start in January, so birthday months come up in most runs.
    @initialize(birthdays=st.lists(st.integers(1, 4), min_size=2, max_size=2))
    def start(self, birthdays):
        self.now = START
        self.run_id = next(_runs)
        self.store = open_store(Settings(database_url=self.database_url, program_code="ORCL", pool_size=2,
                                         snapshot_interval=7))
        self.service = LoyaltyService(self.store, clock=lambda: self.now, snapshot_interval=7)
        if self.group_commit:
            enable_group_commit(self.service)
        self.policy = program_policy.install(self.service)
        self.policy.book.refresh(force=True)
        if self.policy.book._state is None:
            for command in oracle_program_commands(self.policy.program_id):
                self.policy.administer(command, "oracle", INSTALLED_AT)
        self.mug = f"mug-{self.run_id}"  # stock is program-wide: each run has a reward of its own
        self.policy.administer(prog.AddReward(prog.Reward(self.mug, "Cốc", "Mug", "free_item",
                                                          points_cost=oracle.MUG_COST, stock=oracle.MUG_STOCK,
                                                          valid_days=oracle.MUG_DAYS)), "oracle", INSTALLED_AT)
        self.oracle = oracle.ProgramOracle()
        self.members = []
        for n, month in enumerate(birthdays):
            phone = f"0907{self.run_id:04d}{n:02d}"
            result = self.service.execute(c.EnrollMember(idempotency_key=f"enrol-{phone}", phone=phone,
                                                         birthday=f"1990-{month:02d}-15"))
            self.members.append(c.MemberRef(member_id=result.member_id))
            self.oracle.people.append(oracle.Person(birthday_month=month, enrolled_at=self.now))

    def teardown(self):
        if self.service.batcher is not None:
            self.service.batcher.close()
        self.store.close()

    def execute(self, command):
        self.oracle.due(self.now)
        return self.service.execute(command)

    @rule(who=st.integers(0, 1), coffees=st.integers(0, 6),
          other=st.sampled_from([0, 95_000, 1_000_000, 2_500_000, 6_000_000, 16_000_000]))
    def purchase(self, who, coffees, other):
        if coffees == 0 and other == 0:
            other = 95_000
        ref = f"T{next(_keys)}"
        lines = []
        if coffees:
            lines.append(c.PurchaseLineInput(sku="CF", category="coffee", quantity=coffees,
                                             unit_price=Decimal(oracle.COFFEE_PRICE),
                                             amount=Decimal(oracle.COFFEE_PRICE * coffees)))
        if other:
            lines.append(c.PurchaseLineInput(sku="CAKE", category="cake", quantity=1, unit_price=Decimal(other),
                                             amount=Decimal(other)))
        result = self.execute(c.RecordPurchase(idempotency_key=ref, member=self.members[who], transaction_ref=ref,
                                               total=Decimal(oracle.COFFEE_PRICE * coffees + other),
                                               channel="pos", lines=tuple(lines)))
        expected = self.oracle.purchase(who, ref, self.now, coffees, other, list(result.vouchers))
        assert result.points_earned == expected

    def _refund(self, sale, amount, returned=()):
        self.oracle.due(self.now)
        result = self.execute(c.RefundPurchase(idempotency_key=f"r{next(_keys)}", transaction_ref=sale.ref,
                                               refund_ref=f"R{next(_keys)}", amount=Decimal(amount), channel="pos",
                                               lines=tuple(returned)))
        coffees = sum(line.quantity for line in returned)
        assert result.points_reversed + result.shortfall == self.oracle.refund(sale, self.now, amount, coffees)

    @precondition(lambda self: any(s.refunded < s.spend and not s.coffees_back for s in self.oracle.sales))
    @rule(pick=st.integers(0, 10**6), quarters=st.integers(1, 4))
    def refund_by_amount(self, pick, quarters):
        sales = [s for s in self.oracle.sales if s.refunded < s.spend and not s.coffees_back]
        sale = sales[pick % len(sales)]
        self._refund(sale, min(sale.spend * quarters // 4, sale.spend - sale.refunded))

    def _line_refundable(self):
        """Sales with coffees left, refunded so far only by lines (the two kinds are not mixed on one sale)."""
        return [s for s in self.oracle.sales
                if s.coffees > s.coffees_back and s.refunded == s.coffees_back * oracle.COFFEE_PRICE]

    @precondition(lambda self: bool(self._line_refundable()))
    @rule(pick=st.integers(0, 10**6), quantity=st.integers(1, 6))
    def refund_coffees(self, pick, quantity):
        sales = self._line_refundable()
        sale = sales[pick % len(sales)]
        quantity = min(quantity, sale.coffees - sale.coffees_back)
        self._refund(sale, quantity * oracle.COFFEE_PRICE, [c.RefundLineInput(sku="CF", quantity=quantity)])

    @rule(who=st.integers(0, 1), points=st.integers(1, 400))
    def redeem_points(self, who, points):
        self.oracle.due(self.now)
        person = self.oracle.people[who]
        enough = points <= person.available()
        try:
            self.execute(c.RedeemPoints(idempotency_key=f"p{next(_keys)}", member=self.members[who], points=points,
                                        order_ref="o"))
        except errors.InsufficientPoints:
            assert not enough
            return
        assert enough
        self.oracle.spend(person, points)

    @rule(who=st.integers(0, 1))
    def redeem_mug(self, who):
        self.oracle.due(self.now)
        try:
            result = self.execute(c.RedeemPoints(idempotency_key=f"m{next(_keys)}", member=self.members[who],
                                                 reward_id=self.mug, order_ref="o"))
        except errors.LoyaltyError as exc:
            assert self.oracle.redeem_mug(who, self.now, None) == exc.code
            return
        assert self.oracle.redeem_mug(who, self.now, result.voucher_code) == "ok"

    @rule(who=st.integers(0, 1), pick=st.integers(0, 10**6))
    def use_voucher(self, who, pick):
        self.oracle.due(self.now)
        usable = sorted(code for code, v in self.oracle.people[who].vouchers.items() if v["status"] == "issued")
        if not usable:
            return
        code = usable[pick % len(usable)]
        self.execute(c.UseVoucher(idempotency_key=f"u{next(_keys)}", voucher_code=code, order_ref="o"))
        self.oracle.people[who].vouchers[code]["status"] = "used"

    @rule(who=st.integers(0, 1))
    def scheduled_work(self, who):
        self.execute(c.RunDueWork(idempotency_key=f"d{next(_keys)}", channel="worker", actor="worker",
                                  member=self.members[who]))
        self.oracle.review(who, self.now)

    @rule(days=st.sampled_from([40, 370]))
    def time_passes_and_the_worker_runs(self, days):
        """Reviews need a year or two to pass with the worker running: a step of its own makes them common."""
        self.now += timedelta(days=days)
        for who in range(len(self.members)):
            self.scheduled_work(who)

    @rule(days=st.sampled_from([1, 3, 10, 29, 31, 45, 120, 200, 370]), hours=st.integers(0, 23))
    def travel(self, days, hours):
        self.now += timedelta(days=days, hours=hours)

    @invariant()
    def every_member_has_what_the_program_promises(self):
        if not getattr(self, "members", None):
            return
        self.oracle.due(self.now)
        for who, ref in enumerate(self.members):
            person = self.oracle.people[who]
            member = self.store.load_member(ref.member_id)
            assert_cached_values_are_fresh(member)
            change = Change(member, self.now, Cause("read", None, "read"))
            apply_due(change)
            member = change.current
            vouchers = {code: (v.status, v.expires_at) for code, v in member.vouchers.items()}
            expected = {code: ("cancelled" if v["status"] == "refunded" else v["status"], v["exp"])
                        for code, v in person.vouchers.items()}
            assert (member.points_available, member.lifetime_expired, member.tier, member.stamps.get("coffee", 0)) \
                == (person.available(), person.expired, person.tier, person.stamps)
            assert vouchers == expected
            summary = self.service.member_summary(ref)
            assert summary.tier_downgrade_at == self.oracle.downgrade_notice(who, self.now)


@pytest.mark.parametrize(("store", "group_commit"), [
    pytest.param("sqlite", False, id="sqlite"),
    pytest.param("postgres", False, marks=pytest.mark.postgres, id="postgres-one-by-one"),
    # The API serves PostgreSQL with group commit: the same promises must hold through it.
    pytest.param("postgres", True, marks=pytest.mark.postgres, id="postgres-group-commit"),
])
def test_the_ledger_keeps_every_promise_of_the_program(store, group_commit, tmp_path, request):
    url = f"sqlite:///{tmp_path}/program.db" if store == "sqlite" else request.getfixturevalue("postgres_url")
    ProgramMachine.database_url = url
    ProgramMachine.group_commit = group_commit
    ProgramMachine.TestCase.settings = settings.get_profile(PROFILE)
    ProgramMachine.TestCase().runTest()
