"""Scheduled work through the wake-up index (loyalty_core/wakeups.py), both stores: a tick loads only the
members whose instant has come, events since the last tick re-index their members, a new day sweeps
everyone (program-time rules), and the outcome is the same as the full scan's."""

from __future__ import annotations

from datetime import timedelta

from loyalty_core import commands as c
from loyalty_core import events as ev
from loyalty_core.wakeups import WakeUps
from tests.builders import earn, enroll, key
from tests.integration.test_program_ledger import demo_ledger, monday_clock  # noqa: F401 - fixture


def _reserve(service, member, points, seconds=900):
    return service.execute(c.ReservePoints(idempotency_key=key("hold"), member=member, points=points,
                                           order_ref=key("order"), hold_seconds=seconds, channel="pos",
                                           store_id="HCM-01"))


def test_a_tick_loads_only_the_members_whose_instant_has_come(database_url, monday_clock) -> None:
    with demo_ledger(database_url, monday_clock) as service:
        members = [enroll(service, phone=f"09010000{n:02d}") for n in range(6)]
        for member in members:
            earn(service, member, 100)
        wakeups = WakeUps(service, every_seconds=30)
        first = wakeups(monday_clock.now)
        assert first.swept and first.members_checked == 6 and first.members_changed == 0
        # A hold made after the sweep: only the event log tells the index about it.
        _reserve(service, members[2], 40, seconds=600)
        monday_clock.now += timedelta(seconds=20)
        assert wakeups(monday_clock.now) is None  # not yet 30 s
        monday_clock.now += timedelta(seconds=20)
        quiet = wakeups(monday_clock.now)
        assert not quiet.swept and quiet.members_checked == 0  # nothing due: nobody loaded
        monday_clock.now += timedelta(minutes=11)
        due = wakeups(monday_clock.now)
        assert (due.swept, due.members_checked, due.members_changed) == (False, 1, 1)
        expired = [e for e in service.store.member_events(members[2].member_id)
                   if isinstance(e, ev.ReservationReleased) and e.reason == "timed_out"]
        assert len(expired) == 1 and service.balance(members[2]).available == 100
        monday_clock.now += timedelta(minutes=1)
        assert wakeups(monday_clock.now).members_checked == 0  # applied once, not indexed again


def test_a_new_day_sweeps_everyone_for_program_time_rules(database_url, monday_clock) -> None:
    with demo_ledger(database_url, monday_clock) as service:
        for n in range(3):
            enroll(service, phone=f"09020000{n:02d}")
        wakeups = WakeUps(service, every_seconds=30)
        assert wakeups(monday_clock.now).swept
        monday_clock.now += timedelta(hours=1)
        assert not wakeups(monday_clock.now).swept
        monday_clock.now += timedelta(days=1)
        again = wakeups(monday_clock.now)
        assert again.swept and again.members_checked == 3


def test_the_index_and_the_full_scan_expire_the_same_points(database_url, monday_clock) -> None:
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service, phone="0903000001")
        earn(service, member, 10)
        wakeups = WakeUps(service, every_seconds=30)
        wakeups(monday_clock.now)
        for _ in range(3):  # holds released one after another, each found through the index
            _reserve(service, member, 5, seconds=60)
            monday_clock.now += timedelta(seconds=31)
            wakeups(monday_clock.now)
            monday_clock.now += timedelta(seconds=31)
            wakeups(monday_clock.now)
        events = service.store.member_events(member.member_id)
        assert sum(isinstance(e, ev.ReservationReleased) and e.reason == "timed_out" for e in events) == 3
        assert service.balance(member).available == 10
