"""A write that fails leaves no trace: nothing decided on top of it is written, cached, snapshotted or served.

The defect these tests pin (issue #10): with group commit, batch N+1 is decided on batch N's unwritten
state. When N's write failed with anything but a write conflict (the database restarting), N+1 was still
written on top, so the member's versions had a gap and the cache, the next snapshot and every later answer
kept N's points: a till's retry of the failed sale was credited twice. Here the store's own recorder is
made to fail the way the database does, on both stores.
"""

from __future__ import annotations

import threading
import time
from typing import Any, Callable

import pytest
from eventsourcing.persistence import OperationalError

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.ledger import open_store, project_stored_member
from loyalty_core.settings import Settings
from tests.builders import earn, enroll, ledger


class FailingWrite:
    """Replaces the recorder's insert: the next write waits until released, then fails like a database
    that went away mid-transaction. Every other write goes through."""

    def __init__(self, recorder: Any):
        self.recorder = recorder
        self.original: Callable[..., Any] = recorder.insert_events
        self.entered = threading.Event()
        self.release = threading.Event()
        self.armed = True
        recorder.insert_events = self

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.armed:
            self.armed = False
            self.entered.set()
            assert self.release.wait(10)
            raise OperationalError("server closed the connection unexpectedly")
        return self.original(*args, **kwargs)


def _sale(member: c.MemberRef, ref: str, points: int) -> c.EarnPoints:
    return c.EarnPoints(idempotency_key=f"key-{ref}", member=member, points=points, reference=ref)


def _stored_fold(database_url: str, member: c.MemberRef) -> tuple[list[int], int]:
    """The versions stored for the member and the balance folded from them, read by a fresh store."""
    store = open_store(Settings(database_url=database_url))
    try:
        stored = store.member_events(member.member_id)
        folded = project_stored_member(None, stored)
        assert folded is not None
        return [e.originator_version for e in stored], folded.points_available
    finally:
        store.close()


def _in_thread(run: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = run()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def test_a_batch_decided_on_a_batch_whose_write_failed_is_not_written_and_nothing_of_either_is_served(
        database_url):
    with ledger(database_url, group_commit=True, snapshot_interval=3) as service:
        member = enroll(service)
        earn(service, member, 10)
        fault = FailingWrite(service.store.recorder)
        first, first_outcome = _in_thread(lambda: service.execute(_sale(member, "sale-1", 50)))
        assert fault.entered.wait(10)  # batch N is being written (and will fail)
        decided = service.batcher.batches
        second, second_outcome = _in_thread(lambda: service.execute(_sale(member, "sale-2", 30)))
        deadline = time.monotonic() + 10
        while service.batcher.batches == decided:  # batch N+1 is decided on top of N's unwritten state
            assert time.monotonic() < deadline
            time.sleep(0.005)
        fault.release.set()
        first.join(10)
        second.join(10)

        assert service.balance(member).available == 10  # no phantom from either batch
        # Both callers are told to retry (503), never a success nor an unexplained error.
        assert isinstance(first_outcome.get("error"), errors.StoreUnavailable), first_outcome
        assert isinstance(second_outcome.get("error"), errors.StoreUnavailable), second_outcome

        # The tills retry both sales with the same keys, then sell three more.
        assert service.execute(_sale(member, "sale-1", 50)).points_earned == 50
        assert service.execute(_sale(member, "sale-2", 30)).points_earned == 30
        for n in range(3):
            earn(service, member, 10)

        served = service.balance(member).available
        versions, folded = _stored_fold(database_url, member)
        assert versions == list(range(1, len(versions) + 1)), "the member's stored versions have a gap"
        assert served == folded == 10 + 50 + 30 + 30
        with pytest.raises(errors.InsufficientPoints):
            service.execute(c.RedeemPoints(idempotency_key="spend-all", member=member, points=served + 1,
                                           order_ref="o-1"))

    # A fresh process loads through the snapshots written meanwhile and serves the same balance.
    with ledger(database_url) as fresh:
        assert fresh.balance(member).available == 120


def test_a_failed_write_on_the_one_at_a_time_path_is_retryable_and_leaves_nothing_cached(database_url):
    with ledger(database_url) as service:
        member = enroll(service)
        earn(service, member, 10)
        fault = FailingWrite(service.store.recorder)
        fault.release.set()
        with pytest.raises(errors.StoreUnavailable):
            service.execute(_sale(member, "sale-1", 50))
        assert service.balance(member).available == 10
        assert service.execute(_sale(member, "sale-1", 50)).points_earned == 50
        assert service.balance(member).available == 60
        assert _stored_fold(database_url, member)[1] == 60


def test_the_fold_refuses_a_gap_in_a_members_stored_versions(database_url):
    with ledger(database_url) as service:
        member = enroll(service)
        earn(service, member, 10)
        top = service.store.load_member(member.member_id).version
        # An event written two versions ahead, as the defect used to write batch N+1 on top of a failed N.
        service.store.record([ev.PointsAdjusted(originator_id=member.member_id, originator_version=top + 2,
                                                timestamp=service.clock(), delta=5, reason="on a phantom",
                                                lot_id="lot-gap", channel="test", store_id=None, actor="test")])
        service.store.members.clear()
        with pytest.raises(errors.LedgerIntegrityError, match="gap"):
            service.store.load_member(member.member_id)


def test_a_snapshot_that_differs_from_the_stored_events_is_refused_and_the_state_dropped(database_url):
    from dataclasses import replace

    with ledger(database_url) as service:
        member = enroll(service)
        earn(service, member, 10)
        state = service.store.load_member(member.member_id)
        phantom = replace(state, lifetime_earned=state.lifetime_earned + 500)
        with pytest.raises(errors.LedgerIntegrityError):
            service.store.snapshot(phantom)
        assert service.store.members.get(member.member_id) is None
        assert list(service.store.snapshots.get(member.member_id)) == []


@pytest.mark.parametrize("kind", ["claim", "receipt"])
def test_an_id_that_belongs_to_a_claim_or_a_receipt_is_no_member(database_url, kind):
    with ledger(database_url) as service:
        member = enroll(service, phone="0901234567")
        result = earn(service, member, 10)
        assert result.points_earned == 10
        other_id = ids.claim_id(ids.PHONE, ids.normalise_phone("0901234567")) if kind == "claim" else \
            next(e.originator_id for _, e in service.store.iter_events() if isinstance(e, ev.CommandAccepted))
        with pytest.raises(errors.MemberNotFound):
            service.balance(c.MemberRef(member_id=other_id))
        with pytest.raises(errors.MemberNotFound):
            service.execute(c.EarnPoints(idempotency_key="k-x", member=c.MemberRef(member_id=other_id),
                                         points=5, reference="r-x"))


def test_a_table_gone_behind_the_services_back_is_a_retryable_store_failure(database_url):
    """PostgreSQL reports a missing table as a ProgrammingError (SQLite as an OperationalError): to callers
    both are `StoreUnavailable` (503 + Retry-After at the API), never an unexplained error (500)."""
    with ledger(database_url) as service:
        store = service.store
        member = enroll(service)
        datastore = store.recorder.datastore
        table = store.recorder.events_table_name
        schema = getattr(datastore, "schema", None)
        with datastore.transaction(commit=True) as curs:
            curs.execute(f'ALTER TABLE "{schema}"."{table}" RENAME TO moved_away' if schema
                         else f"ALTER TABLE {table} RENAME TO moved_away")
        store.members.clear()
        with pytest.raises(errors.StoreUnavailable):
            service.balance(member)
        with pytest.raises(errors.StoreUnavailable):
            earn(service, member, 10)
