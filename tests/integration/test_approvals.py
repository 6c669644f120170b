"""Four eyes on large adjustments, in process on both stores: two approvers racing apply it once, the
threshold comes from the program, and a request is checked like the adjustment it asks for."""

from __future__ import annotations

import itertools
import threading
import uuid

import pytest

from loyalty_core import approvals as ap
from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings
from tests.builders import key

_PHONES = itertools.count(100)


@pytest.fixture
def service(database_url, clock):
    runtime = open_runtime(Settings(database_url=database_url), clock=lambda: clock.now)
    runtime.service.policy.install_demo(clock.now)
    yield runtime.service
    runtime.close()


def _member(service, points: int = 0) -> c.MemberRef:
    phone = f"0909{next(_PHONES):06d}"
    ref = c.MemberRef(member_id=service.execute(c.EnrollMember(idempotency_key=key(), phone=phone)).member_id)
    if points:
        service.execute(c.AdjustPoints(idempotency_key=key(), member=ref, points=points, reason="seed"))
    return ref


def _ask(service, ref, points: int, actor: str = "lan") -> ap.ApprovalResult:
    return service.execute(ap.RequestAdjustment(idempotency_key=key(), member=ref, points=points, reason="VIP",
                                                actor=actor, channel="staff", store_id="HCM-01"))


def test_two_approvers_racing_apply_the_adjustment_exactly_once(service):
    ref = _member(service)
    approval = _ask(service, ref, 800).approval_id
    outcomes, barrier = [], threading.Barrier(4)

    def approve(who: str) -> None:
        barrier.wait()
        try:
            outcomes.append(service.execute(ap.ApproveAdjustment(idempotency_key=key(), approval_id=approval,
                                                                 note="ok", actor=who)).status)
        except errors.LoyaltyError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=approve, args=(f"approver-{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approval_not_pending"] * 3 + ["approved"]
    assert service.balance(ref).available == 800
    decided = ap.load(service.store, uuid.UUID(approval))
    assert decided.status == "approved" and decided.decided_by.startswith("approver-")


def test_a_request_is_checked_like_the_adjustment_it_asks_for(service):
    ref = _member(service, points=100)
    with pytest.raises(errors.InsufficientPoints):
        _ask(service, ref, -900)  # taking away more than the member has is refused before anyone is asked
    with pytest.raises(errors.InvalidInput):
        service.execute(ap.RequestAdjustment(idempotency_key=key(), member=ref, points=900, reason=" "))
    assert ap.list_approvals(service.store, "pending") == []


def test_a_negative_adjustment_approved_later_is_checked_again_against_the_balance_then(service):
    ref = _member(service, points=1000)
    approval = _ask(service, ref, -900).approval_id
    service.execute(c.RedeemPoints(idempotency_key=key(), member=ref, points=500, order_ref="O1"))
    with pytest.raises(errors.InsufficientPoints):
        service.execute(ap.ApproveAdjustment(idempotency_key=key(), approval_id=approval, note="ok", actor="minh"))
    assert service.balance(ref).available == 500
    assert [a.status for a in ap.list_approvals(service.store)] == ["pending"]
