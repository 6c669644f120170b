"""Spending and correcting points: redemptions, two-phase reservations, adjustments, activities."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints, model_validator

from api.deps import Acting
from api.schemas.common import BalanceOut, LongText, Money, Points, Ref, SignedPoints, Timestamp, Where
from loyalty_core import commands as c
from loyalty_core.approvals import RequestAdjustment
from loyalty_core.results import CaptureResult, ChangeResult, EarnResult, RedemptionResult, ReservationResult

MAX_HOLD_SECONDS = 7 * 24 * 3600
#: As scanned from the member's card: the member code and six digits (spaces or dashes a cashier types pass).
CardCode = Annotated[str, StringConstraints(min_length=1, max_length=40)]
PresenceOtp = Annotated[str, StringConstraints(min_length=1, max_length=12)]


class RedeemRequest(Where):
    points: Points | None = None
    reward_id: Ref | None = None
    order_ref: Ref
    order_total: Money | None = None
    """With points: pay part of this order with them; the answer says the discount (the program caps it)."""
    card_code: CardCode | None = None
    """The rotating code shown on the member's card (proof they are here; some programs require it)."""
    otp: PresenceOtp | None = None
    """Or the one-time code texted to the member (POST /v1/members/{member_id}/presence-codes)."""

    @model_validator(mode="after")
    def _points_or_reward(self) -> RedeemRequest:
        if (self.points is None) == (self.reward_id is None):
            raise ValueError("give either points or reward_id")
        return self

    def to_command(self, member_id: UUID, key: str, acting: Acting) -> c.RedeemPoints:
        return c.RedeemPoints(
            idempotency_key=key,
            member=c.MemberRef(member_id=member_id),
            points=self.points,
            reward_id=self.reward_id,
            order_ref=self.order_ref,
            # As written: the ledger parses it in the program's currency ("125.000" is refused for VND).
            order_total=self.order_total,  # type: ignore[arg-type]
            card_code=self.card_code,
            **acting.fields(),
        )


class VoucherOut(BaseModel):
    code: str
    reward_id: str | None = None


class RedemptionOut(BaseModel):
    redemption_id: str
    member_id: UUID
    points: int
    reward_id: str | None
    voucher: VoucherOut | None
    discount_amount: str | None
    """The money the points paid, as a decimal string, when an order_total was given."""
    balance: BalanceOut

    @classmethod
    def of(cls, r: RedemptionResult) -> RedemptionOut:
        voucher = VoucherOut(code=r.voucher_code, reward_id=r.reward_id) if r.voucher_code else None
        discount = getattr(r, "discount_amount", None)
        return cls(
            redemption_id=r.redemption_id,
            member_id=r.member_id,
            points=r.points,
            reward_id=r.reward_id,
            voucher=voucher,
            discount_amount=str(discount) if discount is not None else None,
            balance=BalanceOut.of(r.balance),
        )


class ReserveRequest(Where):
    points: Points
    order_ref: Ref
    hold_seconds: int = Field(900, ge=1, le=MAX_HOLD_SECONDS, description="How long the till may take to pay")
    order_total: Money | None = None
    """The order the points will pay part of: the program caps the share points may pay."""
    card_code: CardCode | None = None
    """The rotating code shown on the member's card (proof they are here; some programs require it)."""
    otp: PresenceOtp | None = None
    """Or the one-time code texted to the member (POST /v1/members/{member_id}/presence-codes)."""

    def to_command(self, member_id: UUID, key: str, acting: Acting) -> c.ReservePoints:
        return c.ReservePoints(
            idempotency_key=key,
            member=c.MemberRef(member_id=member_id),
            points=self.points,
            order_ref=self.order_ref,
            hold_seconds=self.hold_seconds,
            order_total=self.order_total,  # type: ignore[arg-type]
            card_code=self.card_code,
            **acting.fields(),
        )


class ReservationOut(BaseModel):
    reservation_id: str
    member_id: UUID
    points: int
    expires_at: datetime | None
    balance: BalanceOut

    @classmethod
    def of(cls, r: ReservationResult) -> ReservationOut:
        return cls(
            reservation_id=r.reservation_id,
            member_id=r.member_id,
            points=r.points,
            expires_at=r.expires_at,
            balance=BalanceOut.of(r.balance),
        )


