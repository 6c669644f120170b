"""The application service: one entry point, `execute(command)`, that every command goes through.

The rhythm is the same for every command: find the receipt for its idempotency key (a retry gets the
original answer, a different body with the same key is refused); load the member from the store; apply
what is already due; decide; write the member's events, any claims and the receipt in one transaction.
If another writer got there first the store refuses the whole write and the command is decided again
against the new state, so two POS terminals redeeming at once can never overdraw. Nothing here knows
HTTP or the database library; the store and the clock come in from outside.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import ROUND_FLOOR, Decimal
from typing import Any, Callable, Protocol
from uuid import UUID, uuid4

from loyalty_core.request_context import current_request_id
from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.decide import Cause, Change, ShortfallPolicy, apply_due
from loyalty_core import decide
from loyalty_core.member import Member
from loyalty_core.money import check_points, parse_money
from loyalty_core.text import check_all_text
from loyalty_core import timebounds
from loyalty_core.results import (Balance, CaptureResult, ChangeResult, EarnResult, MemberResult,
                                  RedemptionResult, RefundResult, ReservationResult, Result, result_from_dict)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 50
MAX_KEY_LENGTH = 200
MAX_TEXT_LENGTH = 500
MAX_HOLD_SECONDS = 7 * 24 * 3600
RESERVATION, VOUCHER = "reservation", "voucher"


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Store(Protocol):
    def load_member(self, member_id: UUID) -> Member | None: ...
    def load_claim(self, claim_id: UUID) -> Any: ...
    def load_receipt(self, receipt_id: UUID) -> ev.CommandAccepted | None: ...
    def record(self, events: list[ev.Event]) -> Any: ...
    def snapshot(self, member: Member) -> None: ...
    def remember(self, member: Member) -> None: ...


@dataclass(frozen=True)
class Prepared:
    """A command checked for a handler and a usable idempotency key, with its receipt id."""

    command: cmd.Command
    handler: Callable[[Context, Any], Plan]
    scope: str
    key: str
    receipt_id: UUID
    request: dict[str, Any]
    request_id: str | None = None
    """The HTTP request this command came with (loyalty_core/request_context.py), stamped on its events."""

    @property
    def name(self) -> str:
        return type(self.command).__name__


@dataclass
class Plan:
    """What one command decided: the events to write together, the answer, the member afterwards."""

    events: list[ev.Event]
    result: Result
    member: Member | None = None
    follow_ups: list[cmd.Command] = field(default_factory=list)
    """Commands on other members this one causes (a referrer's bonus), run after it is written, each with a
    deterministic idempotency key so that running one twice pays once."""


@dataclass
class Context:
    """Per-attempt helpers handed to a handler: the time, and claims to take in the same write."""

    service: LoyaltyService
    command: cmd.Command
    now: datetime
    claim_events: list[ev.Event] = field(default_factory=list)
    budget_versions: dict[UUID, int] = field(default_factory=dict)
    """The version of each campaign budget this decision read: its charge must follow exactly that one."""

    @property
    def cause(self) -> Cause:
        return Cause(self.command.channel, self.command.store_id, self.command.actor)

    def take_claim(self, kind: str, value: str, member_id: UUID) -> None:
        claim_id = ids.claim_id(kind, value)
        claim = self.service.store.load_claim(claim_id)
        if claim is not None and claim.member_id is not None and claim.member_id != member_id:
            raise errors.IdentifierTaken(f"{kind} {value} belongs to another member", kind=kind)
        if claim is not None and claim.member_id == member_id:
            return
        self.claim_events.append(ev.ClaimTaken(originator_id=claim_id, originator_version=(claim.version + 1)
                                               if claim else 1, timestamp=self.now, kind=kind, value=value,
                                               member_id=member_id))

    def take_new_claim(self, kind: str, value: str, member_id: UUID) -> None:
        """Claim a value this command just generated at random (a voucher code, a reservation id, a QR
        token): no read first. A collision is astronomically rare and the store's primary key still
        refuses it, after which the command is decided again with a fresh value."""
        self.claim_events.append(ev.ClaimTaken(originator_id=ids.claim_id(kind, value), originator_version=1,
                                               timestamp=self.now, kind=kind, value=value, member_id=member_id))

    def release_claim(self, kind: str, value: str, member_id: UUID) -> None:
        claim = self.service.store.load_claim(ids.claim_id(kind, value))
        if claim is None or claim.member_id != member_id:
            raise errors.IdentifierNotLinked(f"{kind} {value} is not linked to this member", kind=kind)
        self.claim_events.append(ev.ClaimReleased(originator_id=claim.claim_id, originator_version=claim.version + 1,
                                                  timestamp=self.now, kind=kind, value=value, member_id=member_id))

    def change(self, member: Member) -> Change:
        change = Change(member, self.now, self.cause)
        apply_due(change, self.service.policy.inactivity_expires_at(member))
        return change

    def plan(self, change: Change, result: Result, *extra: ev.Event) -> Plan:
        return Plan([*change.events, *self.claim_events, *extra], result, change.member)


class Policy:
    """The program's answers the ledger needs; the default is a plain ledger with no program rules.

    The loyalty program (earning rules, tiers, rewards, expiry and refund policies) plugs in by
    subclassing this, so the ledger's rhythm never changes when marketing changes the program.
    """

    program_code = "default"
    base_tier = "member"

    def check_tier(self, tier: str) -> None:
        if not isinstance(tier, str) or not 1 <= len(tier) <= 40:
            raise errors.InvalidInput("tier must be a tier code", field="tier")

    def redeem_reward(self, ctx: Context, c: cmd.RedeemPoints) -> Plan:
        raise errors.RewardNotFound(f"no reward {c.reward_id}: this ledger has no reward catalogue")

    def downgrade_notice(self, member: Member, now: datetime) -> datetime | None:
        """When the member will lose their tier if nothing changes; a plain ledger has no tiers."""
        return None

    def discount_for(self, points: int, order_total: Decimal | None) -> Decimal | None:
        """The money value of `points` at checkout; a plain ledger has no point value."""
        if order_total is not None:
            raise errors.InvalidInput("this ledger has no point value, so points cannot pay an order",
                                      field="order_total")
        return None

    def money_value(self, points: int) -> Decimal | None:
        """What `points` pay at checkout (a capture's discount); a plain ledger has no point value."""
        return None

    def scheduled_work(self, ctx: Context, change: Change) -> None:
        """Work beyond what every command applies (tier review, birthday bonus); none by default."""

    def inactivity_expires_at(self, member: Member) -> datetime | None:
        return None

    def shortfall_policy(self) -> ShortfallPolicy:
        return ShortfallPolicy()

    def adjustment_approval_threshold(self) -> int:
        """Manual adjustments of more points than this wait for a second person (loyalty_core/approvals.py)."""
        return 500

    def points_to_claw_back(self, earning: Any, refund_amount: Decimal) -> int:
        # Pro rata on the cumulative refunded amount, so several partial refunds add up exactly.
        refunded = earning.refunded + refund_amount
        target = (Decimal(earning.points) * refunded / earning.spend).to_integral_value(ROUND_FLOOR)
        return max(min(int(target), earning.points) - earning.points_reversed, 0)


class LoyaltyService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = utc_now, policy: Policy | None = None,
                 snapshot_interval: int = 100):
        self.store = store
        self.clock = clock
        self.policy = policy or Policy()
        self.snapshot_interval = snapshot_interval
        self._handlers: dict[type, Callable[[Context, Any], Plan]] = dict(HANDLERS)
        self.batcher: Any = None
        """A GroupCommitter when commands from many threads are written together (see batching.py)."""

    def register(self, command_type: type, handler: Callable[[Context, Any], Plan]) -> None:
        self._handlers[command_type] = handler

    # --- the one entry point ------------------------------------------------------------------------
    def execute(self, command: cmd.Command) -> Result:
        """Decide and record one command; concurrent commands may be committed together (group commit)."""
        prepared = self.prepare(command)
        if self.batcher is not None:
            return self.batcher.submit(prepared)
        return self.execute_alone(prepared)

    def prepare(self, command: cmd.Command) -> Prepared:
        handler = self._handlers.get(type(command))
        if handler is None:
            raise errors.InvalidInput(f"unknown command {type(command).__name__}")
        check_all_text(command)  # before anything reads it: a control character never reaches an event
        scope, key = receipt_key(command)
        return Prepared(command, handler, scope, key, ids.receipt_id(scope, key), command.request(),
                        current_request_id.get())

    def execute_alone(self, prepared: Prepared) -> Result:
        """Read the receipt, decide, write; on a conflict decide again against the newer state."""
        for _ in range(MAX_ATTEMPTS):
            receipt = self.store.load_receipt(prepared.receipt_id)
            if receipt is not None:
                return replay(receipt, prepared.name, prepared.request)
            plan = self.plan(prepared)
            try:
                self.store.record(plan.events)
            except errors.WriteConflict:
                continue
            self.committed(plan)
            return plan.result
        raise errors.ConcurrencyConflict("too many concurrent changes to this member; try again")

    def plan(self, prepared: Prepared) -> Plan:
        """Decide a command (raising its refusal, if any) and add its receipt to the events to write."""
        context = Context(self, prepared.command, self.clock())
        plan = prepared.handler(context, prepared.command)
        if prepared.request_id is not None:
            plan.events[:] = [replace(e, request_id=prepared.request_id) if isinstance(e, ev.MemberEvent) else e
                              for e in plan.events]
        plan.events.append(ev.CommandAccepted(
            originator_id=prepared.receipt_id, originator_version=1, timestamp=context.now, scope=prepared.scope,
            idempotency_key=prepared.key, command=prepared.name, request=prepared.request,
            result=plan.result.to_dict(), member_id=plan.result.member_id))
        return plan

    def simulate(self, command: cmd.Command) -> Result:
        """Decide a command without writing anything: a dry run ("this basket will earn 37 points")."""
        return self.plan(self.prepare(command)).result

    def committed(self, plan: Plan) -> None:
        """After a successful write: keep the new state warm, and snapshot long histories."""
        if plan.member is not None:
            self.store.remember(plan.member)
            self._maybe_snapshot(plan)
        for follow_up in plan.follow_ups:
            try:
                self.execute_alone(self.prepare(follow_up))
            except errors.LoyaltyError as exc:  # the cause is written; a refused effect is logged, not raised
                log.warning("follow-up %s refused: %s", type(follow_up).__name__, exc)

    def _maybe_snapshot(self, plan: Plan) -> None:
        member = plan.member
        versions = [e.originator_version for e in plan.events if e.originator_id == member.id]
        if member is None or not versions:
            return
        first = min(versions)
        if member.version // self.snapshot_interval > (first - 1) // self.snapshot_interval:
            try:
                self.store.snapshot(member)
            except errors.LedgerIntegrityError:
                # The write stands; the state that disagrees with the stored events is dropped from the
                # cache instead of being served or snapshotted.
                log.critical("snapshot refused for member %s", member.id, exc_info=True)
            except errors.StoreUnavailable:
                log.warning("snapshot of member %s skipped: the store is unavailable", member.id)

    # --- reads that decisions also use ----------------------------------------------------------------
    def resolve(self, ref: cmd.MemberRef) -> Member:
        given = ref.given()
        if len(given) != 1:
            raise errors.InvalidInput("name the member by exactly one of member_id, phone, email, member_code, "
                                      "qr_token, channel_id", field="member")
        kind, value = given[0]
        if kind == "member_id":
            member_id = value if isinstance(value, UUID) else _uuid(value)
        else:
            claim = self.store.load_claim(ids.claim_id(kind, ids.normalise(kind, value)))
            if claim is None or claim.member_id is None:
                raise errors.MemberNotFound(f"no member with {kind} {value}", **{kind: value})
            member_id = claim.member_id
        member = self.store.load_member(member_id)
        if member is None:
            raise errors.MemberNotFound(f"no member {member_id}", member_id=str(member_id))
        return member

    def balance(self, ref: cmd.MemberRef, at: datetime | None = None) -> Balance:
        """The balance as of now (or `at`), with what is due applied, without writing anything."""
        member = self.resolve(ref)
        change = Change(member, at or self.clock(), Cause("read", None, "read"))
        apply_due(change, self.policy.inactivity_expires_at(member))
        return Balance.of(change.current)

    def member_summary(self, ref: cmd.MemberRef) -> MemberResult:
        member = self.resolve(ref)
        change = Change(member, self.clock(), Cause("read", None, "read"))
        apply_due(change, self.policy.inactivity_expires_at(member))
        result = member_result(change.current)
        notice = self.policy.downgrade_notice(change.current, change.now)
        return replace(result, tier_downgrade_at=notice) if notice else result


def _uuid(value: Any) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise errors.MemberNotFound(f"no member {value!r}") from None


def receipt_key(command: cmd.Command) -> tuple[str, str]:
    key = command.idempotency_key
    if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
        raise errors.InvalidInput(f"an idempotency key of 1 to {MAX_KEY_LENGTH} characters is required",
                                  field="idempotency_key")
    if isinstance(command, cmd.RecordPurchase):
        # A purchase is the same purchase whoever resends it: its natural key is channel + transaction ref.
        return f"purchase/{command.channel}", command.transaction_ref
    return command.scope, key


def replay(receipt: ev.CommandAccepted, command_name: str, request: dict[str, Any]) -> Result:
    if receipt.command != command_name or receipt.request != request:
        differs = "command" if receipt.command != command_name else cmd.first_difference(receipt.request, request)
        raise errors.IdempotencyKeyReused(
            f"idempotency key {receipt.idempotency_key!r} was used for a different request "
            f"(first difference: {differs})", field=differs)
    return result_from_dict(receipt.result)


def member_result(member: Member) -> MemberResult:
    return MemberResult(member_id=member.id, balance=Balance.of(member), member_code=member.identifier(ids.MEMBER_CODE),
                        qr_token=member.identifier(ids.QR_TOKEN), phone=member.identifier(ids.PHONE),
                        email=member.identifier(ids.EMAIL), name=member.name, tier=member.tier)


def _text(value: str | None, name: str, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise errors.InvalidInput(f"{name} is required", field=name)
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT_LENGTH:
        raise errors.InvalidInput(f"{name} must be text of at most {MAX_TEXT_LENGTH} characters", field=name)
    return value


def _aware(value: datetime | None, default: datetime, field: str = "occurred_at") -> datetime:
    # Overflow (9999-12-31T23:59:59-12:00 is year 10000 in UTC) is refused, never raised as a 500.
    return default if value is None else timebounds.to_utc(value, field)


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid4().hex}"


# --- handlers: translate a command into decisions --------------------------------------------------


def enroll(ctx: Context, c: cmd.EnrollMember) -> Plan:
    member_id = uuid4()
    identifiers = [(ids.PHONE, ids.normalise_phone(c.phone))]
    if c.email:
        identifiers.append((ids.EMAIL, ids.normalise_email(c.email)))
    if c.channel_customer_id:
        identifiers.append((ids.CHANNEL_ID, ids.normalise_channel_id(c.channel_customer_id)))
    generated = [(ids.MEMBER_CODE, ids.new_member_code()), (ids.QR_TOKEN, ids.new_qr_token())]
    change = Change(None, ctx.now, ctx.cause, member_id=member_id)
    change.add(ev.MemberEnrolled, program_code=c.program_code or ctx.service.policy.program_code,
               tier=ctx.service.policy.base_tier, name=_text(c.name, "name"), birthday=timebounds.birthday(c.birthday, ctx.now),
               consent={str(k): bool(v) for k, v in c.consent.items()},
               referred_by=ctx.service.resolve(c.referred_by).id if c.referred_by else None)
    for kind, value in identifiers:
        ctx.take_claim(kind, value, member_id)
        change.add(ev.IdentifierLinked, kind=kind, value=value)
    for kind, value in generated:
        ctx.take_new_claim(kind, value, member_id)
        change.add(ev.IdentifierLinked, kind=kind, value=value)
    return ctx.plan(change, member_result(change.current))


def link_identifier(ctx: Context, c: cmd.LinkIdentifier) -> Plan:
    member = ctx.service.resolve(c.member)
    value = ids.normalise(c.kind, c.value)
    change = ctx.change(member)
    ctx.take_claim(c.kind, value, member.id)
    if (c.kind, value) not in member.identifiers:
        change.add(ev.IdentifierLinked, kind=c.kind, value=value)
    return ctx.plan(change, member_result(change.current))


def unlink_identifier(ctx: Context, c: cmd.UnlinkIdentifier) -> Plan:
    member = ctx.service.resolve(c.member)
    value = ids.normalise(c.kind, c.value)
    if c.kind == ids.PHONE and sum(1 for k, _ in member.identifiers if k == ids.PHONE) <= 1:
        raise errors.InvalidInput("a member keeps at least one phone number", field="kind")
    change = ctx.change(member)
    ctx.release_claim(c.kind, value, member.id)
    change.add(ev.IdentifierUnlinked, kind=c.kind, value=value)
    return ctx.plan(change, member_result(change.current))


def update_profile(ctx: Context, c: cmd.UpdateProfile) -> Plan:
    member = ctx.service.resolve(c.member)
    changes = {k: v for k, v in {"name": _text(c.name, "name"), "birthday": timebounds.birthday(c.birthday, ctx.now)}.items()
               if v is not None and getattr(member, k) != v}
    change = ctx.change(member)
    if changes:
        change.add(ev.ProfileUpdated, changes=changes)
    return ctx.plan(change, _change_result(change))


def change_consent(ctx: Context, c: cmd.ChangeConsent) -> Plan:
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    changes = {str(k): bool(v) for k, v in c.consent.items() if member.consent.get(k) != bool(v)}
    if changes:
        given_at = _aware(c.given_at, ctx.now) if c.given_at is not None else None
        change.add(ev.ConsentChanged, changes=changes, source=_text(c.source, "source") or c.channel,
                   consent_text_version=_text(c.consent_text_version, "consent_text_version") or "",
                   given_at=given_at)
    return ctx.plan(change, _change_result(change))


def _change_result(change: Change, points: int = 0) -> ChangeResult:
    return ChangeResult(member_id=change.current.id, balance=Balance.of(change.current),
                        events=[type(e).__name__ for e in change.events], points=points)


def earn_points(ctx: Context, c: cmd.EarnPoints) -> Plan:
    check_points(c.points)
    _text(c.reference, "reference", required=True)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    occurred_at = timebounds.occurred_at(c.occurred_at, ctx.now)
    event = decide.earn(change, points=c.points, source=c.source, reference=c.reference, occurred_at=occurred_at,
                        pending_until=timebounds.deadline(c.pending_until, ctx.now, "pending_until", may_be_past=True),
                        expires_at=timebounds.deadline(c.expires_at, ctx.now, "expires_at"),
                        breakdown=[{"rule_id": "manual", "points": c.points, "description_vi": c.description,
                                    "description_en": c.description}] if c.description else [])
    return ctx.plan(change, EarnResult(member_id=member.id, balance=Balance.of(change.current),
                                       reference=c.reference, points_earned=c.points, lot_id=event.lot_id,
                                       breakdown=event.breakdown))


def reserve_points(ctx: Context, c: cmd.ReservePoints) -> Plan:
    check_points(c.points)
    _text(c.order_ref, "order_ref", required=True)
    if isinstance(c.hold_seconds, bool) or not isinstance(c.hold_seconds, int) or \
            not 1 <= c.hold_seconds <= MAX_HOLD_SECONDS:
        raise errors.InvalidInput(f"hold_seconds must be 1 to {MAX_HOLD_SECONDS}", field="hold_seconds")
    # The share of the order points may pay is checked when they are held (a program may require the order).
    ctx.service.policy.discount_for(c.points, c.order_total)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    reservation_id = new_id("rsv_")
    hold_until = ctx.now + timedelta(seconds=c.hold_seconds)
    decide.reserve(change, reservation_id=reservation_id, points=c.points, order_ref=c.order_ref,
                   hold_until=hold_until)
    ctx.take_new_claim(RESERVATION, reservation_id, member.id)
    return ctx.plan(change, ReservationResult(member_id=member.id, balance=Balance.of(change.current),
                                              reservation_id=reservation_id, points=c.points,
                                              expires_at=hold_until))


def _member_of_reservation(ctx: Context, reservation_id: str) -> Member:
    if not isinstance(reservation_id, str) or len(reservation_id) > 100:
        raise errors.ReservationNotFound("no such reservation")
    claim = ctx.service.store.load_claim(ids.claim_id(RESERVATION, reservation_id))
    if claim is None or claim.member_id is None:
        raise errors.ReservationNotFound(f"no reservation {reservation_id}", reservation_id=reservation_id)
    return ctx.service.resolve(cmd.MemberRef(member_id=claim.member_id))


def capture_reservation(ctx: Context, c: cmd.CaptureReservation) -> Plan:
    member = _member_of_reservation(ctx, c.reservation_id)
    change = ctx.change(member)
    redemption_id = new_id("rdm_")
    captured, released = decide.capture(change, reservation_id=c.reservation_id, points=c.points,
                                        redemption_id=redemption_id)
    return ctx.plan(change, CaptureResult(member_id=member.id, balance=Balance.of(change.current),
                                          reservation_id=c.reservation_id, points_captured=captured,
                                          points_released=released, redemption_id=redemption_id,
                                          discount_amount=ctx.service.policy.money_value(captured)))


def release_reservation(ctx: Context, c: cmd.ReleaseReservation) -> Plan:
    member = _member_of_reservation(ctx, c.reservation_id)
    change = ctx.change(member)
    released = decide.release(change, reservation_id=c.reservation_id)
    return ctx.plan(change, CaptureResult(member_id=member.id, balance=Balance.of(change.current),
                                          reservation_id=c.reservation_id, points_released=released))


def redeem_points(ctx: Context, c: cmd.RedeemPoints) -> Plan:
    _text(c.order_ref, "order_ref", required=True)
    if c.reward_id is not None:
        return ctx.service.policy.redeem_reward(ctx, c)
    if c.points is None:
        raise errors.InvalidInput("give points or reward_id", field="points")
    check_points(c.points)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    redemption_id = new_id("rdm_")
    discount = ctx.service.policy.discount_for(c.points, c.order_total)
    decide.redeem(change, redemption_id=redemption_id, points=c.points, order_ref=c.order_ref,
                  discount_amount=discount)
    return ctx.plan(change, RedemptionResult(member_id=member.id, balance=Balance.of(change.current),
                                             redemption_id=redemption_id, points=c.points,
                                             discount_amount=discount))


def reverse_redemption(ctx: Context, c: cmd.ReverseRedemption) -> Plan:
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    points = decide.reverse_redemption(change, redemption_id=c.redemption_id, reason=_text(c.reason, "reason") or "")
    return ctx.plan(change, RedemptionResult(member_id=member.id, balance=Balance.of(change.current),
                                             redemption_id=c.redemption_id, points=points))


@dataclass(frozen=True)
class RefundTarget:
    """The purchase a refund names, found through its receipt, with the refund's amount checked against it."""

    receipt: ev.CommandAccepted
    member: Member
    reference: str
    earning: Any
    amount: Decimal


def refund_target(ctx: Context, c: cmd.RefundPurchase) -> RefundTarget:
    """Find the refunded purchase; refuse a refund that names nothing or repeats itself."""
    _text(c.refund_ref, "refund_ref", required=True)
    purchase_channel = c.purchase_channel or c.channel
    receipt = ctx.service.store.load_receipt(ids.receipt_id(f"purchase/{purchase_channel}", c.transaction_ref))
    if receipt is None or receipt.member_id is None:
        raise errors.TransactionNotFound(f"no purchase {c.transaction_ref} from {purchase_channel}",
                                         transaction_ref=c.transaction_ref)
    member = ctx.service.resolve(cmd.MemberRef(member_id=receipt.member_id))
    reference = purchase_reference(purchase_channel, c.transaction_ref)
    earning = member.earnings.get(reference)
    if earning is None:
        raise errors.TransactionNotFound(f"purchase {c.transaction_ref} earned nothing to reverse")
    amount = parse_money(c.amount, earning.currency, field="amount", allow_zero=False)
    if c.refund_ref in earning.refund_refs:
        raise errors.InvalidInput(f"refund {c.refund_ref} was already applied", field="refund_ref")
    return RefundTarget(receipt, member, reference, earning, amount)


def check_refund_within_purchase(target: RefundTarget) -> None:
    earning, amount = target.earning, target.amount
    if earning.refunded + amount > earning.spend:
        raise errors.RefundExceedsPurchase(
            f"refunds would total {earning.refunded + amount}, more than the {earning.spend} that earned points",
            refundable=str(earning.spend - earning.refunded))


def refund_purchase(ctx: Context, c: cmd.RefundPurchase) -> Plan:
    target = refund_target(ctx, c)
    check_refund_within_purchase(target)
    member, reference, earning, amount = target.member, target.reference, target.earning, target.amount
    change = ctx.change(member)
    points = ctx.service.policy.points_to_claw_back(earning, amount)
    event = decide.reverse_earn(change, transaction_ref=reference, refund_ref=c.refund_ref, refund_amount=amount,
                                points=points, spend_reversed=amount, policy=ctx.service.policy.shortfall_policy())
    return ctx.plan(change, RefundResult(member_id=member.id, balance=Balance.of(change.current),
                                         transaction_ref=c.transaction_ref, refund_ref=c.refund_ref,
                                         points_reversed=event.points_reversed, shortfall=event.shortfall,
                                         settled_by=event.settled_by))


def purchase_reference(channel: str, transaction_ref: str) -> str:
    return f"{channel}/{transaction_ref}"


def adjust_points(ctx: Context, c: cmd.AdjustPoints) -> Plan:
    _text(c.reason, "reason", required=True)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    decide.adjust(change, delta=c.points, reason=c.reason,
                  expires_at=timebounds.deadline(c.expires_at, ctx.now, "expires_at"))
    return ctx.plan(change, _change_result(change, c.points))


def change_tier(ctx: Context, c: cmd.ChangeTier) -> Plan:
    _text(c.reason, "reason", required=True)
    ctx.service.policy.check_tier(c.tier)
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    decide.change_tier(change, to_tier=c.tier, reason="manual", note=c.reason)
    return ctx.plan(change, _change_result(change))


def use_voucher(ctx: Context, c: cmd.UseVoucher) -> Plan:
    _text(c.order_ref, "order_ref", required=True)
    code = c.voucher_code.strip().upper() if isinstance(c.voucher_code, str) else ""
    claim = ctx.service.store.load_claim(ids.claim_id(VOUCHER, code))
    if claim is None or claim.member_id is None:
        raise errors.VoucherNotFound(f"no voucher {c.voucher_code}")
    member = ctx.service.resolve(cmd.MemberRef(member_id=claim.member_id))
    change = ctx.change(member)
    decide.use_voucher(change, voucher_code=code, order_ref=c.order_ref)
    return ctx.plan(change, _change_result(change))


def run_due_work(ctx: Context, c: cmd.RunDueWork) -> Plan:
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    ctx.service.policy.scheduled_work(ctx, change)
    return ctx.plan(change, _change_result(change))


def new_voucher_code() -> str:
    alphabet = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
    return "V" + "".join(secrets.choice(alphabet) for _ in range(11))


HANDLERS: dict[type, Callable[[Context, Any], Plan]] = {
    cmd.EnrollMember: enroll, cmd.LinkIdentifier: link_identifier, cmd.UnlinkIdentifier: unlink_identifier,
    cmd.UpdateProfile: update_profile, cmd.ChangeConsent: change_consent, cmd.EarnPoints: earn_points,
    cmd.ReservePoints: reserve_points, cmd.CaptureReservation: capture_reservation,
    cmd.ReleaseReservation: release_reservation, cmd.RedeemPoints: redeem_points,
    cmd.ReverseRedemption: reverse_redemption, cmd.RefundPurchase: refund_purchase,
    cmd.AdjustPoints: adjust_points, cmd.ChangeTier: change_tier, cmd.UseVoucher: use_voucher,
    cmd.RunDueWork: run_due_work,
}


def enable_group_commit(service: LoyaltyService, max_batch: int = 500, linger_ms: int = 0) -> None:
    """Write concurrent commands together (see batching.py); `service.batcher.close()` stops it."""
    from loyalty_core.batching import GroupCommitter

    service.batcher = GroupCommitter(service, max_batch=max_batch, linger_ms=linger_ms)
