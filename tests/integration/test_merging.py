"""Merging duplicate members and undoing it, on both stores: what moves (lots with their own expiry and pending
date, vouchers, identifiers, stamps, tier figures), how the duplicate's ids find the survivor afterwards, refunds
of pre-merge sales, refusals, the exact inverse, what blocks an unmerge, retries, and merges racing purchases."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core.identity import merge_rules as rules
from loyalty_core.identity.merging import MergeMembers, MergeResult, UnmergeMembers
from loyalty_core.runtime import open_runtime
from loyalty_core.service import enable_group_commit
from loyalty_core.settings import Settings
from projections.audit_run import replay_store
from projections.queries import ReadModels
from tests.integration.test_projections_support import catch_up

SATURDAY = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)


@pytest.fixture
def runtime(database_url, clock):
    rt = open_runtime(Settings(database_url=database_url), clock=clock)
    rt.service.policy.install_demo(datetime(2025, 1, 1, tzinfo=UTC))
    yield rt
    if rt.service.batcher is not None:
        rt.service.batcher.close()
    rt.close()


def enrol(service, phone: str, **fields) -> c.MemberRef:
    result = service.execute(c.EnrollMember(idempotency_key=f"enrol-{phone}", phone=phone, channel="pos", **fields))
    return c.MemberRef(member_id=result.member_id)


def buy(service, who: c.MemberRef, ref: str, total: int = 100_000, coffee: int = 0):
    cups = Decimal(25_000 * coffee)
    lines = (c.PurchaseLineInput(sku="CF", category="coffee", quantity=coffee, unit_price=Decimal(25_000), amount=cups),
             c.PurchaseLineInput(sku="CAKE", category="food", quantity=1, unit_price=total - cups,
                                 amount=total - cups)) if coffee else ()
    return service.execute(c.RecordPurchase(idempotency_key=ref, channel="pos", store_id="HCM-01", transaction_ref=ref,
                                            member=who, total=Decimal(total), lines=lines))


def merge(service, survivor: c.MemberRef, merged: c.MemberRef, key: str = "merge-1", reason: str = "same person"):
    return service.execute(MergeMembers(idempotency_key=key, channel="console", actor="staff-1", survivor=survivor,
                                        merged=merged, reason=reason))


def unmerge(service, survivor: c.MemberRef, merged: c.MemberRef, key: str = "unmerge-1"):
    return service.execute(UnmergeMembers(idempotency_key=key, channel="console", actor="staff-1",
                                          survivor=survivor, merged=merged, reason="not the same person"))


def state(runtime, ref: c.MemberRef):
    """The member's own state (no merge followed), without its version."""
    return replace(runtime.store.load_member(ref.member_id), version=0)


def rich_duplicate(runtime, clock):
    """Two records of one person: the duplicate has a pending lot, two lots of different expiry, a voucher,
    stamps, a higher tier and an email."""
    service = runtime.service
    lan = enrol(service, "0901234567")
    dup = enrol(service, "0912345678", email="lan@example.vn")
    buy(service, lan, "HD-L1", 200_000)
    buy(service, dup, "HD-D1", 2_500_000, coffee=3)  # 250 points, 3 coffee stamps
    service.execute(c.EarnPoints(idempotency_key="gift", member=dup, points=40, reference="gift", source="bonus",
                                 expires_at=clock() + timedelta(days=20)))
    service.execute(c.EarnPoints(idempotency_key="pend", member=dup, points=15, reference="web-order",
                                 pending_until=clock() + timedelta(days=7)))
    service.execute(c.RedeemPoints(idempotency_key="voucher", member=dup, reward_id="discount-15", order_ref="O-1"))
    service.execute(c.ChangeTier(idempotency_key="tier", member=dup, tier="gold", reason="VIP card"))
    return lan, dup


