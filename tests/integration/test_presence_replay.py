"""Card codes burnt by redemptions, on both stores: replay refused, racing tills, and a property against
an oracle of which time steps have been spent."""

from __future__ import annotations

import itertools
import threading
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loyalty_core import card_code as cc
from loyalty_core import commands as c
from loyalty_core import errors, presence
from loyalty_core.presence import IssueCardSecret
from tests.builders import earn, enroll, key, ledger
from tests.conftest import FakeClock

CARD_KEY = b"test-card-key-0123456789abcdef"
_phones = itertools.count(100)


def carded(service: Any, phone: str) -> c.MemberRef:
    member = enroll(service, phone=phone)
    earn(service, member, 10_000)
    service.execute(IssueCardSecret(idempotency_key=key("card"), member=member))
    return member


def redeem(service: Any, member: c.MemberRef, code: str | None, required: bool = True) -> Any:
    return service.execute(c.RedeemPoints(idempotency_key=key("rdm"), member=member, points=10, order_ref=key("o"),
                                          card_code=code, presence_required=required))


def code_at(service: Any, member: c.MemberRef, at: Any) -> str:
    return service.card_codes.current_code(service.resolve(member), at)


def _service(database_url: str, group_commit: bool) -> Any:
    clock = FakeClock()
    with ledger(database_url, clock=clock, group_commit=group_commit) as svc:
        presence.install(svc, CARD_KEY)
        svc.test_clock = clock
        yield svc


@pytest.fixture(params=["alone", "group_commit"])
def service(database_url: str, request: pytest.FixtureRequest) -> Any:
    yield from _service(database_url, request.param == "group_commit")


@pytest.fixture
def plain_service(database_url: str) -> Any:
    """Without group commit: the property is about which codes are accepted, not how writes are batched."""
    yield from _service(database_url, False)


def test_two_tills_racing_with_one_code_redeem_once(service: Any) -> None:
    # Several rounds: the interleaving that once let two redemptions through (a till that checked the step
    # before the other committed, then saw the other's claim as "already ours") needs a few tries to hit.
    for round_ in range(8):
        member = carded(service, f"0901{round_:06d}")
        code = code_at(service, member, service.clock())
        outcomes: list[str] = []

        def till(member: c.MemberRef = member, code: str = code, outcomes: list[str] = outcomes) -> None:
            try:
                redeem(service, member, code)
                outcomes.append("ok")
            except errors.LoyaltyError as exc:
                outcomes.append(exc.code)

        threads = [threading.Thread(target=till) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(outcomes) == ["card_code_used"] * 3 + ["ok"], round_
        assert service.balance(member).available == 10_000 - 10


def test_without_a_code_a_required_presence_is_refused_and_nothing_is_written(service: Any) -> None:
    member = carded(service, "0901000002")
    version = service.resolve(member).version
    with pytest.raises(presence.PresenceRequired):
        redeem(service, member, None)
    assert service.resolve(member).version == version
    redeem(service, member, None, required=False)


def test_a_revoked_card_resolves_no_code(service: Any) -> None:
    member = carded(service, "0901000003")
    code = code_at(service, member, service.clock())
    service.execute(IssueCardSecret(idempotency_key=key("revoke"), member=member, revoke=True))
    with pytest.raises(presence.CardCodeInvalid):
        redeem(service, member, code)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=100), st.integers(min_value=-3, max_value=1)),
                min_size=1, max_size=6))
def test_a_step_redeems_once_and_burns_the_step_before_it(plain_service: Any, attempts: list[tuple[int, int]]) -> None:
    """Each attempt: the clock moves `seconds`, the phone shows the code of `offset` steps from now.
    Oracle: accepted iff the shown step is within ±1 of now and neither it nor a later-used step burnt it."""
    member = carded(plain_service, f"0903{next(_phones):06d}")
    clock = plain_service.test_clock
    burnt: set[int] = set()
    for seconds, offset in attempts:
        clock.advance(seconds=seconds)
        shown_at = clock() + timedelta(seconds=60 * offset)
        code = code_at(plain_service, member, shown_at)
        step, now = cc.counter_at(shown_at), cc.counter_at(clock())
        try:
            redeem(plain_service, member, code)
            accepted = True
        except (presence.CardCodeUsed, presence.CardCodeExpired, presence.CardCodeInvalid):
            accepted = False
        # Six random digits may equal another step's in the window; skip those rare examples' oracle.
        window = {cc.hotp(plain_service.card_codes.secret_for(plain_service.resolve(member)), s): s for s in range(now - 1, now + 2)}
        if list(window).count(code[-6:]) == 1 and window.get(code[-6:], step) == step:
            assert accepted == (abs(step - now) <= 1 and step not in burnt), (seconds, offset, burnt)
        if accepted:
            burnt |= {step - 1, step}
