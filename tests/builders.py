"""Builders for tests: a store and a service on a database URL, with a movable clock."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from loyalty_core import commands as c
from loyalty_core.ledger import LedgerStore, open_store
from loyalty_core.policy import Policy
from loyalty_core.service import LoyaltyService, enable_group_commit
from loyalty_core.settings import Settings

_counter = iter(range(10**9))


def key(prefix: str = "k") -> str:
    return f"{prefix}-{next(_counter)}"


@contextmanager
def ledger(database_url: str, clock=None, policy: Policy | None = None, group_commit: bool = False,
           **settings) -> Iterator[LoyaltyService]:
    store = open_store(Settings(database_url=database_url, **settings))
    kwargs = {"clock": clock} if clock is not None else {}
    service = LoyaltyService(store, policy=policy, snapshot_interval=store.settings.snapshot_interval, **kwargs)
    if group_commit:
        enable_group_commit(service)
    try:
        yield service
    finally:
        if service.batcher is not None:
            service.batcher.close()
        store.close()


def enroll(service: LoyaltyService, phone: str = "0901234567", **fields) -> c.MemberRef:
    result = service.execute(c.EnrollMember(idempotency_key=key("enroll"), phone=phone, **fields))
    return c.MemberRef(member_id=result.member_id)


def earn(service: LoyaltyService, member: c.MemberRef, points: int, **fields):
    return service.execute(c.EarnPoints(idempotency_key=key("earn"), member=member, points=points,
                                        reference=key("ref"), **fields))


def assert_cached_values_are_fresh(member) -> None:
    """The values a state carries over or moves by one lot (loyalty_core/member.py `_bump`, `_with_new_lot`)
    are those a walk over a fresh copy of the same fields works out."""
    import dataclasses

    fresh = type(member)(**{f.name: getattr(member, f.name) for f in dataclasses.fields(member)})
    assert (member.points_available, member.points_pending, member.points_reserved, member.next_due_at,
            member.next_expiry()) == (fresh.points_available, fresh.points_pending, fresh.points_reserved,
                                      fresh.next_due_at, fresh.next_expiry()), member.id


__all__ = ["LedgerStore", "key", "ledger", "enroll", "earn", "assert_cached_values_are_fresh"]
