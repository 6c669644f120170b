"""Program administration: the bodies an admin sends, and the program as the API shows it.

Requests are strict like every other body (unknown fields refused, money and factors as decimal strings,
points as JSON integers, times ISO 8601 with an offset) and are turned into the program's own types with
their `from_dict`, so the program's checks (`rule_never_fires`, `multiplier_must_be_positive`, ...) decide
what is refused, with their own codes. Only shapes and sizes are checked here: a lower bound the program
checks itself (a stock of 0, a factor of 0) is left to the program, so its refusal code is the one answered.

Answers are lenient on purpose: a program recorded under older, looser checks must always be readable.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from api.schemas.common import Channel, Money, StoreId, Strict, Timestamp
from api.schemas.segments import MemberConditionIn
from loyalty_core import program as prog
from loyalty_core.money import MAX_POINTS_PER_COMMAND
from loyalty_core.program.errors import InvalidProgram

ItemId = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,99}$"),
    Field(description="A stable id: letters, digits, `_ . : -`, at most 100 characters"),
]
Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=40)]
Hours = Annotated[str, StringConstraints(min_length=1, max_length=11), Field(examples=["14:00-17:00"])]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
Factor = Annotated[
    str,
    StringConstraints(pattern=r"^-?[0-9]{1,9}(\.[0-9]{1,6})?$"),
    Field(description='A decimal string: "2", "1.25", "0.5"', examples=["2"]),
]
#: Points as JSON integers. No lower bound here: the program refuses zero or negative values with its code.
Count = Annotated[int, Field(ge=-MAX_POINTS_PER_COMMAND, le=MAX_POINTS_PER_COMMAND)]
#: Small settings (months, days, priorities); bounded so nothing can overflow a calendar later.
Small = Annotated[int, Field(ge=-100_000, le=100_000)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]


Skus = Annotated[list[Code], Field(max_length=500)]
Channels = Annotated[list[Channel], Field(max_length=50)]
Stores = Annotated[list[StoreId], Field(max_length=500)]
Days = Annotated[list[Small], Field(max_length=14)]
HoursList = Annotated[list[Hours], Field(max_length=24)]


def _converted(kind: type, data: dict[str, Any]) -> Any:
    """`kind.from_dict(data)`; a value the program's types cannot hold is the program's `invalid_program`."""
    try:
        return kind.from_dict(data)
    except (TypeError, ValueError, ArithmeticError) as exc:
        raise InvalidProgram(f"{kind.__name__}: {exc}") from None


# --- rules ---------------------------------------------------------------------------------------------


class RuleBase(Strict):
    """Conditions every rule kind accepts (docs/program.md). An empty list means "never" and is refused."""

    rule_id: ItemId
    priority: Small
    stop: bool = False
    channels: Channels | None = None
    stores: Stores | None = None
    days_of_week: Days | None = None
    hours: HoursList | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    campaign_id: ItemId | None = None
    min_spend: Money | None = None
    label_vi: Name | None = None
    label_en: Name | None = None
    member_condition: MemberConditionIn | None = None
    """Only members in this segment earn by the rule (docs/program.md, "Targeted offers")."""

    def to_rule(self) -> prog.Rule:
        # Only what was sent: the rule kind's own defaults fill in the rest. `kind` is always sent.
        rule: prog.Rule = _converted(prog.Rule, self.model_dump(exclude_unset=True))
        return rule

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class PointsPerAmountIn(RuleBase):
    kind: Literal["points_per_amount"]
    points: Count
    per_amount: Money
    rounding: Word | None = None
    skus: Skus | None = None
    categories: Skus | None = None


class MultiplierIn(RuleBase):
    kind: Literal["multiplier"]
    factor: Factor
    skus: Skus | None = None
    categories: Skus | None = None


class FixedBonusIn(RuleBase):
    kind: Literal["fixed_bonus"]
    points: Count
    skus: Skus | None = None
    categories: Skus | None = None
    per_item: bool = False


class BirthdayMonthIn(RuleBase):
    kind: Literal["birthday_month"]
    bonus_points: Count = 0
    factor: Factor | None = None
    add_tier_bonus: bool = True
    limit_per_year: Small | None = None


class FirstPurchaseIn(RuleBase):
    kind: Literal["first_purchase"]
    points: Count


class StampCardIn(RuleBase):
    kind: Literal["stamp_card"]
    card_id: ItemId
    stamps_required: Small
    skus: Skus | None = None
    categories: Skus | None = None
    reward_id: ItemId | None = None
    bonus_points: Count = 0


class ActivityIn(RuleBase):
    kind: Literal["activity"]
    activity: Word
    points: Count
    limit: Small | None = None
    period: Word = "lifetime"


class ReferralIn(RuleBase):
    kind: Literal["referral"]
    buyer_points: Count = 0
    referrer_points: Count = 0


class TierMultiplierIn(RuleBase):
    kind: Literal["tier_multiplier"]
    factors: Annotated[dict[ItemId, Factor], Field(max_length=50)] | None = None


class CapIn(RuleBase):
    kind: Literal["cap"]
    max_points: Count
    per: Word = "transaction"


class ExclusionsIn(RuleBase):
    kind: Literal["exclusions"]
    skus: Skus = Field(default_factory=list)
    categories: Skus = Field(default_factory=list)


RuleIn = Annotated[
    PointsPerAmountIn | MultiplierIn | FixedBonusIn | BirthdayMonthIn | FirstPurchaseIn | StampCardIn
    | ActivityIn | ReferralIn | TierMultiplierIn | CapIn | ExclusionsIn,
    Field(discriminator="kind"),
]
"""A rule as JSON, told apart by its `kind` (docs/program.md, "Rule kinds")."""


# --- the catalogue, tiers and policies -------------------------------------------------------------------


class CampaignIn(Strict):
    campaign_id: ItemId
    name_vi: Name
    name_en: Name
    starts_at: Timestamp
    ends_at: Timestamp
    """Exclusive, like every window in the program."""
    budget_points: Count | None = None
    """Points the campaign may issue in total; unlimited when left out."""
    exclusive: bool = False

    def to_campaign(self) -> prog.Campaign:
        return _converted(prog.Campaign, self.model_dump())

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class EndCampaignIn(Strict):
    ended_at: Timestamp | None = None
    """When its rules stop (exclusive); now when left out."""

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RewardIn(Strict):
    reward_id: ItemId
    name_vi: Name
    name_en: Name
    kind: Word
    """discount_percent (value: percent), discount_amount (value: money) or free_item."""
    value: Money | None = None
    points_cost: Count | None = None
    """Left out: not in the points catalogue (e.g. only earned through a stamp card)."""
    stock: Count | None = None
    """Units on hand; unlimited when left out."""
    valid_days: int | None = Field(None, ge=1, le=3660)
    """How long its vouchers stay valid; 90 days when left out."""
    member_condition: MemberConditionIn | None = None
    """Only members in this segment may redeem it."""

    def to_reward(self) -> prog.Reward:
        return _converted(prog.Reward, self.model_dump())

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RestockIn(Strict):
    quantity: Count

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class TierIn(Strict):
    code: ItemId
    name_vi: Name
    name_en: Name
    threshold: Money
    """Spend (money) or points earned or visits over the window, as a decimal string."""
    earn_multiplier: Factor = "1"
    birthday_bonus_points: Count = 0


class TierLadderIn(Strict):
    tiers: Annotated[list[TierIn], Field(max_length=20)]
    basis: Word = "spend"
    window: Word = "rolling_months"
    window_months: Annotated[int, Field(ge=-100_000, le=600)] = 12
    downgrade: Word = "one_step"
    review: Word = "yearly"
    review_month: Small = 1
    review_day: Small = 1
    review_every_months: Annotated[int, Field(ge=-100_000, le=600)] = 12
    grace_days: Annotated[int, Field(ge=-100_000, le=3660)] = 0

    def to_ladder(self) -> prog.TierLadder:
        return _converted(prog.TierLadder, self.model_dump())

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class ExpiryPolicyIn(Strict):
    kind: Word
    """per_lot, end_of_period, inactivity or never."""
    months: Annotated[int, Field(ge=-100_000, le=1200)] = 0
    period: Word = "year"
    periods_after: Annotated[int, Field(ge=-100_000, le=100)] = 1

    def to_policy(self) -> prog.ExpiryPolicy:
        return _converted(prog.ExpiryPolicy, self.model_dump())

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class RefundPolicyIn(Strict):
    basis: Word = "pro_rata"
    on_shortfall: Word = "take_what_is_left"
    negative_limit: Count = 0
    return_window_days: int = Field(30, ge=0, le=3660)
    """A refund this many days after the purchase or sooner undoes the tier the purchase bought."""

    def to_policy(self) -> prog.RefundPolicy:
        return _converted(prog.RefundPolicy, self.model_dump())

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


class SettingsIn(Strict):
    code: ItemId
    name: Name
    currency: Currency
    """Never changes once the program exists."""
    point_value: Money
    """What one point is worth when spent."""
    rounding: Word = "down"
    pending_days: Annotated[int, Field(ge=-100_000, le=366)] = 0
    max_points_share_of_order: Factor = "1"
    require_presence_for_redemption: Annotated[list[Annotated[str, StringConstraints(
        min_length=1, max_length=32, pattern=r"^(\*|[a-z][a-z0-9_\-]*)$")]], Field(max_length=20)] = []
    """Channels whose keys must send the member's card code to redeem or reserve (`["*"]`: every channel)."""
    adjustment_approval_points: Annotated[int, Field(ge=0, le=1_000_000_000)] = 500
    """Manual adjustments of more points than this wait for a second person's approval (0: every one)."""
    unclaimed_purchase_days: Annotated[int, Field(ge=0, le=3660)] = 90
    """Days a sale for a phone or channel id nobody owns yet waits to be credited when they enrol."""
    receipt_claim_days: Annotated[int, Field(ge=0, le=3660)] = 30
    """Days after a sale within which a member may claim it from its receipt number."""
    points_need_order_total: bool = False
    """Points are spent only against an order (`order_total`), so the share of the order always applies."""

    def to_settings(self) -> prog.ProgramSettings:
        return _converted(prog.ProgramSettings, self.model_dump())

    def plain(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


# --- the program as answered ------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    return format(value, "f") if isinstance(value, Decimal) else value


Decimalish = Annotated[str, BeforeValidator(lambda v: _text(v) if isinstance(v, Decimal) else str(v))]


def plain_json(value: Any) -> Any:
    """A program dict as JSON: Decimal as its exact string, times in ISO 8601, ids as text."""
    if isinstance(value, dict):
        return {str(k): plain_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain_json(v) for v in value]
    if isinstance(value, Decimal):
        return _text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


class SettingsOut(BaseModel):
    code: str
    name: str
    currency: str
    point_value: Decimalish
    rounding: str
    pending_days: int
    max_points_share_of_order: Decimalish
    require_presence_for_redemption: list[str] = []
    adjustment_approval_points: int = 500
    unclaimed_purchase_days: int = 90
    receipt_claim_days: int = 30
    points_need_order_total: bool = False


class RuleOut(BaseModel):
    """A rule as its kind defines it (the same fields a POST takes, every optional one filled in)."""

    model_config = ConfigDict(extra="allow")
    kind: str
    rule_id: str
    priority: int


class TierOut(BaseModel):
    code: str
    name_vi: str
    name_en: str
    threshold: Decimalish
    earn_multiplier: Decimalish
    birthday_bonus_points: int


class TierLadderOut(BaseModel):
    tiers: list[TierOut]
    basis: str
    window: str
    window_months: int
    downgrade: str
    review: str
    review_month: int
    review_day: int
    review_every_months: int
    grace_days: int


class CampaignOut(BaseModel):
    campaign_id: str
    name_vi: str
    name_en: str
    starts_at: datetime
    ends_at: datetime
    budget_points: int | None
    exclusive: bool
    ended_at: datetime | None
    """Set when the campaign was ended early."""


class RewardOut(BaseModel):
    reward_id: str
    name_vi: str
    name_en: str
    kind: str
    value: Decimalish | None
    points_cost: int | None
    stock: int | None
    valid_days: int | None = None
    member_condition: dict[str, Any] | None = None


class ExpiryPolicyOut(BaseModel):
    kind: str
    months: int
    period: str
    periods_after: int


class RefundPolicyOut(BaseModel):
    basis: str
    on_shortfall: str
    negative_limit: int
    return_window_days: int = 30


class ProgramOut(BaseModel):
    program_id: UUID
    version: int
    """Goes up by one with every change; every earn records the version it was priced with."""
    changed_at: datetime | None
    """When this version was recorded."""
    changed_by: str | None
    """Who recorded it: the API key id (or `demo`, a CLI user)."""
    settings: SettingsOut
    rules: list[RuleOut]
    tiers: TierLadderOut
    campaigns: list[CampaignOut]
    rewards: list[RewardOut]
    expiry: ExpiryPolicyOut
    refund: RefundPolicyOut

    @classmethod
    def of(cls, state: prog.ProgramState, event: Any | None) -> ProgramOut:
        data = plain_json(state.to_dict())
        return cls(
            program_id=state.program_id,
            version=state.version,
            changed_at=event.timestamp if event is not None else None,
            changed_by=getattr(event, "actor", None),
            settings=SettingsOut(**plain_json(state.settings.to_dict())),
            rules=[RuleOut(**rule) for rule in data["rules"]],
            tiers=TierLadderOut(**data["tiers"]),
            campaigns=[CampaignOut(**c) for c in data["campaigns"]],
            rewards=[RewardOut(**r) for r in data["rewards"]],
            expiry=ExpiryPolicyOut(**data["expiry"]),
            refund=RefundPolicyOut(**data["refund"]),
        )
