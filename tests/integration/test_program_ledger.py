"""The demo program running the ledger, on both stores: purchases priced by the rules in force when they
happened, rewards and vouchers, budgets, refunds, tiers, referrals and scheduled work."""

from __future__ import annotations

import dataclasses
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from loyalty_core import commands as c
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import expiring, offers
from loyalty_core import program as prog
from loyalty_core import program_policy
from loyalty_core.scheduler import run_due
from tests.builders import enroll, key, ledger

# A Monday (HCM), and the next Saturday.
MONDAY = datetime(2026, 3, 2, 3, 0, tzinfo=timezone.utc)
SATURDAY = datetime(2026, 3, 7, 3, 0, tzinfo=timezone.utc)


@contextmanager
def demo_ledger(database_url, clock, **kwargs):
    with ledger(database_url, clock=clock, **kwargs) as service:
        program_policy.install(service)
        service.policy.install_demo(clock.now - timedelta(days=30))
        yield service


def buy(service, member, total, ref=None, *, lines=(), channel="pos", store="HCM-01", at=None):
    ref = ref or key("T")
    return service.execute(c.RecordPurchase(idempotency_key=ref, member=member, transaction_ref=ref,
                                            total=Decimal(total), channel=channel, store_id=store, occurred_at=at,
                                            lines=tuple(lines)))


def coffee(n=1, price=45_000):
    return c.PurchaseLineInput(sku="CF-DEN", category="coffee", quantity=n, unit_price=Decimal(price),
                               amount=Decimal(price * n))


@pytest.fixture
def monday_clock(clock):
    clock.now = MONDAY
    return clock


def test_one_point_per_ten_thousand_dong_doubled_on_the_weekend(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        weekday = buy(service, member, 125_000)
        assert weekday.points_earned == 12 and [line["rule_id"] for line in weekday.breakdown] == ["base-1-per-10k"]
        monday_clock.now = SATURDAY
        weekend = buy(service, member, 125_000)
        assert weekend.points_earned == 24
        assert weekend.breakdown[1]["description_vi"].startswith("Cuối tuần")


def test_a_purchase_arriving_late_is_priced_with_the_rules_in_force_when_it_happened(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        sold_at = monday_clock.now
        monday_clock.advance(hours=2)
        service.policy.administer(prog.AddRule(prog.FixedBonus(rule_id="launch-bonus", priority=60, points=100)),
                                  "marketing", monday_clock.now)
        offline = buy(service, member, 100_000, at=sold_at)  # the POS was offline when this sale happened
        fresh = buy(service, member, 100_000)
        assert (offline.points_earned, fresh.points_earned) == (10, 110)
        earned = [e for e in service.store.member_events(member.member_id) if isinstance(e, ev.PointsEarned)]
        assert earned[0].program_version < earned[1].program_version


def test_a_purchase_replayed_by_the_pos_lands_once_and_a_changed_body_is_refused(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        first = buy(service, member, 125_000, ref="HCM01-0001")
        again = buy(service, member, 125_000, ref="HCM01-0001")
        assert again.replayed and again.points_earned == first.points_earned
        with pytest.raises(errors.IdempotencyKeyReused) as refused:
            buy(service, member, 126_000, ref="HCM01-0001")
        assert refused.value.details["field"] == "total"
        assert service.balance(member).available == 12


def test_the_tenth_coffee_issues_a_free_drink_voucher_that_a_pos_can_use_once(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        results = [buy(service, member, 45_000, lines=[coffee()]) for _ in range(10)]
        assert [bool(r.vouchers) for r in results] == [False] * 9 + [True]
        code = results[-1].vouchers[0]
        service.execute(c.UseVoucher(idempotency_key=key(), voucher_code=code.lower(), order_ref="o1"))
        with pytest.raises(errors.VoucherNotUsable):
            service.execute(c.UseVoucher(idempotency_key=key(), voucher_code=code, order_ref="o2"))


def test_redeeming_a_reward_spends_its_points_and_issues_a_unique_voucher(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=450, reason="migration"))
        codes = {service.execute(c.RedeemPoints(idempotency_key=key(), member=member, reward_id="discount-15",
                                                order_ref=f"o{i}")).voucher_code for i in range(2)}
        assert len(codes) == 2 and service.balance(member).available == 50
        with pytest.raises(errors.InsufficientPoints):
            service.execute(c.RedeemPoints(idempotency_key=key(), member=member, reward_id="discount-15",
                                           order_ref="o3"))
        redemption = service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=200, reason="x"))
        given = service.execute(c.RedeemPoints(idempotency_key=key(), member=member, reward_id="discount-15",
                                               order_ref="o4"))
        service.execute(c.ReverseRedemption(idempotency_key=key(), member=member, redemption_id=given.redemption_id,
                                            reason="order cancelled"))
        with pytest.raises(errors.VoucherNotUsable):  # the reward was given back, so its voucher is void
            service.execute(c.UseVoucher(idempotency_key=key(), voucher_code=given.voucher_code, order_ref="o5"))
        assert redemption.balance.available == service.balance(member).available
        with pytest.raises(errors.RewardNotFound):
            service.execute(c.RedeemPoints(idempotency_key=key(), member=member, reward_id="nope", order_ref="o"))


def test_points_pay_at_most_the_programs_share_of_an_order(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=1_000, reason="gift"))
        paid = service.execute(c.RedeemPoints(idempotency_key=key(), member=member, points=500,
                                              order_ref="o1", order_total=Decimal(100_000)))
        assert paid.discount_amount == Decimal(50_000)  # 1 point = 100 ₫, at most 50 % of the order
        with pytest.raises(errors.DiscountExceedsShare):
            service.execute(c.RedeemPoints(idempotency_key=key(), member=member, points=501, order_ref="o2",
                                           order_total=Decimal(100_000)))


