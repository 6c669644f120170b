"""Today's code reads a store written by the previous release (commit 0acb18e) and serves the same answers.

The fixture was written by that release's own code (tests/fixtures/previous_release/make_store.py): every
kind of member event, snapshots, claims and receipts, and the balances that release served. Any change to
an event class that old events cannot follow (a field added without a default, a rename without an
upcaster: see loyalty_core/upcasting.py) fails here, not in a chain's production database.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import datetime
from pathlib import Path
from uuid import UUID

import pytest

from loyalty_core import commands as c
from loyalty_core import events as ev
from loyalty_core.ledger import project_stored_member
from loyalty_core.settings import Settings
from projections.audit_run import replay_store
from tests.builders import ledger
from tests.integration.test_projections_support import catch_up

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "previous_release"
SERVED = json.loads((FIXTURE / "served-0acb18e.json").read_text())


@pytest.fixture
def old_store(tmp_path: Path) -> str:
    copy = tmp_path / "loyalty.db"
    shutil.copy(FIXTURE / "store-0acb18e.db", copy)
    return f"sqlite:///{copy}"


class At:
    def __init__(self, moment: datetime):
        self.now = moment

    def __call__(self) -> datetime:
        return self.now


def test_every_event_of_the_previous_release_reads_with_every_field_of_todays_classes(old_store):
    with ledger(old_store) as service:
        events = [event for _, event in service.store.iter_events()]
    assert len(events) > 100
    kinds = {type(event).__name__ for event in events}
    assert {"MemberEnrolled", "PointsEarned", "PointsRedeemed", "PointsReserved", "ReservationCaptured",
            "EarnReversed", "PointsAdjusted", "TierChanged", "CommandAccepted", "ClaimTaken"} <= kinds, kinds
    for event in events:
        for f in dataclasses.fields(event):
            getattr(event, f.name)  # a field added since then reads as its default, never AttributeError


def test_the_previous_releases_members_are_served_as_that_release_served_them(old_store):
    from projections.catalog import ReadSide  # noqa: F401 - the read side must import with old stores too

    served_at = datetime.fromisoformat(SERVED["served_at"])
    with ledger(old_store, clock=At(served_at)) as service:
        from loyalty_core.runtime import open_runtime

        runtime = open_runtime(Settings(database_url=old_store), clock=At(served_at))
        try:
            for member_id, then in SERVED["members"].items():
                ref = c.MemberRef(member_id=UUID(member_id))
                summary = runtime.service.member_summary(ref)
                now = json.loads(json.dumps(dataclasses.asdict(summary.balance), default=str))
                assert now == then["balance"], member_id
                assert summary.tier == then["tier"]
                stored = service.store.member_events(UUID(member_id))
                assert [e.originator_version for e in stored][-1] == then["version"]
                assert project_stored_member(None, stored) == service.store.load_member(UUID(member_id))
            # and the old store takes new writes
            first = c.MemberRef(member_id=UUID(next(iter(SERVED["members"]))))
            result = runtime.service.execute(c.AdjustPoints(idempotency_key="after-upgrade", member=first,
                                                            points=7, reason="first write after upgrade"))
            assert result.balance.available == SERVED["members"][str(first.member_id)]["balance"]["available"] + 7
        finally:
            runtime.close()


def test_the_read_side_builds_from_the_previous_release_and_the_audit_agrees(old_store):
    catch_up(old_store)
    report = replay_store(Settings(database_url=old_store))
    assert report.members == len(SERVED["members"]) and report.ok, report.differences


def test_an_added_field_reads_as_its_default_on_both_decoders(database_url):
    """A stored PointsEarned that lacks fields today's class has, read by the write side's mapper and by the
    read side's fast decoder: both give every field its default (removing `complete` from either fails)."""
    from eventsourcing.persistence import Notification, StoredEvent
    from eventsourcing.utils import get_topic

    from projections.codec import Decoder

    with ledger(database_url) as service:
        mapper = service.store.mapper
        old_state = mapper.transcoder.encode({
            "timestamp": datetime(2026, 1, 1), "channel": "pos", "lot_id": "l1", "points": 5, "source": "bonus",
            "reference": "r", "occurred_at": datetime(2026, 1, 1), "pending_until": None, "expires_at": None})
        stored = dict(originator_id=UUID(int=1), originator_version=1, topic=get_topic(ev.PointsEarned),
                      state=old_state)
        written_side = mapper.to_domain_event(StoredEvent(**stored))
        read_side = Decoder(mapper).decode(Notification(id=1, **stored))
        for event in (written_side, read_side):
            assert (event.breakdown, event.stamps_added, event.stamps_used, event.debt_settled) == ([], {}, {}, 0)
            assert event.currency == "VND" and event.program_version == 0


@dataclasses.dataclass(frozen=True, kw_only=True)
class ParcelWeighed(ev.Event):
    """The worked example of docs/upcasting.md: v1 stored `weight` in grams as text; v2 renamed it
    `weight_g` and made it an int. Events written as v1 are rewritten as they are read."""

    weight_g: int
    note: str = ""

    class_version = 2

    @staticmethod
    def upcast_v1_v2(state: dict) -> None:
        state["weight_g"] = int(state.pop("weight"))


def test_a_renamed_field_is_upcast_by_class_version_when_an_old_event_is_read(database_url):
    from eventsourcing.persistence import StoredEvent
    from eventsourcing.utils import get_topic

    with ledger(database_url) as service:
        mapper = service.store.mapper
        v1_state = mapper.transcoder.encode({"timestamp": datetime(2026, 1, 1), "weight": "1250"})
        read = mapper.to_domain_event(StoredEvent(originator_id=UUID(int=7), originator_version=1,
                                                  topic=get_topic(ParcelWeighed), state=v1_state))
        assert (read.weight_g, read.note) == (1250, "")  # renamed by the upcaster, added field defaulted
        written = mapper.to_stored_event(ParcelWeighed(originator_id=UUID(int=7), originator_version=2,
                                                       timestamp=datetime(2026, 1, 2), weight_g=900))
        assert mapper.transcoder.decode(written.state)["class_version"] == 2
