"""Scheduled work through the persisted wake-up index (loyalty_core/wakeups.py, projections/member_due.py),
both stores: a tick loads only the members whose instant has come, events since the index's position
re-index their members, time travel across an expiry date processes exactly the due members once, and a
restarted worker (a new process: new objects, new connections) resumes from the stored index."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from loyalty_core import commands as c
from loyalty_core import events as ev
from loyalty_core.scheduler import has_due_work
from loyalty_core.wakeups import WakeUps
from projections.member_due import DueIndex
from projections.readstore import open_read_store
from tests.builders import earn, enroll, key
from tests.integration.test_program_ledger import demo_ledger, monday_clock  # noqa: F401 - fixture


def _reserve(service, member, points, seconds=900):
    return service.execute(c.ReservePoints(idempotency_key=key("hold"), member=member, points=points,
                                           order_ref=key("order"), hold_seconds=seconds, channel="pos",
                                           store_id="HCM-01"))


@contextmanager
def _index(service):
    """The read side's index as a worker process opens it: its own connections each time."""
    store = open_read_store(service.store.settings)
    try:
        yield DueIndex(store)
    finally:
        store.close()


def _expired(service, member):
    return [e for e in service.store.member_events(member.member_id) if isinstance(e, ev.PointsExpired)]


def test_a_tick_loads_only_the_members_whose_instant_has_come(database_url, monday_clock) -> None:
    with demo_ledger(database_url, monday_clock) as service, _index(service) as index:
        members = [enroll(service, phone=f"09010000{n:02d}") for n in range(6)]
        for member in members:
            earn(service, member, 100)
        wakeups = WakeUps(service, index, every_seconds=30)
        first = wakeups(monday_clock.now)
        assert first.swept and first.members_checked == 0  # built from every member once; nothing due
        # A hold made after the build: only the event log tells the index about it.
        _reserve(service, members[2], 40, seconds=600)
        monday_clock.now += timedelta(seconds=20)
        assert wakeups(monday_clock.now) is None  # not yet 30 s
        monday_clock.now += timedelta(seconds=20)
        quiet = wakeups(monday_clock.now)
        assert not quiet.swept and quiet.members_checked == 0 and quiet.indexed == 1  # nobody loaded
        monday_clock.now += timedelta(minutes=11)
        due = wakeups(monday_clock.now)
        assert (due.swept, due.members_checked, due.members_changed) == (False, 1, 1)
        timed_out = [e for e in service.store.member_events(members[2].member_id)
                     if isinstance(e, ev.ReservationReleased) and e.reason == "timed_out"]
        assert len(timed_out) == 1 and service.balance(members[2]).available == 100
        monday_clock.now += timedelta(minutes=1)
        assert wakeups(monday_clock.now).members_checked == 0  # applied once, not indexed again


def test_time_travel_across_an_expiry_date_processes_exactly_the_due_members_once(database_url,
                                                                                   monday_clock) -> None:
    with demo_ledger(database_url, monday_clock) as service, _index(service) as index:
        members = [enroll(service, phone=f"09040000{n:02d}") for n in range(9)]
        soon, later = members[:3], members[3:6]  # the last three have no points at all
        for member in soon:
            earn(service, member, 30, expires_at=monday_clock.now + timedelta(days=10))
        for member in later:
            earn(service, member, 70, expires_at=monday_clock.now + timedelta(days=40))
        wakeups = WakeUps(service, index, every_seconds=30)
        assert wakeups.tick(monday_clock.now).members_checked == 0

        monday_clock.now += timedelta(days=11)
        run = wakeups.tick(monday_clock.now)
        assert (run.members_checked, run.members_changed) == (3, 3)
        assert [len(_expired(service, m)) for m in members] == [1, 1, 1, 0, 0, 0, 0, 0, 0]
        assert wakeups.tick(monday_clock.now + timedelta(minutes=1)).members_checked == 0  # once

        monday_clock.now += timedelta(days=30)
        run = wakeups.tick(monday_clock.now)
        assert (run.members_checked, run.members_changed) == (3, 3)
        assert [len(_expired(service, m)) for m in members] == [1, 1, 1, 1, 1, 1, 0, 0, 0]
        # Nobody is left with due work: the index missed no one a full scan would have found.
        assert not [m for m in members
                    if has_due_work(service, service.store.load_member(m.member_id), monday_clock.now)]


def test_a_restarted_worker_loses_nothing(database_url, monday_clock) -> None:
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service, phone="0903000001")
        other = enroll(service, phone="0903000002")
        earn(service, member, 10)
        with _index(service) as index:
            assert WakeUps(service, index).tick(monday_clock.now).swept
        # While no worker runs: a hold, and points that will expire.
        _reserve(service, member, 5, seconds=60)
        earn(service, other, 20, expires_at=monday_clock.now + timedelta(days=2))
        monday_clock.now += timedelta(days=3)
        written = service.store.max_notification_id()
        with _index(service) as index:  # the restarted worker: new objects, the stored index and position
            run = WakeUps(service, index).tick(monday_clock.now)
            assert not run.swept and run.indexed == 2
            assert (run.members_checked, run.members_changed) == (2, 2)
            assert index.position() == written  # its own writes are read on the next tick
        released = [e for e in service.store.member_events(member.member_id)
                    if isinstance(e, ev.ReservationReleased) and e.reason == "timed_out"]
        assert len(released) == 1 and len(_expired(service, other)) == 1
        with _index(service) as index:
            assert WakeUps(service, index).tick(monday_clock.now + timedelta(minutes=1)).members_checked == 0


def test_holds_released_one_after_another_are_each_found(database_url, monday_clock) -> None:
    with demo_ledger(database_url, monday_clock) as service, _index(service) as index:
        member = enroll(service, phone="0903000001")
        earn(service, member, 10)
        wakeups = WakeUps(service, index, every_seconds=30)
        wakeups(monday_clock.now)
        for _ in range(3):
            _reserve(service, member, 5, seconds=60)
            monday_clock.now += timedelta(seconds=31)
            wakeups(monday_clock.now)
            monday_clock.now += timedelta(seconds=31)
            wakeups(monday_clock.now)
        events = service.store.member_events(member.member_id)
        assert sum(isinstance(e, ev.ReservationReleased) and e.reason == "timed_out" for e in events) == 3
        assert service.balance(member).available == 10