def test_partial_refunds_take_back_the_pro_rata_share_and_no_more(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 300_000, ref="T1")
        reversed_points = [service.execute(c.RefundPurchase(
            idempotency_key=key(), transaction_ref="T1", refund_ref=f"R{i}", amount=Decimal(100_000),
            channel="pos")).points_reversed for i in range(3)]
        assert sum(reversed_points) == 30 and service.balance(member).available == 0
        with pytest.raises(errors.RefundExceedsPurchase):
            service.execute(c.RefundPurchase(idempotency_key=key(), transaction_ref="T1", refund_ref="R9",
                                             amount=Decimal(1), channel="pos"))


def test_a_tier_upgrade_is_immediate_and_says_why(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        result = buy(service, member, 2_000_000)
        assert result.balance.tier == "silver"
        change = [e for e in service.store.member_events(member.member_id) if isinstance(e, ev.TierChanged)][-1]
        assert (change.from_tier, change.to_tier, change.reason) == ("member", "silver", "qualified")
        assert buy(service, member, 100_000).points_earned == 12  # 10 × the silver 1.25 multiplier


def test_downgrade_waits_for_the_review_date_and_the_worker_applies_it_once(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 2_000_000)
        # Review on 1 Jan 2027: the March 2026 spend is still inside the 12-month window, so silver stays.
        monday_clock.now = datetime(2027, 2, 15, tzinfo=timezone.utc)
        assert run_due(service, monday_clock.now).members_changed == 0
        # By mid-2027 the spend has left the window, but no review has come since: still silver, with notice.
        monday_clock.now = datetime(2027, 6, 15, tzinfo=timezone.utc)
        run_due(service, monday_clock.now)
        summary = service.member_summary(member)
        assert summary.tier == "silver"
        assert summary.tier_downgrade_at == datetime(2028, 1, 30, 17, 0, tzinfo=timezone.utc)  # 31 Jan, HCM
        # Review on 1 Jan 2028 plus 30 days' grace: downgraded one step, once, however often the worker runs.
        monday_clock.now = datetime(2028, 1, 30, tzinfo=timezone.utc)
        run_due(service, monday_clock.now)
        assert service.balance(member).tier == "silver"
        monday_clock.now = datetime(2028, 2, 15, tzinfo=timezone.utc)
        first = run_due(service, monday_clock.now)
        second = run_due(service, monday_clock.now)
        assert service.balance(member).tier == "member"
        assert (first.members_changed, second.members_changed) == (1, 0)
        reasons = [e.reason for e in service.store.member_events(member.member_id) if isinstance(e, ev.TierChanged)]
        assert reasons[-1] == "downgraded_at_review" and reasons.count("downgraded_at_review") == 1


def test_points_expire_at_the_end_of_the_following_year_in_ho_chi_minh_time(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 100_000)
        assert service.balance(member).next_expiry_at == datetime(2027, 12, 31, 16, 59, 59, 999999,
                                                                  tzinfo=timezone.utc)
        monday_clock.now = datetime(2027, 12, 31, 16, 59, tzinfo=timezone.utc)
        run_due(service, monday_clock.now)
        assert service.balance(member).available == 10
        monday_clock.now = datetime(2027, 12, 31, 17, 0, tzinfo=timezone.utc)  # 00:00 on 1 Jan 2028 in HCM
        run_due(service, monday_clock.now)
        balance = service.balance(member)
        assert (balance.available, balance.lifetime_expired) == (0, 10)


def test_a_referral_rewards_both_members_once_on_the_friends_first_purchase(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        service.policy.administer(prog.AddRule(prog.Referral(rule_id="refer-a-friend", priority=70, buyer_points=20,
                                                             referrer_points=30)), "marketing", monday_clock.now)
        referrer = enroll(service, phone="0901000001")
        friend = service.execute(c.EnrollMember(idempotency_key=key(), phone="0901000002", referred_by=referrer))
        friend_ref = c.MemberRef(member_id=friend.member_id)
        assert buy(service, friend_ref, 100_000).points_earned == 30
        buy(service, friend_ref, 100_000)
        assert service.balance(referrer).available == 30


def test_simulate_answers_without_writing(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        head = service.store.max_notification_id()
        result = service.simulate(c.RecordPurchase(idempotency_key="sim", member=member, transaction_ref="sim",
                                                   total=Decimal(370_000), channel="web"))
        assert result.points_earned == 37 and service.store.max_notification_id() == head


@pytest.mark.postgres
@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "group-commit"])
def test_a_campaign_budget_is_never_overspent_under_concurrent_purchases(postgres_url, clock, batched):
    clock.now = MONDAY
    with demo_ledger(postgres_url, clock, group_commit=batched, pool_size=12) as service:
        campaign = prog.Campaign(campaign_id="tet", name_vi="Tết", name_en="Tet", starts_at=MONDAY - timedelta(days=1),
                                 ends_at=MONDAY + timedelta(days=10), budget_points=250)
        service.policy.administer(prog.AddCampaign(campaign), "marketing", clock.now)
        service.policy.administer(prog.AddRule(prog.FixedBonus(rule_id="tet-bonus", priority=60, points=40,
                                                               campaign_id="tet")), "marketing", clock.now)
        members = [enroll(service, phone=f"09050000{i:02d}") for i in range(10)]
        barrier = threading.Barrier(10)

        def shop(i):
            barrier.wait()
            buy(service, members[i], 100_000)

        threads = [threading.Thread(target=shop, args=(i,)) for i in range(10)]
        [t.start() for t in threads]
        [t.join(60) for t in threads]
        bonus = sum(line["points"] for m in members for e in service.store.member_events(m.member_id)
                    if isinstance(e, ev.PointsEarned) for line in e.breakdown if line["rule_id"] == "tet-bonus")
        capped = sum(line["points"] for m in members for e in service.store.member_events(m.member_id)
                     if isinstance(e, ev.PointsEarned) for line in e.breakdown if line["points"] < 0)
        spent = service.store.load_budget(program_policy.budget_id_for(service.policy.program_id, "tet"))[1]
        assert spent == 250 and bonus + capped == 250


# --- issue 12: the program does what marketing wrote -------------------------------------------------


def refund(service, ref, amount, refund_ref=None, lines=()):
    return service.execute(c.RefundPurchase(idempotency_key=key("refund"), transaction_ref=ref,
                                            refund_ref=refund_ref or key("R"), amount=Decimal(amount),
                                            channel="pos", lines=tuple(lines)))


def vouchers(service, member):
    events = service.store.member_events(member.member_id)
    state = {}
    for e in events:
        if isinstance(e, ev.VoucherIssued):
            state[e.voucher_code] = "issued"
        elif isinstance(e, ev.VoucherCancelled):
            state[e.voucher_code] = e.reason
        elif isinstance(e, ev.VoucherUsed):
            state[e.voucher_code] = "used"
    return state


def test_the_eleventh_coffee_adds_a_stamp_and_no_second_voucher(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        results = [buy(service, member, 45_000, lines=[coffee()]) for _ in range(11)]
        assert [len(r.vouchers) for r in results] == [0] * 9 + [1, 0]
        assert service.store.load_member(member.member_id).stamps == {"coffee": 1}


def test_a_full_refund_takes_back_the_stamps_and_cancels_the_free_drink_it_earned(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        for _ in range(8):
            buy(service, member, 45_000, lines=[coffee()])
        earned = buy(service, member, 90_000, "T-TWO", lines=[coffee(2)])  # the 9th and 10th cups
        assert len(earned.vouchers) == 1
        refund(service, "T-TWO", 90_000)
        assert vouchers(service, member)[earned.vouchers[0]] == "refunded"
        assert service.store.load_member(member.member_id).stamps == {"coffee": 8}
        # Two more cups complete the card again: one voucher, not two.
        again = [buy(service, member, 45_000, lines=[coffee()]) for _ in range(2)]
        assert [len(r.vouchers) for r in again] == [0, 1]


def test_a_refund_after_the_free_drink_was_used_takes_the_stamps_it_can(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        for _ in range(9):
            buy(service, member, 45_000, lines=[coffee()])
        tenth = buy(service, member, 45_000, "T-10", lines=[coffee()])
        service.execute(c.UseVoucher(idempotency_key=key(), voucher_code=tenth.vouchers[0], order_ref="o1"))
        buy(service, member, 45_000, lines=[coffee()])
        refund(service, "T-10", 45_000)  # the drink was drunk: the stamp it owes comes off the next card
        assert service.store.load_member(member.member_id).stamps == {"coffee": 0}


def test_a_full_refund_inside_the_return_window_undoes_the_tier_it_bought(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 16_000_000, "BIG")
        assert service.balance(member).tier == "diamond"
        monday_clock.advance(days=3)
        refund(service, "BIG", 16_000_000)
        assert service.balance(member).tier == "member"
        change = [e for e in service.store.member_events(member.member_id) if isinstance(e, ev.TierChanged)][-1]
        assert (change.from_tier, change.to_tier, change.reason) == ("diamond", "member", "refunded")
        assert buy(service, member, 100_000).points_earned == 10  # earning ×1 again, not ×2


def test_a_refund_returns_a_member_to_the_tier_held_before_the_purchase(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 6_000_000)
        monday_clock.advance(days=1)
        buy(service, member, 10_000_000, "BIG")
        assert service.balance(member).tier == "diamond"
        refund(service, "BIG", 10_000_000)
        assert service.balance(member).tier == "gold"


def test_a_refund_after_the_return_window_leaves_the_tier_to_the_review(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 16_000_000, "BIG")
        monday_clock.advance(days=45)
        refund(service, "BIG", 16_000_000)
        assert service.balance(member).tier == "diamond"


def test_an_every_n_months_review_downgrades_when_the_figures_have_left_the_window(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        ladder = dataclasses.replace(service.policy.book.current().tiers, review="every_n_months",
                                     review_every_months=6, window_months=5, grace_days=0)
        service.policy.administer(prog.SetTierLadder(ladder), "marketing", monday_clock.now)
        member = enroll(service)
        buy(service, member, 2_000_000)  # silver on 2 March 2026; reviews every 6 months from then
        monday_clock.now = datetime(2026, 8, 30, tzinfo=timezone.utc)  # out of the window, but no review yet
        run_due(service, monday_clock.now)
        assert service.balance(member).tier == "silver"
        monday_clock.now = datetime(2026, 9, 3, tzinfo=timezone.utc)  # the review on 2 Sept found it gone
        run_due(service, monday_clock.now)
        assert service.balance(member).tier == "member"


def test_the_downgrade_notice_during_grace_names_the_pending_downgrade(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 2_000_000)
        # Review on 1 Jan 2028 found the spend gone; grace runs to 31 Jan 2028 (HCM).
        monday_clock.now = datetime(2028, 1, 10, tzinfo=timezone.utc)
        summary = service.member_summary(member)
        assert summary.tier == "silver"
        assert summary.tier_downgrade_at == datetime(2028, 1, 30, 17, 0, tzinfo=timezone.utc)


def test_the_birthday_gift_is_paid_once_whether_the_worker_or_a_purchase_comes_first(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service, birthday="1990-04-20")
        buy(service, member, 2_000_000)  # silver in March
        before = service.balance(member).available
        monday_clock.now = datetime(2026, 4, 1, 3, tzinfo=timezone.utc)  # the birthday month (HCM)
        run_due(service, monday_clock.now)
        run_due(service, monday_clock.now + timedelta(hours=1))
        first = buy(service, member, 100_000)
        second = buy(service, member, 100_000)
        gifts = service.balance(member).available - before - first.points_earned - second.points_earned
        birthday = sum(line["points"] for line in first.breakdown + second.breakdown
                       if line["rule_id"] == "birthday-month")
        assert gifts + birthday == 50 + 50  # the rule's 50 and silver's 50, each once


def test_per_line_refund_takes_back_what_the_returned_line_earned(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        service.policy.administer(prog.AddRule(prog.FixedBonus(rule_id="cake-bonus", priority=25, points=20,
                                                               skus=("BANH-001",))), "marketing", monday_clock.now)
        member = enroll(service)
        cake = c.PurchaseLineInput(sku="BANH-001", category="cake", quantity=1, unit_price=Decimal(50_000),
                                   amount=Decimal(50_000))
        tea = c.PurchaseLineInput(sku="TRA-001", category="tea", quantity=1, unit_price=Decimal(50_000),
                                  amount=Decimal(50_000))
        earned = buy(service, member, 100_000, "T-CAKE", lines=[cake, tea])
        assert earned.points_earned == 30
        back = refund(service, "T-CAKE", 50_000, lines=[c.RefundLineInput(sku="BANH-001", quantity=1)])
        assert back.points_reversed == 25  # its 5 base points and the 20-point cake bonus
        assert service.balance(member).available == 5


def test_a_line_refund_naming_a_line_that_was_not_bought_is_refused(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 45_000, "T-1", lines=[coffee()])
        with pytest.raises(errors.InvalidInput):
            refund(service, "T-1", 45_000, lines=[c.RefundLineInput(sku="NOPE", quantity=1)])
        with pytest.raises(errors.InvalidInput):
            refund(service, "T-1", 90_000, lines=[c.RefundLineInput(sku="CF-DEN", quantity=2)])
        assert service.balance(member).available == 4


def test_a_reservation_respects_the_programs_share_of_the_order(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=1_000, reason="gift"))
        with pytest.raises(errors.DiscountExceedsShare):
            service.execute(c.ReservePoints(idempotency_key=key(), member=member, points=600, order_ref="o1",
                                            order_total=Decimal(100_000)))
        held = service.execute(c.ReservePoints(idempotency_key=key(), member=member, points=500, order_ref="o1",
                                               order_total=Decimal(100_000)))
        captured = service.execute(c.CaptureReservation(idempotency_key=key(), reservation_id=held.reservation_id,
                                                        points=300))
        assert captured.discount_amount == Decimal(30_000)


def test_a_reward_voucher_is_valid_for_the_rewards_own_days(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        reward = prog.Reward("mug", "Cốc", "Mug", "free_item", points_cost=10, valid_days=14)
        service.policy.administer(prog.AddReward(reward), "marketing", monday_clock.now)
        member = enroll(service)
        service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=10, reason="gift"))
        given = service.execute(c.RedeemPoints(idempotency_key=key(), member=member, reward_id="mug", order_ref="o"))
        issued = [e for e in service.store.member_events(member.member_id) if isinstance(e, ev.VoucherIssued)][-1]
        assert issued.voucher_code == given.voucher_code
        assert issued.expires_at == monday_clock.now + timedelta(days=14)


def test_points_expiring_within_n_days_are_listed_with_their_dates(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        soon, later, none = enroll(service, phone="0901000011"), enroll(service, phone="0901000012"), \
            enroll(service, phone="0901000013")
        buy(service, soon, 120_000)  # expires 31 Dec 2027 (HCM)
        monday_clock.now = datetime(2027, 3, 1, 3, tzinfo=timezone.utc)
        buy(service, later, 70_000)  # expires 31 Dec 2028
        monday_clock.now = datetime(2027, 12, 10, 3, tzinfo=timezone.utc)
        mine = expiring.for_member(service, soon, days=30)
        assert [(row.points, row.expires_at) for row in mine.lots] == [
            (12, datetime(2027, 12, 31, 16, 59, 59, 999999, tzinfo=timezone.utc))]
        assert mine.points == 12
        assert expiring.for_member(service, later, days=30).points == 0
        everyone = expiring.across_program(service, days=30)
        assert [(row.member_id, row.points) for row in everyone] == [(soon.member_id, 12)]
        assert none.member_id not in {row.member_id for row in everyone}


@pytest.mark.postgres
@pytest.mark.parametrize("batched", [False, True], ids=["one-by-one", "group-commit"])
def test_a_stocked_reward_is_never_oversold_nor_refused_while_stock_remains(postgres_url, clock, batched):
    clock.now = MONDAY
    with demo_ledger(postgres_url, clock, pool_size=20, group_commit=batched) as service:
        reward = prog.Reward("tet-mug", "Cốc Tết", "Tet mug", "free_item", points_cost=10, stock=30)
        service.policy.administer(prog.AddReward(reward), "marketing", clock.now)
        members = [enroll(service, phone=f"09060000{i:02d}") for i in range(40)]
        for member in members:
            service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=10, reason="gift"))
        barrier = threading.Barrier(40)
        outcomes = []

        def redeem(member):
            barrier.wait()
            try:
                outcomes.append(service.execute(c.RedeemPoints(idempotency_key=key(), member=member,
                                                               reward_id="tet-mug", order_ref="o")).voucher_code)
            except errors.LoyaltyError as exc:
                outcomes.append(exc.code)

        threads = [threading.Thread(target=redeem, args=(m,)) for m in members]
        [t.start() for t in threads]
        [t.join(120) for t in threads]
        assert sum(1 for o in outcomes if o.startswith("V")) == 30
        assert outcomes.count("reward_out_of_stock") == 10
        stock_id = program_policy.stock_id_for(service.policy.program_id, "tet-mug")
        assert service.store.load_budget(stock_id) == (30, 30)  # one stock aggregate, 30 units, 30 writes
        version = service.policy.book.current().version  # the program aggregate was never written
        assert service.policy.book.current().reward("tet-mug").stock == 30 and version == 9 + 1  # demo + AddReward


# --- targeted offers ------------------------------------------------------------------------------------


ONLINE_ONLY = prog.MemberCondition(online_only=True)


def test_a_rule_for_online_only_shoppers_pays_them_on_their_first_visit_to_a_store(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        rule = prog.FixedBonus(rule_id="come-in", priority=60, points=100, channels=("pos",),
                               member_condition=ONLINE_ONLY)
        service.policy.administer(prog.AddRule(rule), "marketing", monday_clock.now)
        online, regular = enroll(service, phone="0901000021"), enroll(service, phone="0901000022")
        buy(service, online, 100_000, channel="web", store=None)
        buy(service, regular, 100_000)
        first_visit = buy(service, online, 100_000)
        assert "come-in" in [line["rule_id"] for line in first_visit.breakdown]
        assert first_visit.points_earned == 110
        assert buy(service, online, 100_000).points_earned == 10  # omnichannel now: the offer is spent
        assert buy(service, regular, 100_000).points_earned == 10


def test_the_rules_see_the_purchase_history_only_when_a_rule_is_limited_to_a_segment(database_url, monday_clock):
    """The history is a row per purchase, rebuilt on every purchase: built only when a rule will read it."""
    with demo_ledger(database_url, monday_clock) as service:
        policy = service.policy
        member = enroll(service)
        buy(service, member, 100_000, channel="web", store=None)
        buy(service, member, 100_000)
        state = service.store.load_member(member.member_id)
        plain = policy.book.current()
        assert not plain.rules_read_segments  # the demo program has no segment rule
        lean = policy.facts(state, plain)
        assert (lean.history, lean.channels_bought) == ((), ())
        whole = policy.facts(state)  # an offer or a reward's condition asks without a program: all of it
        assert len(whole.history) == 2 and whole.channels_bought == ("pos", "web")
        policy.administer(prog.AddRule(prog.FixedBonus(rule_id="regulars", priority=62, points=7,
                                                       member_condition=prog.MemberCondition(min_visits=2))),
                          "marketing", monday_clock.now)
        segmented = policy.book.current()
        assert segmented.rules_read_segments
        assert policy.facts(state, segmented) == whole
        assert buy(service, member, 100_000).points_earned == 17  # the segment rule saw both earlier visits


def test_a_rule_for_lapsed_members_and_one_for_frequent_shoppers(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        welcome_back = prog.FixedBonus(rule_id="welcome-back", priority=61, points=50,
                                       member_condition=prog.MemberCondition(lapsed_days=60))
        regulars = prog.FixedBonus(rule_id="regulars", priority=62, points=7,
                                   member_condition=prog.MemberCondition(min_visits=3, window_days=30))
        for rule in (welcome_back, regulars):
            service.policy.administer(prog.AddRule(rule), "marketing", monday_clock.now)
        member = enroll(service)
        assert buy(service, member, 100_000).points_earned == 10  # a newcomer is not lapsed
        monday_clock.advance(days=63)  # a Monday again: no weekend doubling
        assert buy(service, member, 100_000).points_earned == 60
        assert [buy(service, member, 100_000).points_earned for _ in range(3)] == [10, 10, 17]


def test_a_reward_for_gold_members_is_refused_to_others(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        lounge = prog.Reward("gold-lounge", "Phòng chờ", "Lounge", "free_item", points_cost=10,
                             member_condition=prog.MemberCondition(tiers=("gold", "diamond")))
        service.policy.administer(prog.AddReward(lounge), "marketing", monday_clock.now)
        member = enroll(service)
        buy(service, member, 2_000_000)
        with pytest.raises(prog.ProgramError) as refused:
            service.execute(c.RedeemPoints(idempotency_key=key(), member=member, reward_id="gold-lounge",
                                           order_ref="o"))
        assert refused.value.code == "offer_not_eligible"
        buy(service, member, 3_000_000)
        assert service.execute(c.RedeemPoints(idempotency_key=key(), member=member, reward_id="gold-lounge",
                                              order_ref="o")).voucher_code


def test_an_offer_granted_to_a_segment_reaches_each_member_once_and_resumes(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        shoppers = [enroll(service, phone=f"09010001{i:02d}") for i in range(4)]
        for shopper in shoppers[:3]:
            buy(service, shopper, 100_000, channel="app", store=None)
        buy(service, shoppers[3], 100_000)
        terms = offers.OfferTerms("come-in-2026", ONLINE_ONLY, reward_id="free-drink", points=20)
        report = offers.grant_to_segment(service, terms)
        assert (report.granted, report.not_eligible, report.already_granted) == (3, 1, 0)
        again = offers.grant_to_segment(service, terms)
        assert (again.granted, again.already_granted, again.members_granted_in_total) == (0, 3, 3)
        for shopper in shoppers[:3]:
            assert service.balance(shopper).available == 10 + 20
            assert list(vouchers(service, shopper).values()) == ["issued"]
        assert service.balance(shoppers[3]).available == 10
        with pytest.raises(errors.InvalidInput):  # the same grant with other terms is refused
            offers.grant_to_segment(service, dataclasses.replace(terms, points=30))


def test_an_offer_stops_at_its_budget_even_with_two_runners(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        for i in range(5):
            buy(service, enroll(service, phone=f"09010002{i:02d}"), 100_000, channel="web", store=None)
        terms = offers.OfferTerms("five-minus-two", ONLINE_ONLY, points=50, budget_points=100)
        results = []
        runners = [threading.Thread(target=lambda: results.append(offers.grant_to_segment(service, terms)))
                   for _ in range(2)]
        [t.start() for t in runners]
        [t.join(60) for t in runners]
        assert sum(r.granted for r in results) == 2 and all(r.stopped_by_budget for r in results)
        assert results[0].points_granted_in_total == 100


def test_a_reward_given_back_returns_its_unit_to_the_stock(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        reward = prog.Reward("last-mug", "Cốc", "Mug", "free_item", points_cost=10, stock=1)
        service.policy.administer(prog.AddReward(reward), "marketing", monday_clock.now)
        first, second = enroll(service, phone="0901000031"), enroll(service, phone="0901000032")
        for member in (first, second):
            service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=10, reason="gift"))
        given = service.execute(c.RedeemPoints(idempotency_key=key(), member=first, reward_id="last-mug",
                                               order_ref="o"))
        with pytest.raises(prog.ProgramError) as refused:
            service.execute(c.RedeemPoints(idempotency_key=key(), member=second, reward_id="last-mug", order_ref="o"))
        assert refused.value.code == "reward_out_of_stock"
        service.execute(c.ReverseRedemption(idempotency_key=key(), member=first, redemption_id=given.redemption_id))
        assert service.execute(c.RedeemPoints(idempotency_key=key(), member=second, reward_id="last-mug",
                                              order_ref="o")).voucher_code


def test_a_line_refund_of_a_sale_sent_without_lines_is_refused_and_by_amount_works(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        member = enroll(service)
        buy(service, member, 100_000, "T-NOLINES")
        with pytest.raises(errors.InvalidInput) as refused:
            refund(service, "T-NOLINES", 50_000, lines=[c.RefundLineInput(sku="CF-DEN", quantity=1)])
        assert refused.value.details["field"] == "lines"
        assert refund(service, "T-NOLINES", 50_000).points_reversed == 5


def test_a_program_may_require_every_points_spend_to_name_its_order(database_url, monday_clock):
    with demo_ledger(database_url, monday_clock) as service:
        settings = dataclasses.replace(service.policy.book.current().settings, points_need_order_total=True)
        service.policy.administer(prog.ChangeProgramSettings(settings), "marketing", monday_clock.now)
        member = enroll(service)
        service.execute(c.AdjustPoints(idempotency_key=key(), member=member, points=1_000, reason="gift"))
        for command in (c.RedeemPoints(idempotency_key=key(), member=member, points=100, order_ref="o"),
                        c.ReservePoints(idempotency_key=key(), member=member, points=100, order_ref="o")):
            with pytest.raises(errors.InvalidInput) as refused:
                service.execute(command)
            assert refused.value.details["field"] == "order_total"
        held = service.execute(c.ReservePoints(idempotency_key=key(), member=member, points=100, order_ref="o",
                                               order_total=Decimal(50_000)))
        captured = service.execute(c.CaptureReservation(idempotency_key=key(), reservation_id=held.reservation_id))
        assert captured.discount_amount == Decimal(10_000) and service.balance(member).available == 900
