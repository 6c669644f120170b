"""`audit replay` compares what the service serves (snapshots, a live process's cache) with the stored events.

Before, replay compared two folds of the same events, so a snapshot or a cached state carrying points from
a batch that was never written passed as `differences: 0`. Each test plants such a state the way the old
defect did (behind the write path's back) and expects the auditor to name it.
"""

from __future__ import annotations

from dataclasses import replace

import orjson

from loyalty_core import events as ev
from loyalty_core import snapshot as packing
from loyalty_core.settings import Settings
from projections.audit_run import replay_store
from projections.served import check_cache
from tests.builders import earn, enroll, ledger


def _plant_snapshot(service, member_id, **changes) -> None:
    """Write a snapshot whose state is not the fold of the stored events (as the defect did)."""
    state = replace(service.store.load_member(member_id), **changes)
    packed = orjson.dumps(packing.pack(state)).decode()
    service.store.snapshots.put([ev.MemberSnapshot(originator_id=member_id, originator_version=state.version,
                                                   timestamp=state.enrolled_at, state={"packed": packed})])


def test_replay_is_clean_on_an_honest_store_with_snapshots(database_url):
    with ledger(database_url, snapshot_interval=3) as service:
        members = [enroll(service, phone=f"09012345{i:02d}") for i in range(3)]
        for member in members:
            for _ in range(4):
                earn(service, member, 7)
        assert list(service.store.snapshots.get(members[0].member_id))  # the snapshot path is exercised
    report = replay_store(Settings(database_url=database_url))
    assert report.members == 3 and report.ok, report.differences


def test_replay_names_a_snapshot_that_serves_points_the_events_do_not_hold(database_url):
    with ledger(database_url) as service:
        honest, phantom = enroll(service, phone="0901234501"), enroll(service, phone="0901234502")
        for member in (honest, phantom):
            earn(service, member, 10)
        stored = service.store.load_member(phantom.member_id)
        lot = next(iter(stored.lots.values()))
        _plant_snapshot(service, phantom.member_id,
                        lots={**stored.lots, "phantom": replace(lot, lot_id="phantom", points=50, remaining=50)})
    report = replay_store(Settings(database_url=database_url))
    findings = [d for d in report.differences if d.member_id == phantom.member_id]
    assert [d.what for d in findings] == ["snapshot path: balance differs"]
    assert findings[0].stored["available"] == 60 and findings[0].folded["available"] == 10
    assert not [d for d in report.differences if d.member_id == honest.member_id]


def test_replay_names_a_gap_in_a_members_stored_versions(database_url):
    with ledger(database_url) as service:
        member = enroll(service)
        earn(service, member, 10)
        top = service.store.load_member(member.member_id).version
        service.store.record([ev.PointsAdjusted(originator_id=member.member_id, originator_version=top + 2,
                                                timestamp=service.clock(), delta=5, reason="on a phantom",
                                                lot_id="lot-gap", channel="test")])
    report = replay_store(Settings(database_url=database_url))
    assert any("gap" in d.what for d in report.differences if d.member_id == member.member_id), \
        report.differences


def test_a_live_processs_cache_is_checked_against_the_stored_events(database_url):
    with ledger(database_url) as service:
        honest, phantom = enroll(service, phone="0901234501"), enroll(service, phone="0901234502")
        earn(service, honest, 10)
        earn(service, phantom, 10)
        checked, findings = check_cache(service.store)
        assert checked == 2 and findings == []
        state = service.store.load_member(phantom.member_id)
        service.store.members.put(replace(state, lifetime_earned=state.lifetime_earned + 50))
        checked, findings = check_cache(service.store)
        assert checked == 2
        assert [(f.member_id, f.what) for f in findings] == [(phantom.member_id, "cache: balance differs")]


def test_replay_reads_the_served_states_of_a_chunk_in_one_query_not_one_load_per_member(database_url, monkeypatch):
    """One member at a time, the served check cost two round trips each (84 s for 15,000 members in the bench);
    on PostgreSQL a chunk's snapshots and newer events are read in one query, and the findings are the same.
    SQLite has no such query (`select_histories`): there each member is still loaded alone, with the same
    findings."""
    from loyalty_core.ledger import LedgerStore

    with ledger(database_url, snapshot_interval=3) as service:
        members = [enroll(service, phone=f"09012346{i:02d}") for i in range(4)]
        for member in members:
            for _ in range(4):
                earn(service, member, 7)
        phantom = members[1].member_id
        stored = service.store.load_member(phantom)
        lot = next(iter(stored.lots.values()))
        _plant_snapshot(service, phantom,
                        lots={**stored.lots, "phantom": replace(lot, lot_id="phantom", points=50, remaining=50)})
    loads: list = []
    original = LedgerStore.load_member
    monkeypatch.setattr(LedgerStore, "load_member", lambda self, member_id, *a, **k: loads.append(member_id)
                        or original(self, member_id, *a, **k))
    report = replay_store(Settings(database_url=database_url))
    assert report.members == 4
    assert [(d.member_id, d.what) for d in report.differences] == [(phantom, "snapshot path: balance differs")]
    if database_url.startswith("postgresql"):
        assert loads == []  # every served state came from the chunk's one query
    else:
        assert sorted(loads) == sorted(m.member_id for m in members)
