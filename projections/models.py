"""What the query functions return: frozen dataclasses, ints for points, Decimal for money and rates.

The API turns these into its own schemas; nothing here knows HTTP. Rates are Decimal fractions rounded
to four places (0.3333), never floats.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from projections.timeline import TimelineLine, TimelinePage

RATE = Decimal("0.0001")


def rate(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(RATE, ROUND_HALF_UP) if whole else Decimal(0)


@dataclass(frozen=True)
class CampaignDay:
    day: date
    channel: str
    store_id: str | None
    points_issued: int
    members_reached: int
    redemptions: int
    points_redeemed: int
    cost_vnd: Decimal


@dataclass(frozen=True)
class CampaignStats:
    campaign_id: str
    date_from: date
    date_to: date
    points_issued: int
    members_reached: int
    """Distinct members over the whole range (not the sum of the days)."""
    redemptions: int
    points_redeemed: int
    cost_vnd: Decimal
    days: list[CampaignDay] = field(default_factory=list)


@dataclass(frozen=True)
class KpiDay:
    day: date
    enrolled: int
    active_members: int
    purchases: int
    spend_vnd: Decimal
    points_earned: int
    points_redeemed: int
    points_expired: int
    redemptions: int
    points_outstanding: int
    """Program-wide, at the end of the day (not filtered by channel or store)."""
    liability_vnd: Decimal


@dataclass(frozen=True)
class KpiReport:
    date_from: date
    date_to: date
    channel: str | None
    store_id: str | None
    enrolled: int
    active_members: int
    purchasers: int
    repeat_purchasers: int
    repeat_purchase_rate: Decimal
    """Of the members who bought in the range, the share who bought at least twice."""
    redeemers: int
    redemption_rate: Decimal
    """Of the members active in the range, the share who redeemed points."""
    points_outstanding: int
    liability_vnd: Decimal
    point_value_vnd: Decimal
    days: list[KpiDay] = field(default_factory=list)


@dataclass(frozen=True)
class SegmentMember:
    member_id: UUID
    tier: str
    purchases: int
    spend_vnd: Decimal
    last_purchase_at: datetime | None
    rfm: str | None
    """"545" for RFM segments and `vip`; None for the others."""


@dataclass(frozen=True)
class SegmentPage:
    name: str
    members: list[SegmentMember]
    next_cursor: str | None


@dataclass(frozen=True)
class MemberHit:
    member_id: UUID
    name: str | None
    tier: str
    phone: str | None
    member_code: str | None
    email: str | None


__all__ = ["CampaignDay", "CampaignStats", "KpiDay", "KpiReport", "SegmentMember", "SegmentPage", "MemberHit",
           "TimelineLine", "TimelinePage", "rate"]
