"""The clock jumps: back an hour (an NTP correction), forward past an expiry (a server that slept), back
again. Every lot expires exactly once, whichever command or scheduled run meets it first, on both stores."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from loyalty_core import events as ev
from loyalty_core.scheduler import run_due
from tests.builders import earn, enroll, ledger


def test_each_lot_expires_exactly_once_across_clock_jumps(database_url, clock):
    with ledger(database_url, clock=clock) as service:
        members = [enroll(service, phone=f"09055500{i:02d}") for i in range(3)]
        for n, member in enumerate(members):
            earn(service, member, 10 + n, expires_at=clock.now + timedelta(days=10))
            earn(service, member, 100, expires_at=clock.now + timedelta(days=400))
        run_due(service, clock.now)

        clock.advance(days=11)          # past the first expiry
        run_due(service, clock.now)
        clock.advance(hours=-1)         # the clock is corrected back an hour
        run_due(service, clock.now)
        assert service.balance(members[0]).available == 100
        clock.advance(hours=-24)        # and back before the expiry instant itself
        run_due(service, clock.now)
        earn(service, members[1], 1)    # a command on the moved clock applies what is due at its time
        clock.advance(days=2)
        run_due(service, clock.now)

        for n, member in enumerate(members):
            events = service.store.member_events(member.member_id)
            expired = Counter(e.lot_id for e in events if isinstance(e, ev.PointsExpired))
            assert list(expired.values()) == [1], (member, expired)
            assert sum(e.points for e in events if isinstance(e, ev.PointsExpired)) == 10 + n
        assert service.balance(members[1]).available == 101
