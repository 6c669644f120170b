"""Every event of the ledger: past tense, frozen, the persisted contract.

Events are stored under their `module:ClassName` topic, so this module and these names never move.
Fields hold only what the store's transcoder round-trips (str, int, bool, Decimal, datetime, UUID, and
lists and dicts of those); lists of lot movements are `[[lot_id, points], ...]`. Events record outcomes
(points awarded, lots consumed, how a shortfall was settled), so replaying them never re-runs a rule.

Three kinds of aggregate live in one stream:
- a member (random UUID) carries the ledger events below;
- a claim (UUID5 of `kind/value`) owns one identifier, reservation or voucher code for one member, so the
  store's primary key enforces uniqueness in the same transaction as the member's events;
- a receipt (UUID5 of `scope/idempotency key`) records a command's request and result, written in the same
  transaction as the events it acknowledges, so a retry replays the original answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

LotMoves = list  # [[lot_id: str, points: int], ...]


@dataclass(frozen=True, kw_only=True)
class Event:
    originator_id: UUID
    originator_version: int
    timestamp: datetime
    """When the event was recorded (UTC): the command's clock, not the wall time of the POS."""


@dataclass(frozen=True, kw_only=True)
class MemberEvent(Event):
    channel: str
    """Where the command came from: pos, web, app, zalo, shopee, cli, worker, ..."""
    store_id: str | None = None
    actor: str = "system"
    """Who caused it: an API key id, a staff id, or `worker` for scheduled work."""
    request_id: str | None = None
    """The HTTP request (`X-Request-ID`) whose command wrote it; None for the CLI, the worker and events
    written before this field existed (docs/upcasting.md: an added field with a default)."""


# --- Member lifecycle -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MemberEnrolled(MemberEvent):
    program_code: str
    tier: str
    name: str | None
    birthday: str | None
    """ISO date `YYYY-MM-DD` (the transcoder has no `date`)."""
    consent: dict[str, bool]
    """Consent per message channel: {"zalo": true, "sms": false, "email": true}."""
    referred_by: UUID | None = None
    """The member who invited this one (rewarded when this one first buys)."""


@dataclass(frozen=True, kw_only=True)
class IdentifierLinked(MemberEvent):
    kind: str
    value: str


@dataclass(frozen=True, kw_only=True)
class IdentifierUnlinked(MemberEvent):
    kind: str
    value: str


@dataclass(frozen=True, kw_only=True)
class ProfileUpdated(MemberEvent):
    changes: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class ConsentChanged(MemberEvent):
    changes: dict[str, bool]
    """Opt-in (true) or opt-out (false) per channel ("sms") or per channel and purpose ("sms:marketing")."""
    source: str = ""
    """Where the member said so: the app's settings page, a paper form at a store, a call to CSKH, ..."""
    consent_text_version: str = ""
    """Which wording of the consent text the member agreed to, so consent is provable (Decree 13/2023)."""
    given_at: datetime | None = None
    """When the member said so, if before it was recorded (a paper form typed in later)."""


@dataclass(frozen=True, kw_only=True)
class TierChanged(MemberEvent):
    from_tier: str
    to_tier: str
    reason: str
    """qualified | downgraded_at_review | manual | refunded"""
    note: str = ""
    figures: dict[str, Any] = field(default_factory=dict)


# --- Earning ----------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PointsEarned(MemberEvent):
    lot_id: str
    points: int
    source: str
    """purchase | activity | bonus | referral | adjustment"""
    reference: str
    """The transaction ref, activity ref or bonus key this lot came from."""
    occurred_at: datetime
    pending_until: datetime | None
    expires_at: datetime | None
    debt_settled: int = 0
    """Points of this lot that paid off a negative balance at once (available lots only)."""
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    """One line per rule that fired: rule_id, points, description_vi, description_en."""
    qualifying_spend: Decimal = Decimal(0)
    currency: str = "VND"
    program_version: int = 0
    stamps_added: dict[str, int] = field(default_factory=dict)
    campaign_points: dict[str, int] = field(default_factory=dict)
    activity_key: str | None = None
    stamps_used: dict[str, int] = field(default_factory=dict)
    """Stamps consumed by the cards this purchase completed: progress is old + added - used."""