def test_a_merge_moves_everything_open_in_one_step_and_the_duplicate_finds_the_survivor(runtime, clock):
    service = runtime.service
    lan, dup = rich_duplicate(runtime, clock)
    before_lan, before_dup = runtime.store.load_member(lan.member_id), runtime.store.load_member(dup.member_id)
    total = sum(m.points_available + m.points_pending for m in (before_lan, before_dup))
    result = merge(service, lan, dup)
    assert isinstance(result, MergeResult) and result.status == "merged" and result.merged_member_id == dup.member_id
    assert result.merged_balance.available == 0 and result.merged_balance.pending == 0
    assert result.points_moved == before_dup.points_available + before_dup.points_pending
    after_lan, after_dup = runtime.store.load_member(lan.member_id), runtime.store.load_member(dup.member_id)
    assert after_lan.points_available + after_lan.points_pending == total  # nothing gained or lost
    assert after_dup.lots == {} and after_dup.merged_into == lan.member_id and after_dup.identifiers == ()
    end = rules.suffix(dup.member_id)
    for lot in before_dup.lots.values():  # each lot keeps its own expiry and pending date
        moved = after_lan.lots[lot.lot_id + end]
        assert (moved.remaining, moved.expires_at, moved.pending_until) == \
            (lot.remaining, lot.expires_at, lot.pending_until)
    assert after_lan.points_pending == 15
    assert {code for code, v in after_lan.vouchers.items() if v.status == "issued"} == set(before_dup.vouchers)
    assert after_lan.stamps.get("coffee") == 3 and after_lan.tier == "gold"  # the higher tier
    assert {("phone", "+84912345678"), ("email", "lan@example.vn")} <= set(after_lan.identifiers)
    assert after_lan.purchase_count == 2 and "pos/HD-D1" in after_lan.earnings
    # Reads and commands by the duplicate's id, phone, email, member code and QR token reach the survivor.
    code, qr = before_dup.identifier("member_code"), before_dup.identifier("qr_token")
    for ref in (dup, c.MemberRef(phone="0912345678"), c.MemberRef(email="lan@example.vn"),
                c.MemberRef(member_code=code), c.MemberRef(qr_token=qr)):
        assert service.resolve(ref).id == lan.member_id
        assert service.balance(ref) == service.balance(lan)
    voucher = next(iter(before_dup.vouchers))
    service.execute(c.UseVoucher(idempotency_key="use", voucher_code=voucher, order_ref="O-2"))
    assert runtime.store.load_member(lan.member_id).vouchers[voucher].status == "used"
    earned = buy(service, dup, "HD-D2", 100_000)  # a till that still has the old member id
    assert earned.member_id == lan.member_id
    # Both histories remain: the duplicate's own events end with the merge.
    names = [type(e).__name__ for e in runtime.store.member_events(dup.member_id)]
    assert names[-1] == "MemberMergedInto" and "PointsEarned" in names


def test_a_refund_of_a_sale_the_duplicate_made_before_the_merge_claws_back_from_the_survivor(runtime, clock):
    service = runtime.service
    lan, dup = rich_duplicate(runtime, clock)
    merge(service, lan, dup)
    before = service.balance(lan).available
    refund = service.execute(c.RefundPurchase(idempotency_key="r-1", channel="pos", transaction_ref="HD-D1",
                                              refund_ref="HD-D1-R", amount=Decimal(1_000_000)))
    assert refund.member_id == lan.member_id and refund.points_reversed == 100
    assert service.balance(lan).available == before - 100


def test_unmerge_right_after_a_merge_gives_both_members_back_exactly(runtime, clock):
    service = runtime.service
    lan, dup = rich_duplicate(runtime, clock)
    lan_before, dup_before = state(runtime, lan), state(runtime, dup)
    merge(service, lan, dup)
    result = unmerge(service, lan, c.MemberRef(phone="0912345678"))  # the duplicate named by its old phone
    assert result.status == "unmerged" and result.merged_member_id == dup.member_id
    assert state(runtime, lan) == lan_before and state(runtime, dup) == dup_before
    assert service.resolve(c.MemberRef(phone="0912345678")).id == dup.member_id
    assert service.resolve(c.MemberRef(phone="0901234567")).id == lan.member_id
    # Merged again later (a new key): the same moves once more.
    merge(service, lan, dup, key="merge-2")
    assert service.resolve(dup).id == lan.member_id


def test_unmerge_is_refused_with_what_blocks_it_once_something_moved_was_used(runtime, clock):
    service = runtime.service
    lan, dup = rich_duplicate(runtime, clock)
    voucher = next(iter(runtime.store.load_member(dup.member_id).vouchers))
    merge(service, lan, dup)
    service.execute(c.RedeemPoints(idempotency_key="spend", member=lan, points=100, order_ref="O-9"))
    service.execute(c.UseVoucher(idempotency_key="use", voucher_code=voucher, order_ref="O-10"))
    with pytest.raises(rules.UnmergeBlocked) as refused:
        unmerge(service, lan, dup)
    blocking = refused.value.details["blocking"]
    assert {"what": "voucher", "id": voucher, "problem": "used"} in blocking
    assert any(b["what"] == "lot" and b["problem"] == "spent" for b in blocking)
    assert runtime.store.load_member(dup.member_id).merged_into == lan.member_id  # nothing was written


