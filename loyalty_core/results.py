"""Typed results. A receipt stores `to_dict()`; a retry gets `result_from_dict()` back, the same answer."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core.member import Member


@dataclass(frozen=True)
class Balance:
    available: int
    pending: int
    reserved: int
    lifetime_earned: int
    lifetime_redeemed: int
    lifetime_expired: int
    tier: str
    next_expiry_points: int | None = None
    next_expiry_at: datetime | None = None

    @classmethod
    def of(cls, member: Member) -> Balance:
        nxt = member.next_expiry()
        return cls(available=member.points_available, pending=member.points_pending,
                   reserved=member.points_reserved, lifetime_earned=member.lifetime_earned,
                   lifetime_redeemed=member.lifetime_redeemed, lifetime_expired=member.lifetime_expired,
                   tier=member.tier, next_expiry_points=nxt[0] if nxt else None,
                   next_expiry_at=nxt[1] if nxt else None)


@dataclass(frozen=True)
class Result:
    member_id: UUID
    balance: Balance
    replayed: bool = field(default=False, compare=False)
    """True when this is the stored answer to an earlier request with the same key."""

    def to_dict(self) -> dict[str, Any]:
        # Shallow on purpose (dataclasses.asdict deep-copies every value, on the hot path of every command).
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "replayed"}
        data["balance"] = {f.name: getattr(self.balance, f.name) for f in fields(Balance)}
        data["type"] = type(self).__name__
        return data


@dataclass(frozen=True)
class MemberResult(Result):
    member_code: str | None = None
    qr_token: str | None = None
    phone: str | None = None
    email: str | None = None
    name: str | None = None
    tier: str | None = None
    tier_downgrade_at: datetime | None = None
    """"Will be downgraded on …": set when the member's figures no longer hold the tier."""


@dataclass(frozen=True)
class EarnResult(Result):
    reference: str = ""
    points_earned: int = 0
    lot_id: str | None = None
    breakdown: list[dict[str, Any]] = field(default_factory=list)
    vouchers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReservationResult(Result):
    reservation_id: str = ""
    points: int = 0
    expires_at: datetime | None = None


@dataclass(frozen=True)
class CaptureResult(Result):
    reservation_id: str = ""
    points_captured: int = 0
    points_released: int = 0
    redemption_id: str | None = None
    discount_amount: Decimal | None = None
    """The money the captured points pay, when the program gives points a value."""


@dataclass(frozen=True)
class RedemptionResult(Result):
    redemption_id: str = ""
    points: int = 0
    voucher_code: str | None = None
    reward_id: str | None = None
    discount_amount: Decimal | None = None


@dataclass(frozen=True)
class RefundResult(Result):
    transaction_ref: str = ""
    refund_ref: str = ""
    points_reversed: int = 0
    shortfall: int = 0
    settled_by: str = "none"


@dataclass(frozen=True)
class ChangeResult(Result):
    """For commands whose answer is just the member's new state (adjust, tier, profile, due work)."""

    events: list[str] = field(default_factory=list)
    points: int = 0


_TYPES = {cls.__name__: cls for cls in (MemberResult, EarnResult, ReservationResult, CaptureResult,
                                         RedemptionResult, RefundResult, ChangeResult)}


def register_result_type(cls: type[Result]) -> type[Result]:
    """Let a result type defined beside a new command be replayed from its receipt."""
    _TYPES[cls.__name__] = cls
    return cls


def result_from_dict(data: dict[str, Any]) -> Result:
    data = dict(data)
    cls = _TYPES[data.pop("type")]
    data["balance"] = Balance(**data["balance"])
    # A purchase held for an identifier nobody owns yet has no member (loyalty_core/identity).
    data["member_id"] = UUID(str(data["member_id"])) if data.get("member_id") is not None else None
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names}, replayed=True)


__all__ = ["Balance", "Result", "MemberResult", "EarnResult", "ReservationResult", "CaptureResult",
           "RedemptionResult", "RefundResult", "ChangeResult", "result_from_dict", "Decimal"]
