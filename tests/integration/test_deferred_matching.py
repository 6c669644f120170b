"""Deferred matching and receipt claiming on both stores: a sale for nobody yet is held, then credited once,
with the rules of its own date, to the member who takes the phone, channel id or receipt over, also when
the enrolment and the purchases race each other from many threads."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from loyalty_core import commands as c
from loyalty_core import identifiers as ids
from loyalty_core import program as prog
from loyalty_core.errors import InvalidInput, TransactionNotFound
from loyalty_core.identity.holding import RECEIPT, UnclaimedPurchaseResult, load_stream
from loyalty_core.identity.receipts import ClaimReceipt, ReceiptAlreadyClaimed, ReceiptClaimWindowClosed
from loyalty_core.migration.handlers import ImportMember
from loyalty_core.runtime import open_runtime
from loyalty_core.service import enable_group_commit
from loyalty_core.settings import Settings

SATURDAY = datetime(2026, 1, 10, 3, 0, tzinfo=UTC)  # 10:00 in Hồ Chí Minh City: weekend x2


@pytest.fixture
def runtime(database_url, clock):
    rt = open_runtime(Settings(database_url=database_url), clock=clock)
    rt.service.policy.install_demo(datetime(2025, 1, 1, tzinfo=UTC))
    yield rt
    if rt.service.batcher is not None:
        rt.service.batcher.close()
    rt.close()


def purchase(ref: str, total: int = 100_000, at: datetime = SATURDAY, **member) -> c.RecordPurchase:
    return c.RecordPurchase(idempotency_key=ref, channel="pos", store_id="HCM-01", transaction_ref=ref,
                            member=c.MemberRef(**member), total=Decimal(total), occurred_at=at)


def enrol(phone: str, key: str = "enrol") -> c.EnrollMember:
    return c.EnrollMember(idempotency_key=f"{key}-{phone}", phone=phone, channel="pos")


def test_a_sale_for_an_unknown_phone_is_held_and_credited_on_enrolment_with_the_rules_of_its_date(runtime, clock):
    service = runtime.service
    held = service.execute(purchase("HD-1", phone="0901234567"))
    assert isinstance(held, UnclaimedPurchaseResult) and held.status == "unclaimed" and held.member_id is None
    assert held.expires_at == SATURDAY + timedelta(days=90)
    # Marketing ends weekend double points after the sale but before the shopper enrols.
    service.policy.administer(prog.RemoveRule("weekend-x2"), "marketing", clock())
    member = service.execute(enrol("0901234567"))
    assert member.balance.available == 20  # 100.000 ₫ = 10 points, doubled: the Saturday's rules
    clock.advance(days=2)  # Saturday 17 January, after the change
    again = service.execute(purchase("HD-2", phone="0901234567", at=clock()))
    assert again.points_earned == 10  # a Saturday sale under today's rules: no doubling
    stream = load_stream(runtime.store, ids.claim_id("phone", "+84901234567"))
    assert stream.waiting == [] and stream.owner == member.member_id


def test_a_retried_held_sale_is_held_once_and_credited_once(runtime):
    service = runtime.service
    first = service.execute(purchase("HD-1", phone="0901234567"))
    retry = service.execute(purchase("HD-1", phone="0901234567"))
    assert retry.replayed and isinstance(retry, UnclaimedPurchaseResult) and retry.transaction_ref == "HD-1"
    service.execute(enrol("0901234567"))
    member = service.resolve(c.MemberRef(phone="0901234567"))
    assert member.lifetime_earned == 20 and list(member.earnings) == ["pos/HD-1"]
    assert first.held_for == "phone"


def test_a_linked_channel_id_brings_its_held_marketplace_orders(runtime):
    service = runtime.service
    service.execute(purchase("SP-1", channel_id="shopee:buyer42"))
    enrolled = service.execute(enrol("0901234567"))
    assert enrolled.balance.available == 0
    linked = service.execute(c.LinkIdentifier(idempotency_key="link-1", member=c.MemberRef(phone="0901234567"),
                                              kind="channel_id", value="shopee:buyer42"))
    assert linked.balance.available == 20


def test_held_sales_older_than_the_window_expire_uncredited(runtime, clock):
    service = runtime.service
    service.execute(purchase("HD-OLD", phone="0901234567"))
    clock.advance(days=90)
    member = service.execute(enrol("0901234567"))
    assert member.balance.available == 0
    claimed = [e for e in runtime.store.events.get(ids.claim_id("phone", "+84901234567"))
               if type(e).__name__ == "HeldPurchasesClaimed"]
    assert claimed[0].credited == [] and claimed[0].expired == ["pos/HD-OLD"]


def test_an_imported_member_takes_over_the_sales_held_for_their_phone(runtime):
    runtime.service.execute(purchase("HD-1", phone="0901234567"))
    imported = runtime.service.execute(ImportMember(idempotency_key="imp-1", idempotency_scope="import/members",
                                                    channel="import", phone="+84901234567", points=5))
    assert imported.balance.available == 25


@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "group-commit"])
def test_enrolment_racing_purchases_credits_every_sale_exactly_once(runtime, batched):
    if batched:
        enable_group_commit(runtime.service)
    service, phone, sales = runtime.service, "0901234567", 24
    start = threading.Barrier(sales + 1)
    failures: list[BaseException] = []

    def sell(i: int) -> None:
        start.wait()
        try:
            service.execute(purchase(f"R-{i}", total=50_000, phone=phone))  # 1.2M in all: no tier upgrade
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    def join() -> None:
        start.wait()
        service.execute(enrol(phone))

    threads = [threading.Thread(target=sell, args=(i,)) for i in range(sales)] + [threading.Thread(target=join)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures
    member = runtime.store.load_member(service.resolve(c.MemberRef(phone=phone)).id)
    assert sorted(member.earnings) == sorted(f"pos/R-{i}" for i in range(sales))
    assert member.lifetime_earned == sales * 10  # each once: 5 points, weekend x2
    assert load_stream(runtime.store, ids.claim_id("phone", "+84901234567")).waiting == []


def test_a_sale_without_a_member_is_claimed_from_its_receipt_by_one_member_once(runtime, clock):
    service = runtime.service
    held = service.execute(purchase("BILL-7"))
    assert held.held_for == RECEIPT
    a = service.execute(enrol("0901234567"))
    b = service.execute(enrol("0907654321"))
    claim = ClaimReceipt(idempotency_key="claim-a", member=c.MemberRef(member_id=a.member_id), transaction_ref="BILL-7")
    result = service.execute(claim)
    assert result.points_earned == 20 and result.balance.available == 20
    assert service.execute(claim).replayed  # the same request again: the first answer
    with pytest.raises(ReceiptAlreadyClaimed):
        service.execute(ClaimReceipt(idempotency_key="claim-b", member=c.MemberRef(member_id=b.member_id),
                                     transaction_ref="BILL-7"))
    with pytest.raises(ReceiptAlreadyClaimed):
        service.execute(ClaimReceipt(idempotency_key="claim-a2", member=c.MemberRef(member_id=a.member_id),
                                     transaction_ref="BILL-7"))
    assert service.balance(c.MemberRef(member_id=b.member_id)).available == 0


def test_a_receipt_can_be_claimed_only_within_the_window(runtime, clock):
    service = runtime.service
    service.execute(purchase("BILL-8", at=clock()))
    a = service.execute(enrol("0901234567"))
    clock.advance(days=31)
    with pytest.raises(ReceiptClaimWindowClosed):
        service.execute(ClaimReceipt(idempotency_key="late", member=c.MemberRef(member_id=a.member_id),
                                     transaction_ref="BILL-8"))


def test_two_members_racing_for_one_receipt_only_one_gets_it(runtime):
    service = runtime.service
    service.execute(purchase("BILL-9"))
    members = [service.execute(enrol(f"090765432{i}")).member_id for i in range(6)]
    start = threading.Barrier(len(members))
    won, lost = [], []

    def claim(member_id) -> None:
        start.wait()
        try:
            won.append(service.execute(ClaimReceipt(idempotency_key=f"c-{member_id}",
                                                    member=c.MemberRef(member_id=member_id),
                                                    transaction_ref="BILL-9")))
        except ReceiptAlreadyClaimed:
            lost.append(member_id)

    threads = [threading.Thread(target=claim, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(won) == 1 and len(lost) == len(members) - 1
    total = sum(service.balance(c.MemberRef(member_id=m)).lifetime_earned for m in members)
    assert total == 20


def with_code(ref: str, code: str) -> c.RecordPurchase:
    return replace(purchase(ref), invoice_lookup_code=code)


def test_a_sale_is_claimed_by_its_e_invoice_lookup_code_or_its_receipt_number_once(runtime):
    service = runtime.service
    held = service.execute(with_code("BILL-20", "b7k2 9qx1"))  # as a shopper types it: lower case, a space
    assert held.held_for == RECEIPT
    assert service.execute(with_code("BILL-20", "b7k2 9qx1")).replayed
    with pytest.raises(InvalidInput) as taken:  # one code names one sale: the second is refused, not held
        service.execute(with_code("BILL-21", "B7K29QX1"))
    assert taken.value.details["field"] == "invoice_lookup_code"
    for bad in ("mã số", "x" * 65, "B7K2/9QX1"):
        with pytest.raises(InvalidInput):
            service.execute(with_code("BILL-22", bad))
    a = service.execute(enrol("0901234567")).member_id
    b = service.execute(enrol("0907654321")).member_id

    def claim(member_id, key: str, **named) -> object:
        member = c.MemberRef(member_id=member_id)
        return service.execute(ClaimReceipt(idempotency_key=key, member=member, **named))

    with pytest.raises(TransactionNotFound):
        claim(a, "k0", transaction_ref="BILL-21")  # refused above, so nothing was held
    with pytest.raises(TransactionNotFound):
        claim(a, "k1", invoice_lookup_code="NOSUCHCODE")
    with pytest.raises(InvalidInput):
        claim(a, "k2", invoice_lookup_code="B7K29QX1", transaction_ref="BILL-20")
    got = claim(a, "k3", invoice_lookup_code="B7K2 9QX1")
    assert got.points_earned == 20 and got.reference == "BILL-20"
    for named in ({"invoice_lookup_code": "b7k29qx1"}, {"transaction_ref": "BILL-20"}):
        with pytest.raises(ReceiptAlreadyClaimed):
            claim(b, f"k4-{named}", **named)
    assert service.balance(c.MemberRef(member_id=a)).lifetime_earned == 20
    assert service.balance(c.MemberRef(member_id=b)).lifetime_earned == 0


def test_members_racing_by_receipt_number_and_by_lookup_code_only_one_gets_the_sale(runtime):
    service = runtime.service
    service.execute(with_code("BILL-30", "HD30CODE"))
    members = [service.execute(enrol(f"090765433{i}")).member_id for i in range(6)]
    start = threading.Barrier(len(members))
    won, lost = [], []

    def claim(n: int, member_id) -> None:
        named = {"transaction_ref": "BILL-30"} if n % 2 else {"invoice_lookup_code": "HD30CODE"}
        start.wait()
        try:
            won.append(service.execute(ClaimReceipt(idempotency_key=f"c-{member_id}",
                                                    member=c.MemberRef(member_id=member_id), **named)))
        except ReceiptAlreadyClaimed:
            lost.append(member_id)

    threads = [threading.Thread(target=claim, args=(n, m)) for n, m in enumerate(members)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(won) == 1 and len(lost) == len(members) - 1
    assert sum(service.balance(c.MemberRef(member_id=m)).lifetime_earned for m in members) == 20


def test_the_member_a_held_sale_went_to_is_found_from_its_receipt_for_refunds(runtime):
    from loyalty_core.identity.holding import credited_member

    service, store = runtime.service, runtime.store
    service.execute(purchase("HD-R", phone="0901234567"))
    service.execute(purchase("BILL-R"))
    receipt = store.load_receipt(ids.receipt_id("purchase/pos", "HD-R"))
    bill = store.load_receipt(ids.receipt_id("purchase/pos", "BILL-R"))
    assert credited_member(store, receipt) is None  # still held
    member = service.execute(enrol("0901234567"))
    service.execute(ClaimReceipt(idempotency_key="cr", member=c.MemberRef(member_id=member.member_id),
                                 transaction_ref="BILL-R"))
    assert credited_member(store, receipt) == member.member_id
    assert credited_member(store, bill) == member.member_id


def test_credited_sales_carry_the_channel_and_store_where_they_were_made(runtime):
    runtime.service.execute(purchase("HD-S", phone="0901234567"))
    member = runtime.service.execute(c.EnrollMember(idempotency_key="web-enrol", phone="0901234567", channel="web"))
    earned = [e for e in runtime.store.member_events(member.member_id) if type(e).__name__ == "PointsEarned"]
    assert [(e.channel, e.store_id, e.reference) for e in earned] == [("pos", "HCM-01", "pos/HD-S")]


def test_a_sale_credited_after_being_held_can_be_refunded_like_any_other(runtime):
    service = runtime.service
    service.execute(purchase("HD-F", phone="0901234567"))
    service.execute(purchase("BILL-F"))
    member = service.execute(enrol("0901234567"))
    service.execute(ClaimReceipt(idempotency_key="cf", member=c.MemberRef(member_id=member.member_id),
                                 transaction_ref="BILL-F"))
    assert service.balance(c.MemberRef(member_id=member.member_id)).available == 40
    for ref in ("HD-F", "BILL-F"):
        refund = service.execute(c.RefundPurchase(idempotency_key=f"r-{ref}", channel="pos", transaction_ref=ref,
                                                  refund_ref=f"R-{ref}", amount=Decimal(50_000)))
        assert refund.member_id == member.member_id and refund.points_reversed == 10
    assert service.balance(c.MemberRef(member_id=member.member_id)).available == 20
    service.execute(purchase("HD-G", phone="0909999999"))
    with pytest.raises(TransactionNotFound):  # still held: nobody to take points back from
        service.execute(c.RefundPurchase(idempotency_key="r-g", channel="pos", transaction_ref="HD-G",
                                         refund_ref="R-G", amount=Decimal(1)))


def test_a_held_first_purchase_pays_the_inviters_referral_bonus_once(runtime, clock):
    service = runtime.service
    service.policy.administer(prog.AddRule(prog.Referral(rule_id="invite", priority=50, buyer_points=10,
                                                         referrer_points=30)), "marketing", clock())
    inviter = service.execute(enrol("0907654321"))
    clock.advance(minutes=1)
    service.execute(purchase("HD-INV", at=clock(), phone="0901234567"))
    invited = service.execute(c.EnrollMember(idempotency_key="e-invited", phone="0901234567", channel="pos",
                                             referred_by=c.MemberRef(member_id=inviter.member_id)))
    assert invited.balance.available == 10 + 10  # the sale's 10 points and the buyer's referral 10
    assert service.balance(c.MemberRef(member_id=inviter.member_id)).available == 30
    service.execute(purchase("HD-INV2", at=clock(), phone="0901234567"))
    assert service.balance(c.MemberRef(member_id=inviter.member_id)).available == 30


def test_the_holding_and_receipt_windows_are_program_settings(runtime, clock):
    from dataclasses import replace as changed

    service = runtime.service
    settings = service.policy.book.current().settings
    service.policy.administer(prog.ChangeProgramSettings(changed(settings, unclaimed_purchase_days=7,
                                                                 receipt_claim_days=2)), "marketing", clock())
    held = service.execute(purchase("HD-W", at=clock(), phone="0901234567"))
    assert held.expires_at == clock() + timedelta(days=7)
    service.execute(purchase("BILL-W", at=clock()))
    clock.advance(days=3)
    member = service.execute(enrol("0901234567"))
    assert member.balance.available == 10  # within 7 days: credited
    with pytest.raises(ReceiptClaimWindowClosed):
        service.execute(ClaimReceipt(idempotency_key="w", member=c.MemberRef(member_id=member.member_id),
                                     transaction_ref="BILL-W"))
    with pytest.raises(prog.ProgramError):
        service.policy.administer(prog.ChangeProgramSettings(changed(settings, unclaimed_purchase_days=-1)),
                                  "marketing", clock())