class CaptureRequest(Where):
    points: Points | None = None
    """Capture only this much (at most what is reserved); the rest is released."""

    def to_command(self, reservation_id: str, key: str, acting: Acting) -> c.CaptureReservation:
        return c.CaptureReservation(
            idempotency_key=key, reservation_id=reservation_id, points=self.points, **acting.fields()
        )


class ReleaseRequest(Where):
    def to_command(self, reservation_id: str, key: str, acting: Acting) -> c.ReleaseReservation:
        return c.ReleaseReservation(idempotency_key=key, reservation_id=reservation_id, **acting.fields())


class CaptureOut(BaseModel):
    reservation_id: str
    member_id: UUID
    points_captured: int
    points_released: int
    redemption_id: str | None
    discount_amount: str | None = None
    """The money the captured points pay, as a decimal string, when the program gives points a value."""
    balance: BalanceOut

    @classmethod
    def of(cls, r: CaptureResult) -> CaptureOut:
        return cls(
            reservation_id=r.reservation_id,
            member_id=r.member_id,
            points_captured=r.points_captured,
            points_released=r.points_released,
            redemption_id=r.redemption_id,
            discount_amount=str(r.discount_amount) if r.discount_amount is not None else None,
            balance=BalanceOut.of(r.balance),
        )


class AdjustRequest(Where):
    points: SignedPoints
    reason: LongText
    expires_at: Timestamp | None = None

    def to_command(self, member_id: UUID, key: str, acting: Acting) -> c.AdjustPoints:
        return c.AdjustPoints(
            idempotency_key=key,
            member=c.MemberRef(member_id=member_id),
            points=self.points,
            reason=self.reason,
            expires_at=self.expires_at,
            **acting.fields(),
        )

    def to_request(self, member_id: UUID, key: str, acting: Acting) -> RequestAdjustment:
        """As a person's request: applied at once up to the program's threshold, else it awaits approval."""
        return RequestAdjustment(idempotency_key=key, member=c.MemberRef(member_id=member_id), points=self.points,
                                 reason=self.reason, expires_at=self.expires_at, **acting.fields())


class ChangeOut(BaseModel):
    member_id: UUID
    points: int
    events: list[str]
    balance: BalanceOut

    @classmethod
    def of(cls, r: ChangeResult) -> ChangeOut:
        return cls(
            member_id=r.member_id, points=r.points, events=list(r.events), balance=BalanceOut.of(r.balance)
        )


ActivityKind = Literal["check_in", "survey", "review", "social_share", "referral", "follow"]


class ActivityRequest(Where):
    kind: ActivityKind
    reference: Ref
    """What makes this activity unique: the survey id, the review id, the check-in's date and place."""
    occurred_at: Timestamp | None = None

    def to_command(self, member_id: UUID, key: str, acting: Acting) -> c.RecordActivity:
        return c.RecordActivity(
            idempotency_key=key,
            member=c.MemberRef(member_id=member_id),
            kind=self.kind,
            reference=self.reference,
            occurred_at=self.occurred_at,
            **acting.fields(),
        )


class RuleLine(BaseModel):
    rule_id: str
    points: int
    description: str
    description_en: str | None = None


class EarnOut(BaseModel):
    member_id: UUID
    reference: str
    points_earned: int
    breakdown: list[RuleLine]
    vouchers: list[str]
    balance: BalanceOut

    @classmethod
    def of(cls, r: EarnResult) -> EarnOut:
        return cls(
            member_id=r.member_id,
            reference=r.reference,
            points_earned=r.points_earned,
            breakdown=rule_lines(r.breakdown),
            vouchers=list(r.vouchers),
            balance=BalanceOut.of(r.balance),
        )


def rule_lines(breakdown: list[dict[str, Any]]) -> list[RuleLine]:
    return [
        RuleLine(
            rule_id=str(line.get("rule_id", "")),
            points=int(line.get("points", 0)),
            description=str(line.get("description_vi") or line.get("description") or ""),
            description_en=line.get("description_en"),
        )
        for line in breakdown
    ]
