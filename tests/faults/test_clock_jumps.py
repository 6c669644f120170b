"""The clock jumps: back an hour (an NTP correction), forward past an expiry (a server that slept), back
again. Every lot expires exactly once, whichever command or scheduled run meets it first, on both stores."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from loyalty_core import events as ev
from loyalty_core.scheduler import run_due
from tests.builders import earn, enroll, ledger
from tests.faults.figures import record, store_name


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

        stored = {m.member_id: service.store.member_events(m.member_id) for m in members}
        # The test's own commands (the scheduled runs write receipts of their own), and each lot by member.
        receipts = Counter(e.idempotency_key for _, e in service.store.iter_events()
                           if isinstance(e, ev.CommandAccepted) and e.command in ("EnrollMember", "EarnPoints"))
        expiries = Counter((m, e.lot_id) for m, events in stored.items() for e in events
                           if isinstance(e, ev.PointsExpired))
        record(f"clock_jumps_{store_name(database_url)}", {
            "commands_acknowledged": 3 + 6 + 1, "commands_found_after": len(receipts),
            "commands_stored_twice": sum(1 for v in receipts.values() if v > 1),
            "lots_due": 3, "lots_expired": len(expiries), "lots_expired_twice": sum(1 for v in expiries.values() if v > 1),
            "run_due_calls": 6, "clock_moves": ["+11 d", "-1 h", "-24 h", "+2 d"]})
        for n, member in enumerate(members):
            events = stored[member.member_id]
            expired = Counter(e.lot_id for e in events if isinstance(e, ev.PointsExpired))
            assert list(expired.values()) == [1], (member, expired)
            assert sum(e.points for e in events if isinstance(e, ev.PointsExpired)) == 10 + n
        assert service.balance(members[1]).available == 101