@dataclass(frozen=True, kw_only=True)
class PurchaseRecorded(MemberEvent):
    """A purchase that earned nothing still counts for tiers, stamps and KPIs."""

    transaction_ref: str
    occurred_at: datetime
    spend: Decimal
    currency: str = "VND"
    stamps_added: dict[str, int] = field(default_factory=dict)
    program_version: int = 0
    stamps_used: dict[str, int] = field(default_factory=dict)
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    """Why it earned nothing, line by line in both languages (e.g. no program was in force then)."""


@dataclass(frozen=True, kw_only=True)
class PendingPointsReleased(MemberEvent):
    lot_id: str
    points: int
    debt_settled: int = 0


@dataclass(frozen=True, kw_only=True)
class EarnReversed(MemberEvent):
    transaction_ref: str
    refund_ref: str
    refund_amount: Decimal
    points_reversed: int
    """Everything this refund took back, from the lot and from other lots."""
    lots: LotMoves
    shortfall: int
    """Points that should have been taken back but were already spent."""
    settled_by: str
    """none | negative_balance | written_off | negative_balance_and_written_off"""
    debt_added: int = 0
    written_off: int = 0
    spend_reversed: Decimal = Decimal(0)
    stamps_reversed: dict[str, int] = field(default_factory=dict)
    """The change to each card's progress, subtracted by the fold: the stamps taken, less a whole card for each
    voucher the refund cancelled (so it can be negative)."""
    stamps_taken: dict[str, int] = field(default_factory=dict)
    """The refunded items' stamps per card, whether taken from progress, a voucher or written off: later
    refunds of the same purchase count from it."""
    lines: list[list[Any]] = field(default_factory=list)
    """[[sku, quantity], ...] returned, for a refund that named its lines."""


# --- Spending ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PointsReserved(MemberEvent):
    reservation_id: str
    points: int
    order_ref: str
    hold_until: datetime
    lots: LotMoves


@dataclass(frozen=True, kw_only=True)
class ReservationCaptured(MemberEvent):
    reservation_id: str
    points: int
    """Points spent; the rest of the reservation (if any) went back to its lots."""
    released_points: int
    released_lots: LotMoves
    redemption_id: str


@dataclass(frozen=True, kw_only=True)
class ReservationReleased(MemberEvent):
    reservation_id: str
    points: int
    reason: str
    """cancelled | timed_out"""
    lots: LotMoves


@dataclass(frozen=True, kw_only=True)
class PointsRedeemed(MemberEvent):
    redemption_id: str
    points: int
    order_ref: str
    lots: LotMoves
    reward_id: str | None = None
    voucher_code: str | None = None
    discount_amount: Decimal | None = None


@dataclass(frozen=True, kw_only=True)
class RedemptionReversed(MemberEvent):
    redemption_id: str
    points: int
    lots: list
    """[[lot_id, points, expires_at], ...]: points restored to the lots they came from, keeping each
    lot's original expiry (a lot spent to nothing is recreated with it)."""
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class PointsAdjusted(MemberEvent):
    delta: int
    reason: str
    lot_id: str | None = None
    expires_at: datetime | None = None
    lots: LotMoves = field(default_factory=list)
    debt_settled: int = 0


@dataclass(frozen=True, kw_only=True)
class PointsExpired(MemberEvent):
    lot_id: str
    points: int
    policy: str
    """lot_expiry | inactivity"""


# --- Vouchers ---------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class VoucherIssued(MemberEvent):
    voucher_code: str
    reward_id: str
    redemption_id: str | None
    expires_at: datetime | None
    reason: str = "redeemed"
    """redeemed | stamp_card | birthday | manual | offer"""
    reference: str | None = None
    """What earned it: the purchase reference of a stamp card, the offer grant of an offer."""


@dataclass(frozen=True, kw_only=True)
class VoucherUsed(MemberEvent):
    voucher_code: str
    order_ref: str


@dataclass(frozen=True, kw_only=True)
class VoucherCancelled(MemberEvent):
    voucher_code: str
    reason: str
    """cancelled | expired | refunded"""


# --- The digital card -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class CardSecretIssued(MemberEvent):
    """The member's rotating card code now derives from a new secret id (see `loyalty_core.card_code`).

    The secret itself is never recorded: it is HMAC(card key, member id + secret id), so this event is safe
    in the stream, webhooks and exports. Every code of an earlier secret id stops working."""

    secret_id: str | None
    """A random nonce; None when the card is revoked (erasure, a lost phone) and no code resolves."""
    reason: str = "issued"
    """issued | rotated | revoked"""


