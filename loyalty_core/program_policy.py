"""The loyalty program as the ledger's policy: earning rules, tiers, rewards, expiry and refunds.

The program is its own event-sourced aggregate (`loyalty_core.program`), stored in the same log as the
members. Purchases are priced with `program_at(events, occurred_at)`, the program as it was when the sale
happened, so a POS that pushes yesterday's sales today gets yesterday's rules, and each earn records the
program version it used. Campaign budgets are small aggregates charged in the same transaction as the
earn, so concurrent purchases can never overspend one. Effects on another member (the referrer's bonus)
are separate commands with deterministic idempotency keys, never part of the buyer's transaction.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from loyalty_core import commands as cmd
from loyalty_core import decide, errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core import program as prog
from loyalty_core.decide import Change, ShortfallPolicy
from loyalty_core.member import HCM, Member, local_day
from loyalty_core.money import parse_money
from loyalty_core import program_rewards
from loyalty_core.program_rewards import VOUCHER_DAYS, stock_id_for  # noqa: F401  (stock_id_for: re-exported)
from loyalty_core.results import Balance, EarnResult, RedemptionResult
from loyalty_core import timebounds
from loyalty_core import till_receipt
from loyalty_core.handlers.common import VOUCHER, checked_text, new_id, new_voucher_code, purchase_reference
from loyalty_core.planning import Context, Plan
from loyalty_core.policy import Policy

#: How stale the cached program may be before a command re-reads it (program changes are rare).
PROGRAM_REFRESH_SECONDS = 1.0
#: A sale from the future (beyond clock skew between a POS and us) is refused.
FUTURE_SKEW = timedelta(minutes=5)


def program_id_for(code: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/programs/{code}")


def budget_id_for(program_id: UUID, campaign_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/programs/{program_id}/budgets/{campaign_id}")


class ProgramBook:
    """The program's events, cached and refreshed at most every PROGRAM_REFRESH_SECONDS."""

    def __init__(self, store: Any, program_id: UUID):
        self.store = store
        self.program_id = program_id
        self._events: list[Any] = []
        self._state: prog.ProgramState | None = None
        self._read_at = 0.0
        self._lock = threading.Lock()

    def refresh(self, force: bool = False) -> None:
        with self._lock:
            if not force and time.monotonic() - self._read_at < PROGRAM_REFRESH_SECONDS:
                return
            newer = list(self.store.events.get(self.program_id, gt=self._state.version if self._state else None))
            if newer:
                self._events = self._events + newer
                self._state = prog.project_program(self._state, newer)
            self._read_at = time.monotonic()

    def current(self) -> prog.ProgramState:
        self.refresh()
        if self._state is None:
            raise errors.ProgramNotFound("no loyalty program is installed (run `loyalty demo`)")
        return self._state

    def at(self, instant: datetime) -> prog.ProgramState:
        current = self.current()
        if instant >= self._events[-1].timestamp:
            return current
        state = prog.program_at(self._events, instant)
        if state is None:
            raise errors.ProgramNotFound(f"the program did not exist yet at {instant.isoformat()}")
        return state


@dataclass(frozen=True)
class Purchase:
    command: cmd.RecordPurchase
    model: prog.Purchase


