"""The values the rules engine reads and writes, and the catalogue items a program refers to.

A `Purchase` or an `Activity` comes in with the `MemberFacts` the ledger knows about the member; an
`EarnDecision` goes out with one bilingual `RuleLine` per rule that fired. `Campaign` and `Reward` are the
program's catalogue entries that rules point at. Amounts are `Decimal`, points `int`, instants aware.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from loyalty_core.program.errors import (
    InvalidProgram,
    RewardStockMustBePositive,
    WindowEndsBeforeStart,
)
from loyalty_core.program.localtime import is_aware
from loyalty_core.program.plain import Plain
from loyalty_core.program.segments import HistoryRow, MemberCondition


def _grouped(value: Decimal, thousands: str, decimal_mark: str) -> str:
    sign = "-" if value < 0 else ""
    value = abs(value)
    whole = int(value)
    fraction = value - whole
    text = f"{whole:,}".replace(",", thousands)
    if fraction:
        text += decimal_mark + format(fraction.normalize(), "f").split(".")[1]
    return sign + text


def format_vnd(amount: Decimal) -> str:
    """Vietnamese money format: `Decimal("10000")` -> '10.000 ₫' (dot thousands, comma decimals)."""
    return _grouped(Decimal(amount), ".", ",") + " ₫"


def format_vnd_en(amount: Decimal) -> str:
    """English money format: `Decimal("10000")` -> '10,000 VND'."""
    return _grouped(Decimal(amount), ",", ".") + " VND"


def format_number_vi(value: int | Decimal) -> str:
    """'1.000' for 1000, '1,5' for 1.5: numbers as a Vietnamese reader writes them."""
    return _grouped(Decimal(value), ".", ",")


def format_number_en(value: int | Decimal) -> str:
    return _grouped(Decimal(value), ",", ".")


def round_half_up(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class PurchaseLine(Plain):
    sku: str
    category: str | None
    quantity: int
    unit_price: Decimal
    #: What the shopper paid for the line after discounts; points are earned on this, never on list price.
    amount: Decimal


@dataclass(frozen=True)
class Purchase(Plain):
    transaction_ref: str
    channel: str
    store_id: str | None
    occurred_at: datetime
    currency: str
    #: Money actually paid. When it is below the sum of the lines (part paid with points, an order-level
    #: discount), every line's qualifying amount is scaled down by the same share.
    total: Decimal
    lines: tuple[PurchaseLine, ...] = ()


ACTIVITY_KINDS = ("sign_up", "check_in", "survey", "review", "social_share", "referral", "follow")


@dataclass(frozen=True)
class Activity(Plain):
    kind: str  # one of ACTIVITY_KINDS
    ref: str
    channel: str
    store_id: str | None
    occurred_at: datetime


@dataclass(frozen=True)
class MemberFacts(Plain):
    member_id: UUID
    tier: str
    birthday_month: int | None
    enrolled_at: datetime
    #: Purchases before this one (0 means this is the first purchase).
    purchase_count: int = 0
    #: 'YYYY-MM-DD' (Ho Chi Minh City date) -> points already earned that day, for daily caps.
    points_earned_on_local_day: dict[str, int] = field(default_factory=dict)
    #: Stamp card id -> stamps collected toward the next reward.
    stamps: dict[str, int] = field(default_factory=dict)
    #: `engine.activity_count_key(kind, occurred_at, period)` -> how many times it already counted.
    activity_counts: dict[str, int] = field(default_factory=dict)
    referred_by: UUID | None = None
    #: Channels the member has bought through (for online-only / omnichannel conditions).
    channels_bought: tuple[str, ...] = ()
    #: Purchases and refunds of the last 800 days (`segments.HistoryRow`), for segment conditions.
    history: tuple[HistoryRow, ...] = ()


@dataclass(frozen=True)
class RuleLine(Plain):
    rule_id: str
    points: int
    description_vi: str
    description_en: str


@dataclass(frozen=True)
class StampReward(Plain):
    """One completed stamp card: a voucher for `reward_id`, bonus points, or both."""

    card_id: str
    reward_id: str | None
    bonus_points: int
    #: Stamps this reward consumed; the ledger's new progress is old + added - sum(stamps_used).
    stamps_used: int


@dataclass(frozen=True)
class ReferralBonus(Plain):
    """Points owed to the member who referred the buyer; the ledger credits them in a separate command."""

    referrer_id: UUID
    points: int
    rule_id: str
    description_vi: str
    description_en: str


@dataclass(frozen=True)
class EarnDecision(Plain):
    points: int
    lines: tuple[RuleLine, ...]
    qualifying_spend: Decimal
    program_version: int
    stamps_added: dict[str, int] = field(default_factory=dict)
    stamp_rewards: tuple[StampReward, ...] = ()
    #: Campaign id -> points charged to its budget by this decision (the referrer's share included).
    budget_used: dict[str, int] = field(default_factory=dict)
    #: The activity counter the ledger increments when it records this decision.
    activity_key: str | None = None
    referral_bonus: ReferralBonus | None = None


@dataclass(frozen=True)
class Campaign(Plain):
    campaign_id: str
    name_vi: str
    name_en: str
    starts_at: datetime
    #: Exclusive end, like every window in the program.
    ends_at: datetime
    #: Points the campaign may issue in total (None: unlimited).
    budget_points: int | None = None
    #: An exclusive campaign does not stack with other campaigns: while it runs, their rules are skipped.
    exclusive: bool = False
    #: Set by `CampaignEnded` when marketing stops a campaign early.
    ended_at: datetime | None = None

    @property
    def effective_end(self) -> datetime:
        return self.ends_at if self.ended_at is None else min(self.ends_at, self.ended_at)

    def active_at(self, at: datetime) -> bool:
        return self.starts_at <= at < self.effective_end

    def overlaps(self, other: Campaign) -> bool:
        return self.starts_at < other.effective_end and other.starts_at < self.effective_end

    def validate(self) -> None:
        if not self.campaign_id or not self.name_vi or not self.name_en:
            raise InvalidProgram("a campaign needs an id and a Vietnamese and English name")
        if not (is_aware(self.starts_at) and is_aware(self.ends_at)):
            raise InvalidProgram(f"campaign {self.campaign_id}: times must be timezone-aware")
        if self.ends_at <= self.starts_at:
            raise WindowEndsBeforeStart(
                f"campaign {self.campaign_id} ends ({self.ends_at.isoformat()}) before it starts "
                f"({self.starts_at.isoformat()})",
                campaign_id=self.campaign_id,
            )
        if self.budget_points is not None and self.budget_points <= 0:
            raise InvalidProgram(f"campaign {self.campaign_id}: budget_points must be positive or null")


REWARD_KINDS = ("discount_percent", "discount_amount", "free_item")


@dataclass(frozen=True)
class Reward(Plain):
    reward_id: str
    name_vi: str
    name_en: str
    kind: str  # one of REWARD_KINDS
    #: Percent for discount_percent, money for discount_amount, None for free_item.
    value: Decimal | None = None
    #: Points to redeem it (None: not for sale with points, e.g. only through a stamp card).
    points_cost: int | None = None
    #: Units put in stock (None: unlimited); redemptions are counted on the reward's own stock aggregate.
    stock: int | None = None
    #: Days a voucher for this reward stays valid (None: the ledger's default of 90 days).
    valid_days: int | None = None
    #: Only members in this segment may redeem it (`offer_not_eligible` otherwise).
    member_condition: MemberCondition | None = None

    def validate(self) -> None:
        if not self.reward_id or not self.name_vi or not self.name_en:
            raise InvalidProgram("a reward needs an id and a Vietnamese and English name")
        if self.kind not in REWARD_KINDS:
            raise InvalidProgram(f"reward {self.reward_id}: kind must be one of {REWARD_KINDS}")
        if self.kind == "discount_percent" and not (self.value is not None and 0 < self.value <= 100):
            raise InvalidProgram(f"reward {self.reward_id}: a percentage discount needs 0 < value <= 100")
        if self.kind == "discount_amount" and not (self.value is not None and self.value > 0):
            raise InvalidProgram(f"reward {self.reward_id}: an amount discount needs a positive value")
        if self.points_cost is not None and self.points_cost <= 0:
            raise InvalidProgram(f"reward {self.reward_id}: points_cost must be positive or null")
        if self.member_condition is not None:
            self.member_condition.validate()
        if self.valid_days is not None and not 1 <= self.valid_days <= 3660:
            raise InvalidProgram(f"reward {self.reward_id}: valid_days must be 1 to 3660 or null")
        if self.stock is not None and self.stock <= 0:
            raise RewardStockMustBePositive(
                f"reward {self.reward_id}: stock must be positive or null (unlimited), got {self.stock}",
                reward_id=self.reward_id,
            )
