"""The read side on both stores: each projection against an oracle folded from the same events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from loyalty_core import commands as c
from loyalty_core.results import Balance
from loyalty_core.settings import Settings
from projections.queries import ReadModels
from tests.builders import key, ledger
from tests.integration.test_projections_support import (CAMPAIGN, campaign_totals, catch_up, members,
                                                        with_purchases)


@dataclass
class Story:
    url: str
    an: UUID
    binh: UUID
    chi: UUID
    an_code: str
    clock: object


def _tell(service, clock) -> tuple[UUID, UUID, UUID, str]:
    """An buys in store S1 and spends; Binh buys in the app (campaign APP_X2) and redeems; Chi only joins."""
    def run(command):
        return service.execute(command)

    an = run(c.EnrollMember(idempotency_key=key(), phone="0901234567", name="Nguyễn Văn An", channel="pos",
                            store_id="S1"))
    binh = run(c.EnrollMember(idempotency_key=key(), phone="0912345678", name="Trần Thị Bình", channel="app"))
    chi = run(c.EnrollMember(idempotency_key=key(), phone="0987654321", name="Lê Chí", channel="web"))
    a, b = c.MemberRef(member_id=an.member_id), c.MemberRef(member_id=binh.member_id)
    run(c.RecordPurchase(idempotency_key=key(), member=a, transaction_ref="T1", total=Decimal(250_000),
                         channel="pos", store_id="S1"))
    run(c.RecordPurchase(idempotency_key=key(), member=a, transaction_ref="T2", total=Decimal(5_000),
                         channel="pos", store_id="S1"))
    run(c.EarnPoints(idempotency_key=key(), member=a, points=1000, reference="welcome", channel="cli",
                     expires_at=clock.now + timedelta(days=10)))
    hold = run(c.ReservePoints(idempotency_key=key(), member=a, points=300, order_ref="O1", channel="pos",
                               store_id="S1"))
    run(c.CaptureReservation(idempotency_key=key(), reservation_id=hold.reservation_id, points=200,
                             channel="pos", store_id="S1"))
    run(c.RedeemPoints(idempotency_key=key(), member=a, points=50, order_ref="O2", channel="web"))
    run(c.AdjustPoints(idempotency_key=key(), member=a, points=-10, reason="nhập sai", actor="staff-7"))
    run(c.RecordPurchase(idempotency_key=key(), member=b, transaction_ref="A1", total=Decimal(120_000),
                         channel="app"))
    run(c.EarnPoints(idempotency_key=key(), member=b, points=40, reference="survey", source="activity",
                     channel="zalo", pending_until=clock.now + timedelta(days=5)))
    run(c.RedeemPoints(idempotency_key=key(), member=b, points=20, order_ref="O3", channel="app"))
    clock.advance(days=11)  # An's welcome points expire, Binh's pending points are released
    run(c.RunDueWork(idempotency_key=key(), member=a))
    run(c.RunDueWork(idempotency_key=key(), member=b))
    run(c.RecordPurchase(idempotency_key=key(), member=b, transaction_ref="A2", total=Decimal(60_000),
                         channel="app"))
    return an.member_id, binh.member_id, chi.member_id, an.member_code


@pytest.fixture
def story(database_url, clock) -> Story:
    with ledger(database_url, clock=clock) as service:
        ids = _tell(with_purchases(service), clock)
    catch_up(database_url, batch_size=7)  # small batches: many batch boundaries inside the story
    return Story(database_url, *ids, clock=clock)


@pytest.fixture
def reads(story):
    models = ReadModels.open(Settings(database_url=story.url), clock=story.clock)
    yield models
    models.close()


def test_each_balance_equals_the_fold_of_the_members_events(story, reads):
    with ledger(story.url) as service:
        folded = members(service.store)
    assert set(folded) == {story.an, story.binh, story.chi}
    for member_id, member in folded.items():
        assert reads.get_balance(member_id) == Balance.of(member)
    an = reads.get_balance(story.an)
    assert (an.available, an.lifetime_expired, an.lifetime_redeemed) == (25, 740, 250)


def test_an_unknown_member_has_no_balance(reads):
    assert reads.get_balance(UUID(int=7)) is None


def test_the_timeline_reads_newest_first_in_vietnamese_and_pages_with_a_cursor(story, reads):
    first = reads.list_timeline(story.an, limit=4)
    versions = [line.version for line in first.lines]
    assert versions == sorted(versions, reverse=True)
    seen, page = list(first.lines), first
    while page.next_cursor:
        page = reads.list_timeline(story.an, cursor=page.next_cursor, limit=4)
        seen += page.lines
    assert [line.version for line in seen] == list(range(len(seen), 0, -1))
    earned = next(line for line in seen if line.kind == "PointsEarned" and "T1" in line.text)
    assert earned.text.startswith("Tích 25 điểm từ đơn hàng pos/T1 (chi tiêu 250.000\xa0₫), hết hạn ")
    assert (earned.channel_label, earned.store_id) == ("Tại cửa hàng", "S1")
    welcome = next(line for line in seen if "welcome" in line.text)
    assert welcome.text.startswith("Tích 1.000 điểm (thưởng: welcome)")
    assert any(line.text == "Trừ 10 điểm: nhập sai" and line.actor == "staff-7" for line in seen)
    assert any(line.text == "740 điểm hết hạn (đến hạn)" for line in seen)


def test_the_timeline_speaks_english_when_asked(story, reads):
    lines = reads.list_timeline(story.an, limit=100, lang="en").lines
    earned = next(line for line in lines if line.kind == "PointsEarned" and "T1" in line.text)
    assert earned.text.startswith("Earned 25 points on order pos/T1 (spent ₫250,000)")
    assert earned.channel_label == "In store"


def test_campaign_statistics_count_points_members_redemptions_and_cost(story, reads, clock):
    day = clock.now.date()
    stats = reads.get_campaign_stats(CAMPAIGN, day - timedelta(days=30), day + timedelta(days=1))
    with ledger(story.url) as service:
        issued, reached, redemptions, redeemed = campaign_totals(service.store)
    assert (stats.points_issued, stats.members_reached, stats.redemptions, stats.points_redeemed) == \
        (issued, len(reached), redemptions, redeemed) == (12 + 6, 1, 1, 20)
    assert stats.cost_vnd == 18 * Settings().point_value_vnd
    assert {(d.channel, d.store_id) for d in stats.days} == {("app", None)}
    assert sum(d.members_reached for d in stats.days) == 2  # one member, reached on two days
    quiet = reads.get_campaign_stats(CAMPAIGN, day + timedelta(days=2), day + timedelta(days=9))
    assert quiet.points_issued == 0
    rules = dict((r, p) for r, p, _ in reads.get_rule_stats(day - timedelta(days=30), day))
    assert rules == {"base": 25 + 12 + 6, "app_x2": 18}


def test_kpis_count_members_activity_and_points_outstanding(story, reads, clock):
    with ledger(story.url) as service:
        folded = members(service.store)
    owed = sum(m.points_available + m.points_pending + m.points_reserved for m in folded.values())
    start = clock.now.date() - timedelta(days=30)
    report = reads.get_kpis(start, clock.now.date())
    assert report.enrolled == 3
    assert (report.purchasers, report.repeat_purchasers, report.repeat_purchase_rate) == (2, 2, Decimal(1))
    assert report.active_members == 2 and report.redeemers == 2 and report.redemption_rate == Decimal(1)
    assert report.points_outstanding == owed and report.liability_vnd == owed * Settings().point_value_vnd
    in_store = reads.get_kpis(start, clock.now.date(), channel="pos", store_id="S1")
    assert (in_store.enrolled, in_store.purchasers, in_store.redeemers) == (1, 1, 1)
    assert sum(d.spend_vnd for d in in_store.days) == Decimal(255_000)
    assert in_store.points_outstanding == owed  # liability is program-wide, whatever the filter


def test_segments_split_members_by_channel_rfm_and_churn(story, reads):
    assert reads.segments_of(story.an)[1:] == ["store_only"]
    # Binh bought last (R=3 of two buyers) and spent less (M=1); both bought twice (F=1).
    assert reads.segments_of(story.binh) == ["rfm:311", "online_only"]
    assert reads.segments_of(story.chi) == ["never_purchased"]
    assert [m.member_id for m in reads.list_segment("online_only").members] == [story.binh]
    assert [m.member_id for m in reads.list_segment("never_purchased").members] == [story.chi]
    rfm = reads.segments_of(story.binh)[0]
    assert [m.member_id for m in reads.list_segment(rfm).members] == [story.binh]
    story.clock.advance(days=91)  # both bought twice; three months later they are churn risks
    assert {m.member_id for m in reads.list_segment("churn_risk").members} == {story.an, story.binh}
    assert "churn_risk" in reads.segments_of(story.an)
    with pytest.raises(ValueError):
        reads.list_segment("rfm:999")


def test_a_segment_pages_with_a_cursor(story, reads):
    first = reads.list_segment("churn_risk", limit=1)
    assert first.members == []
    story.clock.advance(days=200)
    first = reads.list_segment("churn_risk", limit=1)
    second = reads.list_segment("churn_risk", limit=1, cursor=first.next_cursor)
    assert len(first.members) == len(second.members) == 1 and second.next_cursor is None
    assert first.members[0].member_id < second.members[0].member_id


@pytest.mark.parametrize("typed", ["4567", "0901234567", "+84 901 234 567", "nguyen van an", "NGUYỄN", "an"])
def test_staff_find_a_member_by_part_of_a_phone_or_a_name(story, reads, typed):
    hits = reads.search_members(typed)
    assert story.an in [h.member_id for h in hits]
    hit = next(h for h in hits if h.member_id == story.an)
    assert (hit.name, hit.phone, hit.member_code) == ("Nguyễn Văn An", "+84901234567", story.an_code)


def test_staff_find_a_member_by_member_code_but_never_by_qr_token(story, reads):
    assert [h.member_id for h in reads.search_members(story.an_code.lower())] == [story.an]
    with ledger(story.url) as service:
        token = service.resolve(c.MemberRef(member_id=story.an)).identifier("qr_token")
    assert reads.search_members(token[:12]) == []
    assert reads.search_members("x") == []