@dataclass(frozen=True, kw_only=True)
class PersonalDataErased(MemberEvent):
    """The member's personal data was erased (crypto-shredding): their data key is destroyed in the same
    transaction, so every sealed value of theirs reads as "đã xoá". Nothing personal is in this event: the
    reason is the staff's, the actor who did it is the event's `actor`. Points, lots and figures stay."""

    reason: str


# --- Merging duplicate members (loyalty_core/identity/merging.py) ------------------------------------
# `moved` is what changed hands, as plain values: {"lots": [{lot_id, points, remaining, earned_at,
# pending_until, expires_at, source, reference}], "vouchers": [{code, reward_id, status, expires_at,
# redemption_id}], "identifiers": [[kind, claim id]], "earnings": [{reference, lot_id, points, spend, currency,
# refunded, points_reversed, refund_refs}], "purchases": [[occurred_at, spend, points]], "stamps", "earned_by_day",
# "activity_counts": {key: n}, "purchase_count", "debt": n}, with the lot ids of the stream it is on. Identifier
# values are not here: they travel in the IdentifierLinked / IdentifierUnlinked events written beside these.


@dataclass(frozen=True, kw_only=True)
class MemberMergedInto(MemberEvent):
    """This member was a duplicate: everything open moved to the survivor; its id now resolves there."""

    survivor_id: UUID
    reason: str
    points_moved: int = 0


@dataclass(frozen=True, kw_only=True)
class MemberAbsorbed(MemberEvent):
    """The survivor of a merge took over what the duplicate had open, exactly `moved`."""

    merged_member_id: UUID
    reason: str
    moved: dict[str, Any]
    new_keys: dict[str, list] = field(default_factory=dict)
    """Keys of stamps / earned_by_day / activity_counts the survivor did not have (an unmerge drops them)."""
    tier_before: str = ""
    tier_after: str = ""
    tier_changed_before: datetime | None = None
    last_activity_before: datetime | None = None
    last_activity_after: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class MemberUnmerged(MemberEvent):
    """A merge was undone: this member has back exactly what had moved (`moved`, with its own lot ids)."""

    survivor_id: UUID
    reason: str
    moved: dict[str, Any]


@dataclass(frozen=True, kw_only=True)
class MemberAbsorptionReversed(MemberEvent):
    """The survivor gave back what a merge had brought (`moved`, with the survivor's lot ids)."""

    merged_member_id: UUID
    reason: str
    moved: dict[str, Any]
    new_keys: dict[str, list] = field(default_factory=dict)
    tier: str | None = None
    """The tier restored (the survivor's own before the merge), or None when it changed since and stays."""
    tier_changed_at: datetime | None = None
    last_activity_at: datetime | None = None
    restore_last_activity: bool = False


# --- Claims and receipts ----------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ClaimTaken(Event):
    kind: str
    value: str
    member_id: UUID


@dataclass(frozen=True, kw_only=True)
class ClaimReleased(Event):
    kind: str
    value: str
    member_id: UUID


@dataclass(frozen=True, kw_only=True)
class CommandAccepted(Event):
    scope: str
    idempotency_key: str
    command: str
    request: dict[str, Any]
    result: dict[str, Any]
    member_id: UUID | None = None


@dataclass(frozen=True, kw_only=True)
class CampaignBudgetCharged(Event):
    """Points of a campaign's budget spent by one earn. Written in the same transaction as the earn, so a
    budget is never overspent: two purchases racing for the last points conflict on its version."""

    campaign_id: str
    points: int
    member_id: UUID
    reference: str


@dataclass(frozen=True, kw_only=True)
class RewardStockTaken(Event):
    """Units of a stocked reward taken by one redemption, on the reward's own stock aggregate, written in the
    same transaction as the redemption: like a campaign budget, two redemptions racing for the last unit
    conflict on its version, and redemptions of different rewards never touch each other."""

    reward_id: str
    units: int
    member_id: UUID
    reference: str

    @property
    def points(self) -> int:
        # The store's budget reader sums `points` over an aggregate's events: here they count units.
        return self.units


@dataclass(frozen=True, kw_only=True)
class MemberSnapshot(Event):
    """The folded state of a member at a version, so a long history loads without replaying it all."""

    state: dict[str, Any]
    schema: int = 1
