"""Real threads against PostgreSQL: two terminals redeeming at once can never overdraw."""

from __future__ import annotations

import threading
from collections import Counter

import pytest

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core.ledger import open_store
from loyalty_core.service import LoyaltyService, enable_group_commit
from loyalty_core.settings import Settings
from tests.builders import earn, enroll, key, ledger

pytestmark = pytest.mark.postgres
group_commit = pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "group-commit"])


def _race(n: int, attempt) -> Counter:
    barrier = threading.Barrier(n)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait()
        try:
            attempt(i)
            outcome = "ok"
        except errors.LoyaltyError as exc:
            outcome = exc.code
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


@pytest.mark.parametrize("separate_processes", [False, True], ids=["one-service", "one-store-per-thread"])
@group_commit
def test_eight_terminals_redeeming_ten_from_fifty_points_exactly_five_succeed(postgres_url, separate_processes,
                                                                               batched):
    with ledger(postgres_url, pool_size=10, group_commit=batched) as service:
        member = enroll(service)
        earn(service, member, 50)
        services = [service] * 8
        if separate_processes:  # each thread with its own store, pool and cache, as separate servers would be
            services = [LoyaltyService(open_store(Settings(database_url=postgres_url, pool_size=2)))
                        for _ in range(8)]
            if batched:
                for other in services:
                    enable_group_commit(other)
        outcomes = _race(8, lambda i: services[i].execute(
            c.RedeemPoints(idempotency_key=f"terminal-{i}", member=member, points=10, order_ref=f"o{i}",
                           channel="pos")))
        assert outcomes == Counter({"ok": 5, "insufficient_points": 3})
        assert service.balance(member).available == 0
        redeemed = [e for e in service.store.member_events(member.member_id) if isinstance(e, ev.PointsRedeemed)]
        assert len(redeemed) == 5 and sum(e.points for e in redeemed) == 50
        if separate_processes:
            for other in services:
                if other.batcher:
                    other.batcher.close()
                other.store.close()


@group_commit
def test_two_enrolments_of_one_phone_at_once_make_one_member(postgres_url, batched):
    with ledger(postgres_url, group_commit=batched) as service:
        outcomes = _race(6, lambda i: service.execute(
            c.EnrollMember(idempotency_key=f"enrol-{i}", phone=["0909000111", "+84909000111", "84909000111"][i % 3])))
        assert outcomes == Counter({"ok": 1, "identifier_taken": 5})


@group_commit
def test_the_same_command_retried_concurrently_takes_effect_once(postgres_url, batched):
    with ledger(postgres_url, group_commit=batched) as service:
        member = enroll(service)
        command = c.EarnPoints(idempotency_key="same", member=member, points=25, reference="t", channel="pos")
        outcomes = _race(6, lambda i: service.execute(command))
        assert outcomes == Counter({"ok": 6})
        assert service.balance(member).available == 25


@group_commit
def test_reservations_from_many_terminals_never_hold_more_than_the_balance(postgres_url, batched):
    with ledger(postgres_url, group_commit=batched) as service:
        member = enroll(service)
        earn(service, member, 100)
        outcomes = _race(8, lambda i: service.execute(
            c.ReservePoints(idempotency_key=key(), member=member, points=30, order_ref=f"o{i}")))
        assert outcomes == Counter({"ok": 3, "insufficient_points": 5})
        balance = service.balance(member)
        assert (balance.available, balance.reserved) == (10, 90)


def test_group_commit_keeps_each_commands_outcome_and_writes_many_in_one_transaction(postgres_url):
    with ledger(postgres_url, group_commit=True, pool_size=10) as service:
        members = [enroll(service, phone=f"09120000{i:02d}") for i in range(16)]
        for m in members:
            earn(service, m, 10)
        batches_before = service.batcher.batches
        outcomes = _race(32, lambda i: service.execute(
            c.RedeemPoints(idempotency_key=f"r{i}", member=members[i % 16], points=10 if i < 16 else 1,
                           order_ref=f"o{i}")))
        # 16 redeem their 10 points; the 16 later ones for the same members find nothing left, whichever
        # order they were decided in (a refusal never fails its neighbours, and nothing overdraws).
        assert sum(outcomes.values()) == 32 and outcomes["ok"] >= 16 and outcomes["ok"] + \
            outcomes["insufficient_points"] == 32
        assert service.batcher.batches - batches_before < 32  # commands really were written together
        total = sum(service.balance(m).available for m in members)
        assert total == 16 * 10 - sum(e.points for m in members for e in service.store.member_events(m.member_id)
                                      if isinstance(e, ev.PointsRedeemed))
        assert all(service.balance(m).available >= 0 for m in members)
