"""Finding a member by an identifier (a till's look-up by phone): the claim and its owner as stored now.

On PostgreSQL a look-up this process has made before fast-forwards the claim and the member in one statement
(`LedgerStore.member_by_claim`); it must still see everything another process wrote meanwhile: the member's
new points, the identifier moved to someone else, the identifier released.
"""

from __future__ import annotations

import uuid

import pytest

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core.runtime import open_runtime
from loyalty_core.settings import Settings


def key() -> str:
    return uuid.uuid4().hex


@pytest.fixture
def two_processes(database_url):
    """Two runtimes on one store, as two API processes: each has its own caches."""
    first, second = (open_runtime(Settings(database_url=database_url)) for _ in range(2))
    try:
        yield first, second
    finally:
        first.close()
        second.close()


def enrol(rt, phone: str, email: str | None = None) -> uuid.UUID:
    return rt.service.execute(c.EnrollMember(idempotency_key=key(), phone=phone, email=email,
                                             channel="pos")).member_id


def test_a_repeated_look_up_sees_what_another_process_wrote_since(two_processes):
    here, there = two_processes
    member_id = enrol(here, "0901234567")
    by_phone = c.MemberRef(phone="0901234567")
    assert here.service.member_summary(by_phone).member_id == member_id  # both cached here now
    there.service.execute(c.EarnPoints(idempotency_key=key(), member=c.MemberRef(member_id=member_id),
                                       points=120, reference=key(), source="bonus"))
    summary = here.service.member_summary(by_phone)
    assert summary.member_id == member_id and summary.balance.available == 120


def test_an_identifier_moved_to_another_member_elsewhere_finds_the_new_owner(two_processes):
    here, there = two_processes
    first = enrol(here, "0901111111", email="lan@example.vn")
    second = enrol(here, "0902222222")
    by_email = c.MemberRef(email="lan@example.vn")
    assert here.service.resolve(by_email).id == first
    there.service.execute(c.UnlinkIdentifier(idempotency_key=key(), member=c.MemberRef(member_id=first),
                                             kind="email", value="lan@example.vn"))
    with pytest.raises(errors.MemberNotFound):
        here.service.resolve(by_email)
    there.service.execute(c.LinkIdentifier(idempotency_key=key(), member=c.MemberRef(member_id=second),
                                           kind="email", value="lan@example.vn"))
    assert here.service.resolve(by_email).id == second
    assert here.service.resolve(by_email).id == second  # and again, from what this look-up cached


@pytest.mark.postgres
def test_a_repeated_look_up_on_postgresql_is_one_statement_for_the_claim_and_the_member(postgres_url):
    rt = open_runtime(Settings(database_url=postgres_url))
    try:
        member_id = enrol(rt, "0903333333")
        by_phone = c.MemberRef(phone="0903333333")
        rt.service.resolve(by_phone)
        store = rt.store
        statements = []
        real = store._newer_stored

        def counted(versions):
            statements.append(sorted(versions))
            return real(versions)

        store._newer_stored = counted
        store.load_claim = store.load_member = lambda *_: pytest.fail("a second round trip")
        assert rt.service.resolve(by_phone).id == member_id
        assert len(statements) == 1 and len(statements[0]) == 2
    finally:
        rt.close()


def test_an_erasure_leaves_none_of_the_members_identifiers_in_the_look_up_cache(two_processes):
    from loyalty_core.privacy.erasure import erase_member

    here, _ = two_processes
    enrol(here, "0904444444", email="mai@example.vn")
    member = here.service.resolve(c.MemberRef(phone="0904444444"))
    here.service.resolve(c.MemberRef(email="mai@example.vn"))
    erase_member(here.service, c.MemberRef(member_id=member.id), reason="yêu cầu của khách",
                 idempotency_key=key())
    assert not [claim for claim in here.store.claims._items.values() if claim.member_id == member.id]
    with pytest.raises(errors.MemberNotFound):
        here.service.resolve(c.MemberRef(phone="0904444444"))


@pytest.mark.postgres
def test_a_repeated_look_up_with_the_database_gone_is_store_unavailable_not_an_error(postgres_url):
    """The one-statement path fails the way every read does: a retryable 503, never an unexplained error."""
    from contextlib import contextmanager

    from eventsourcing.persistence import OperationalError

    rt = open_runtime(Settings(database_url=postgres_url))
    try:
        enrol(rt, "0905555555")
        by_phone = c.MemberRef(phone="0905555555")
        rt.service.resolve(by_phone)  # the claim and the member now cached: the next look-up is one statement

        @contextmanager
        def gone():
            raise OperationalError("connection refused")  # what the library's datastore raises for psycopg
            yield  # pragma: no cover

        rt.store.recorder.datastore.get_connection = gone
        with pytest.raises(errors.StoreUnavailable):
            rt.service.resolve(by_phone)
    finally:
        del rt.store.recorder.datastore.get_connection
        rt.close()