def test_merges_that_make_no_sense_are_refused_and_write_nothing(runtime, clock):
    service = runtime.service
    a, b, d = (enrol(service, phone) for phone in ("0901111111", "0902222222", "0903333333"))
    other = enrol(service, "0904444444", program_code="OTHER")
    with pytest.raises(rules.MergeIntoSelf):
        merge(service, a, a)
    with pytest.raises(rules.MergeProgramMismatch):
        merge(service, a, other)
    service.execute(c.EarnPoints(idempotency_key="e", member=b, points=50, reference="x"))
    service.execute(c.ReservePoints(idempotency_key="hold", member=b, points=20, order_ref="POS-1"))
    with pytest.raises(rules.MergeOpenReservations):
        merge(service, a, b)
    clock.advance(hours=1)  # the hold timed out: the merge may go ahead and moves all 50 points
    assert merge(service, a, b).points_moved == 50
    with pytest.raises(rules.MemberAlreadyMerged):  # into a member that was merged away
        merge(service, b, d, key="m-2")
    with pytest.raises(rules.MemberAlreadyMerged):  # the same duplicate again
        merge(service, d, b, key="m-3")
    with pytest.raises(rules.MergeChain):  # A into B, then B into C: refused; merge both into C instead
        merge(service, d, a, key="m-4")
    with pytest.raises(rules.MergeNotFound):
        unmerge(service, d, a)
    with pytest.raises(errors.MemberNotFound):
        merge(service, a, c.MemberRef(phone="0909999999"), key="m-5")


def test_a_retried_merge_gets_the_original_answer_and_another_body_with_its_key_is_refused(runtime, clock):
    service = runtime.service
    lan, dup = rich_duplicate(runtime, clock)
    first = merge(service, lan, dup)
    again = merge(service, lan, dup)
    assert again.replayed and again == first and again.merged_balance == first.merged_balance
    with pytest.raises(errors.IdempotencyKeyReused):
        merge(service, lan, dup, reason="another reason")
    assert len(runtime.store.member_events(dup.member_id)) == len(runtime.store.member_events(dup.member_id))


@pytest.mark.parametrize("group_commit", [False, True], ids=["one-by-one", "group-commit"])
def test_a_merge_racing_purchases_on_both_members_lands_every_sale_once(runtime, group_commit):
    service = runtime.service
    if group_commit:
        enable_group_commit(service)
    lan, dup = enrol(service, "0905555555"), enrol(service, "0906666666")
    answers, failures = {}, []

    def sell(phone: str, n: int) -> None:
        for i in range(n):
            ref = f"{phone}-{i}"
            try:
                answers[ref] = buy(service, c.MemberRef(phone=phone), ref, 100_000 + 10_000 * i)
            except Exception as exc:  # noqa: BLE001 - collected and failed below
                failures.append(exc)

    threads = [threading.Thread(target=sell, args=(phone, 12)) for phone in ("0905555555", "0906666666")]
    merged = []
    threads.append(threading.Thread(target=lambda: merged.append(merge(service, lan, dup))))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and len(merged) == 1 and len(answers) == 24
    survivor, duplicate = runtime.store.load_member(lan.member_id), runtime.store.load_member(dup.member_id)
    oracle = sum(result.points_earned for result in answers.values())
    assert survivor.points_available + survivor.points_pending == oracle
    assert duplicate.points_available + duplicate.points_pending == 0
    assert sorted(survivor.earnings) == sorted(f"pos/{ref}" for ref in answers)  # each sale once, all here
    assert survivor.purchase_count == 24


def test_projections_show_the_merge_and_the_audit_replay_equals_them(runtime, clock, database_url):
    service = runtime.service
    lan, dup = rich_duplicate(runtime, clock)
    keep = enrol(service, "0907777777")
    buy(service, keep, "HD-K1", 300_000)
    merge(service, lan, dup)
    merge(service, lan, keep, key="merge-2")
    unmerge(service, lan, keep, key="unmerge-2")
    catch_up(database_url, batch_size=7)
    report = replay_store(Settings(database_url=database_url))
    assert report.ok, report.differences
    reads = ReadModels.open(Settings(database_url=database_url), clock=clock)
    try:
        assert reads.get_balance(lan.member_id) == service.balance(lan)
        assert reads.get_balance(dup.member_id).available == 0
        assert reads.get_balance(keep.member_id) == service.balance(keep)
        # The duplicate is in no segment; its purchase counts for the survivor; the unmerged one is back.
        assert reads.segments_of(dup.member_id) == []
        assert reads.segments_of(keep.member_id)[-1] == "store_only"
        assert reads.segments_of(lan.member_id)[-1] == "store_only"
        for lang, words in (("vi", ("Gộp hội viên trùng", "Tách hội viên")), ("en", ("merged in", "unmerged"))):
            texts = [line.text for line in reads.list_timeline(lan.member_id, limit=100, lang=lang).lines]
            assert all(any(w in t for t in texts) for w in words), texts
        texts = [line.text for line in reads.list_timeline(dup.member_id, limit=100).lines]
        assert texts[0].startswith("Đã gộp vào hội viên")
        # Search finds the survivor by the duplicate's phone (the phone moved with it).
        assert [hit.member_id for hit in reads.search_members("0912345678")] == [lan.member_id]
    finally:
        reads.close()