class ProgramPolicy(Policy):
    def __init__(self, store: Any, program_code: str):
        self.store = store
        self.program_code = program_code
        self.program_id = program_id_for(program_code)
        self.book = ProgramBook(store, self.program_id)

    # --- what the ledger asks ---------------------------------------------------------------------
    @property
    def base_tier(self) -> str:  # type: ignore[override]
        program = self.installed()
        return "member" if program is None else program.tiers.tiers[0].code

    def check_tier(self, tier: str) -> None:
        self.book.current().tiers.rank(tier)

    def inactivity_expires_at(self, member: Member) -> datetime | None:
        program = self.installed()
        if program is None or member.last_activity_at is None:
            return None
        return prog.inactivity_expires_at(program.expiry, member.last_activity_at)

    def adjustment_approval_threshold(self) -> int:
        program = self.installed()
        return super().adjustment_approval_threshold() if program is None else program.adjustment_approval_points

    def shortfall_policy(self) -> ShortfallPolicy:
        refund = self.book.current().refund
        return ShortfallPolicy(refund.on_shortfall == "allow_negative", refund.negative_limit)

    def points_to_claw_back(self, earning: Any, refund_amount: Decimal) -> int:
        refund = self.book.current().refund
        if refund.basis == "per_line":  # the ledger refunds by amount; per-line returns are priced pro rata
            refund = prog.RefundPolicy(basis="pro_rata", on_shortfall=refund.on_shortfall,
                                       negative_limit=refund.negative_limit)
        return prog.points_to_claw_back(refund, earning.points, earning.spend, earning.refunded, refund_amount)

    def money_value(self, points: int) -> Decimal | None:
        program = self.installed()
        return None if program is None else program.point_value * points

    def discount_for(self, points: int, order_total: Decimal | None) -> Decimal | None:
        if order_total is None:  # a plain redemption: its money value, when a program gives points one
            program = self.installed()
            if program is not None and program.points_need_order_total:
                raise errors.InvalidInput("this program spends points only against an order: give order_total, "
                                          "so the share of the order points may pay can be checked",
                                          field="order_total")
            return None if program is None else program.point_value * points
        program = self.book.current()
        value = program.point_value * points
        total = parse_money(order_total, program.currency, field="order_total", allow_zero=False)
        ceiling = (total * program.max_points_share_of_order).to_integral_value(ROUND_FLOOR)
        if value > ceiling:
            raise errors.DiscountExceedsShare(
                f"{points} points are worth {value} {program.currency}; at most {ceiling} of this order "
                f"({program.max_points_share_of_order:%} share) may be paid with points",
                max_points=int(ceiling // program.point_value))
        return value

    # --- purchases and activities -------------------------------------------------------------------
    def facts(self, member: Member, for_rules_of: prog.ProgramState | None = None) -> prog.MemberFacts:
        """What the rules know of the member. Given the program whose rules will read them, the purchase
        history and the channels bought through are left out unless one of its rules is limited to a
        segment: only a `MemberCondition` reads them, and they were a row per purchase rebuilt on every
        purchase (the longer a member's history, the slower each purchase: docs/benchmarks.md, issue 17)."""
        month = int(member.birthday[5:7]) if member.birthday else None
        segments = for_rules_of is None or for_rules_of.rules_read_segments
        return prog.MemberFacts(member_id=member.id, tier=member.tier, birthday_month=month,
                                enrolled_at=member.enrolled_at, purchase_count=member.purchase_count,
                                points_earned_on_local_day=dict(member.earned_by_day), stamps=dict(member.stamps),
                                activity_counts=dict(member.activity_counts), referred_by=member.referred_by,
                                channels_bought=channels_bought(member) if segments else (),
                                history=tuple(prog.segments.HistoryRow(at, spend)
                                              for at, spend, _ in member.purchases) if segments else ())

    def budgets(self, ctx: Context, program: prog.ProgramState) -> dict[str, int]:
        remaining = {}
        for campaign in program.campaigns:
            if campaign.budget_points is not None:
                budget_id = budget_id_for(self.program_id, campaign.campaign_id)
                version, spent = ctx.service.store.load_budget(budget_id)
                ctx.budget_versions[budget_id] = version
                remaining[campaign.campaign_id] = max(campaign.budget_points - spent, 0)
        return remaining

    def charge_budgets(self, ctx: Context, decision: prog.EarnDecision, member_id: UUID, reference: str) -> list:
        charged = []
        for campaign_id, points in sorted(decision.budget_used.items()):
            if points <= 0:
                continue
            budget_id = budget_id_for(self.program_id, campaign_id)
            version = ctx.budget_versions[budget_id]  # as decided on: a newer charge makes this write conflict
            charged.append(ev.CampaignBudgetCharged(originator_id=budget_id, originator_version=version + 1,
                                                    timestamp=ctx.now, campaign_id=campaign_id, points=points,
                                                    member_id=member_id, reference=reference))
        return charged

    def apply_decision(self, ctx: Context, change: Change, program: prog.ProgramState,
                       decision: prog.EarnDecision, *, source: str, reference: str, occurred_at: datetime,
                       currency: str) -> tuple[ev.MemberEvent | None, list[str]]:
        """Turn an earn decision into the member's events: the lot, stamp rewards, a tier upgrade."""
        lot = None
        breakdown = [line.to_dict() for line in decision.lines]
        stamps_used: dict[str, int] = {}
        for reward in decision.stamp_rewards:
            stamps_used[reward.card_id] = stamps_used.get(reward.card_id, 0) + reward.stamps_used
        if decision.points > 0:
            pending = occurred_at + timedelta(days=program.pending_days) if program.pending_days else None
            lot = decide.earn(change, points=decision.points, source=source, reference=reference,
                              occurred_at=occurred_at, pending_until=pending,
                              expires_at=prog.lot_expires_at(program.expiry, occurred_at), breakdown=breakdown,
                              qualifying_spend=decision.qualifying_spend, currency=currency,
                              program_version=decision.program_version, stamps_added=dict(decision.stamps_added),
                              campaign_points=dict(decision.budget_used), activity_key=decision.activity_key,
                              stamps_used=stamps_used)
        elif source == "purchase":
            change.add(ev.PurchaseRecorded, transaction_ref=reference, occurred_at=occurred_at,
                       spend=decision.qualifying_spend, currency=currency, stamps_added=dict(decision.stamps_added),
                       program_version=decision.program_version, stamps_used=stamps_used, breakdown=breakdown)
        vouchers = [self.issue_voucher(ctx, change, program.reward(reward.reward_id), reward.reward_id,
                                       reason="stamp_card", reference=reference)
                    for reward in decision.stamp_rewards if reward.reward_id]
        for reward in decision.stamp_rewards:
            if reward.bonus_points:
                decide.earn(change, points=reward.bonus_points, source="bonus", reference=f"{reference}/stamps",
                            occurred_at=occurred_at, pending_until=None,
                            expires_at=prog.lot_expires_at(program.expiry, occurred_at))
        self.review_tier(change, program, upgrade_only=True)
        return lot, vouchers

    def issue_voucher(self, ctx: Context, change: Change, reward: prog.Reward | None, reward_id: str, reason: str,
                      redemption_id: str | None = None, reference: str | None = None) -> str:
        """A new voucher, valid for the reward's own `valid_days` (VOUCHER_DAYS when it names none)."""
        code = new_voucher_code()
        days = reward.valid_days if reward is not None and reward.valid_days else VOUCHER_DAYS
        ctx.take_new_claim(VOUCHER, code, change.current.id)
        change.add(ev.VoucherIssued, voucher_code=code, reward_id=reward_id, redemption_id=redemption_id,
                   expires_at=ctx.now + timedelta(days=days), reason=reason, reference=reference)
        return code

    def review_tier(self, change: Change, program: prog.ProgramState, upgrade_only: bool) -> None:
        """Upgrade at once on the current figures; downgrade only after a review date has passed (plus
        grace), on the figures as they stood at that review, and at most once per review."""
        member = change.current
        ladder = program.tiers
        if ladder.tier(member.tier) is None:
            return
        figures = prog.window_figures(member.purchases, ladder, change.now)
        decision = prog.decide_tier(ladder, member.tier, figures, change.now, change.now)
        if decision is None and not upgrade_only:
            decision = self.downgrade_decision(member, ladder, change.now)
        if decision is not None:
            decide.change_tier(change, to_tier=decision.to_tier, reason=decision.reason,
                               figures={k: str(v) for k, v in decision.figures.items()})

    def installed(self) -> prog.ProgramState | None:
        """The program now, or None before one is installed (reads and due work still run then)."""
        try:
            return self.book.current()
        except errors.ProgramNotFound:
            return None

    def downgrade_notice(self, member: Member, now: datetime) -> datetime | None:
        """"Will be downgraded on …": a review already passed whose grace is still running, or else the next
        review, judged on the figures the window will hold then if nothing changes."""
        program = self.installed()
        if program is None:
            return None
        ladder = program.tiers
        if ladder.tier(member.tier) is None:
            return None
        since = member.last_tier_change_at or member.enrolled_at
        grace = timedelta(days=ladder.grace_days)
        review = last_review_since(ladder, since, now)
        if review is not None and now < review + grace:
            if prog.tiers.decide_downgrade_at_review(ladder, member.tier, self.figures_at(member, ladder, review),
                                                     review, review + grace):
                return review + grace
        upcoming = prog.tiers.next_review_at(ladder, review or since)
        decision = prog.tiers.decide_downgrade_at_review(ladder, member.tier,
                                                         self.figures_at(member, ladder, upcoming),
                                                         upcoming, upcoming + grace)
        return upcoming + grace if decision else None

    @staticmethod
    def figures_at(member: Member, ladder: prog.TierLadder, at: datetime) -> dict[str, Any]:
        return prog.window_figures(member.purchases, ladder, at)

    @staticmethod
    def downgrade_decision(member: Member, ladder: prog.TierLadder, at: datetime) -> prog.TierDecision | None:
        """The downgrade of the latest review whose grace is over, on the figures as they stood at it; at most
        one per review, because the change moves `last_tier_change_at` past it."""
        grace = timedelta(days=ladder.grace_days)
        review = last_review_since(ladder, member.last_tier_change_at or member.enrolled_at, at - grace)
        if review is None:
            return None
        figures = prog.window_figures(member.purchases, ladder, review)
        return prog.tiers.decide_downgrade_at_review(ladder, member.tier, figures, review, at)

    # --- rewards (loyalty_core/program_rewards.py) ---------------------------------------------------
    def redeem_reward(self, ctx: Context, c: cmd.RedeemPoints) -> Plan:
        return program_rewards.redeem_reward(self, ctx, c)

    # --- administration ----------------------------------------------------------------------------
    def administer(self, command: Any, actor: str, now: datetime) -> prog.ProgramState:
        """Apply one program command (validated; refused changes leave the program unchanged)."""
        for _ in range(10):
            self.book.refresh(force=True)
            events = prog.decide(self.book._state, command, now, actor)
            try:
                self.store.record(events)
            except errors.WriteConflict:
                continue  # another admin changed the program meanwhile: decide again on the new version
            self.book.refresh(force=True)
            return self.book.current()
        raise errors.ConcurrencyConflict("the program is being changed by someone else; try again")

    def install_demo(self, now: datetime, actor: str = "demo") -> bool:
        """Install the demo coffee-chain program once; False when a program already exists."""
        from loyalty_core.program.demo import demo_program_commands

        self.book.refresh(force=True)
        if self.book._state is not None:
            return False
        state = None
        events = []
        for command in demo_program_commands(self.program_id):
            new = prog.decide(state, command, now, actor)
            state = prog.project_program(state, new)
            events += new
        try:
            self.store.record(events)
        except errors.WriteConflict:
            return False  # another process installed it at the same moment
        self.book.refresh(force=True)
        return True

    # --- scheduled work -----------------------------------------------------------------------------
    def has_scheduled_work(self, member: Member, at: datetime) -> bool:
        program = self.installed()
        if program is None:
            return False
        if member.birthday and int(member.birthday[5:7]) == at.astimezone(HCM).month and \
                f"birthday-bonus:{at.astimezone(HCM).year}" not in member.activity_counts and \
                not tier_gift_comes_with_a_rule(program):
            return True
        if program.tiers.tier(member.tier) is not None and program.tiers.rank(member.tier) > 0:
            return self.downgrade_decision(member, program.tiers, at) is not None
        return False

    def scheduled_work(self, ctx: Context, change: Change) -> None:
        """Tier review (downgrades happen only here, at the review date) and the birthday bonus."""
        program = self.installed()
        if program is None:
            return
        self.review_tier(change, program, upgrade_only=False)
        member = change.current
        tier = program.tiers.tier(member.tier)
        if not member.birthday or tier is None or tier.birthday_bonus_points <= 0 or \
                tier_gift_comes_with_a_rule(program):
            return
        local = change.now.astimezone(HCM)
        key = f"birthday-bonus:{local.year}"
        if int(member.birthday[5:7]) == local.month and key not in member.activity_counts:
            decide.earn(change, points=tier.birthday_bonus_points, source="bonus", reference=key,
                        occurred_at=change.now, pending_until=None,
                        expires_at=prog.lot_expires_at(program.expiry, change.now), activity_key=key,
                        breakdown=[{"rule_id": "tier-birthday-bonus", "points": tier.birthday_bonus_points,
                                    "description_vi": f"Quà sinh nhật hạng {tier.name_vi}",
                                    "description_en": f"{tier.name_en} birthday gift"}])


def channels_bought(member: Member) -> tuple[str, ...]:
    """The channels of the member's purchases: each earning is keyed `channel/transaction_ref`."""
    return tuple(sorted({reference.split("/", 1)[0] for reference in member.earnings}))


def tier_gift_comes_with_a_rule(program: prog.ProgramState) -> bool:
    """The tier's birthday gift is paid once: with a `birthday_month` rule that adds it (on the first purchase
    of the month), or, when the program has no such rule, by scheduled work on the first run of the month."""
    return any(isinstance(rule, prog.BirthdayMonth) and rule.add_tier_bonus for rule in program.rules)


def last_review_since(ladder: prog.TierLadder, since: datetime, at: datetime) -> datetime | None:
    """The latest review date in (since, at], or None when no review has come since `since`."""
    review = prog.tiers.next_review_at(ladder, since)
    if review > at:
        return None
    while (following := prog.tiers.next_review_at(ladder, review)) <= at:
        review = following
    return review


def _purchase_model(c: cmd.RecordPurchase, occurred_at: datetime) -> prog.Purchase:
    return till_receipt.purchase_model(c, occurred_at)


def program_in_force(policy: ProgramPolicy, at: datetime) -> prog.ProgramState | None:
    """The program in force at `at`, or None when there was none (a sale from before go-live)."""
    try:
        return policy.book.at(at)
    except (errors.ProgramNotFound, prog.errors.InvalidProgram):
        return None


def record_purchase(ctx: Context, c: cmd.RecordPurchase) -> Plan:
    policy: ProgramPolicy = ctx.service.policy
    occurred_at = timebounds.occurred_at(c.occurred_at, ctx.now)  # in UTC, within (now - 10 years, now + 5 min]
    purchase = _purchase_model(c, occurred_at)
    program = program_in_force(policy, occurred_at)
    paid_share = till_receipt.paid_share_line(c, purchase, program)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    reference = purchase_reference(c.channel, c.transaction_ref)
    if program is None:  # a sale is a fact: recorded, counted, refundable; it earns nothing, and says why
        return _record_without_program(ctx, c, change, purchase, reference, paid_share)
    decision = prog.evaluate_purchase(purchase, program, policy.facts(change.current, program),
                                     policy.budgets(ctx, program))
    if paid_share is not None:
        decision = dataclasses.replace(decision, lines=(paid_share, *decision.lines))
    lot, vouchers = policy.apply_decision(ctx, change, program, decision, source="purchase", reference=reference,
                                          occurred_at=occurred_at, currency=c.currency)
    result = EarnResult(member_id=member.id, balance=Balance.of(change.current), reference=c.transaction_ref,
                        points_earned=decision.points, lot_id=lot.lot_id if lot else None,
                        breakdown=[line.to_dict() for line in decision.lines], vouchers=vouchers)
    plan = ctx.plan(change, result, *policy.charge_budgets(ctx, decision, member.id, reference))
    bonus = decision.referral_bonus
    if bonus is not None:
        plan.follow_ups.append(cmd.EarnPoints(
            idempotency_key=f"referral/{member.id}", idempotency_scope="referral", channel=c.channel,
            store_id=c.store_id, actor="referral", member=cmd.MemberRef(member_id=bonus.referrer_id),
            points=bonus.points, reference=f"referral/{member.id}", source="referral", occurred_at=occurred_at,
            expires_at=prog.lot_expires_at(program.expiry, occurred_at), description=bonus.description_vi))
    return plan


def _record_without_program(ctx: Context, c: cmd.RecordPurchase, change: Change, purchase: prog.Purchase,
                            reference: str, paid_share: prog.RuleLine | None) -> Plan:
    breakdown = till_receipt.record_unpriced(change, purchase, reference, ctx.service.policy.installed() is not None,
                                             *([paid_share] if paid_share else []))
    return ctx.plan(change, EarnResult(member_id=change.current.id, balance=Balance.of(change.current),
                                       reference=c.transaction_ref, points_earned=0, lot_id=None,
                                       breakdown=breakdown))


def record_activity(ctx: Context, c: cmd.RecordActivity) -> Plan:
    policy: ProgramPolicy = ctx.service.policy
    checked_text(c.reference, "reference", required=True)
    if c.kind not in prog.model.ACTIVITY_KINDS:
        raise errors.InvalidInput(f"activity must be one of {prog.model.ACTIVITY_KINDS}", field="kind")
    occurred_at = timebounds.occurred_at(c.occurred_at, ctx.now)  # in UTC, within (now - 10 years, now + 5 min]
    program = policy.book.at(occurred_at)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    activity = prog.Activity(kind=c.kind, ref=c.reference, channel=c.channel, store_id=c.store_id,
                             occurred_at=occurred_at)
    decision = prog.evaluate_activity(activity, program, policy.facts(change.current, program),
                                     policy.budgets(ctx, program))
    reference = f"{c.channel}/{c.kind}/{c.reference}"
    lot, _ = policy.apply_decision(ctx, change, program, decision, source="activity", reference=reference,
                                   occurred_at=occurred_at, currency=program.currency)
    result = EarnResult(member_id=member.id, balance=Balance.of(change.current), reference=c.reference,
                        points_earned=decision.points, lot_id=lot.lot_id if lot else None,
                        breakdown=[line.to_dict() for line in decision.lines])
    return ctx.plan(change, result, *policy.charge_budgets(ctx, decision, member.id, reference))


def install(service: Any) -> ProgramPolicy:
    """Make `service` run the program: its policy, and the purchase and activity handlers."""
    policy = ProgramPolicy(service.store, service.store.settings.program_code)
    service.policy = policy
    service.register(cmd.RecordPurchase, record_purchase)
    service.register(cmd.RecordActivity, record_activity)
    from loyalty_core import offers  # these build on this module
    from loyalty_core.program_refunds import refund_purchase

    service.register(cmd.RefundPurchase, refund_purchase)
    service.register(cmd.ReverseRedemption, program_rewards.reverse_redemption)
    offers.install(service)
    return policy


__all__ = ["ProgramPolicy", "ProgramBook", "install", "program_id_for", "budget_id_for", "record_purchase",
           "record_activity", "local_day", "ids", "timezone"]
