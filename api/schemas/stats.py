"""Statistics and the read side's views: KPIs, campaign figures, segments, member search, projection lag,
and the timeline line a CSKH agent reads.

Points are ints; money, rates and liability are decimal strings (never floats). Every answer read from a
projection carries `as_of`: the projection's position in the event log when the read began, the head of
the log then, and the difference (notifications not applied yet, receipts included). The data reflects at
least everything up to `position`.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, BeforeValidator

from api.schemas.audit import HistoryItem
from projections.models import CampaignDay, CampaignStats, KpiDay, KpiReport, MemberHit, SegmentMember


def decimal_text(value: Any) -> str:
    """A Decimal as its plain string, whole amounts without a fraction ("125000", "0.3333")."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


DecimalText = Annotated[str, BeforeValidator(lambda v: decimal_text(v) if not isinstance(v, str) else v)]


class AsOf(BaseModel):
    projection: str
    position: int
    """The last log position the projection had applied when the read began."""
    head: int
    """The newest log position at that moment."""
    lag: int
    """head - position: notifications not applied yet (receipts and claims included, so 0 is exact)."""


class KpiDayOut(BaseModel):
    day: date
    enrolled: int
    active_members: int
    purchases: int
    spend_vnd: DecimalText
    points_earned: int
    points_redeemed: int
    points_expired: int
    redemptions: int
    points_outstanding: int
    """Program-wide, at the end of the day (not filtered by channel or store)."""
    liability_vnd: DecimalText

    @classmethod
    def of(cls, d: KpiDay) -> KpiDayOut:
        return cls(day=d.day, enrolled=d.enrolled, active_members=d.active_members, purchases=d.purchases,
                   spend_vnd=d.spend_vnd, points_earned=d.points_earned, points_redeemed=d.points_redeemed,
                   points_expired=d.points_expired, redemptions=d.redemptions,
                   points_outstanding=d.points_outstanding, liability_vnd=d.liability_vnd)


class KpiOut(BaseModel):
    date_from: date
    date_to: date
    channel: str | None
    store_id: str | None
    enrolled: int
    active_members: int
    purchasers: int
    repeat_purchasers: int
    repeat_purchase_rate: DecimalText
    """Of the members who bought in the range, the share who bought at least twice (0.3333)."""
    redeemers: int
    redemption_rate: DecimalText
    """Of the members active in the range, the share who redeemed points."""
    points_outstanding: int
    liability_vnd: DecimalText
    point_value_vnd: DecimalText
    days: list[KpiDayOut]
    as_of: AsOf

    @classmethod
    def of(cls, r: KpiReport, as_of: AsOf) -> KpiOut:
        return cls(date_from=r.date_from, date_to=r.date_to, channel=r.channel, store_id=r.store_id,
                   enrolled=r.enrolled, active_members=r.active_members, purchasers=r.purchasers,
                   repeat_purchasers=r.repeat_purchasers, repeat_purchase_rate=r.repeat_purchase_rate,
                   redeemers=r.redeemers, redemption_rate=r.redemption_rate,
                   points_outstanding=r.points_outstanding, liability_vnd=r.liability_vnd,
                   point_value_vnd=r.point_value_vnd, days=[KpiDayOut.of(d) for d in r.days], as_of=as_of)


class CampaignDayOut(BaseModel):
    day: date
    channel: str
    store_id: str | None
    points_issued: int
    members_reached: int
    redemptions: int
    points_redeemed: int
    cost_vnd: DecimalText

    @classmethod
    def of(cls, d: CampaignDay) -> CampaignDayOut:
        return cls(day=d.day, channel=d.channel, store_id=d.store_id, points_issued=d.points_issued,
                   members_reached=d.members_reached, redemptions=d.redemptions,
                   points_redeemed=d.points_redeemed, cost_vnd=d.cost_vnd)


class CampaignStatsOut(BaseModel):
    campaign_id: str
    date_from: date
    date_to: date
    points_issued: int
    members_reached: int
    """Distinct members over the whole range (not the sum of the days)."""
    redemptions: int
    points_redeemed: int
    cost_vnd: DecimalText
    """Points issued x the point value."""
    days: list[CampaignDayOut]
    as_of: AsOf

    @classmethod
    def of(cls, s: CampaignStats, as_of: AsOf) -> CampaignStatsOut:
        return cls(campaign_id=s.campaign_id, date_from=s.date_from, date_to=s.date_to,
                   points_issued=s.points_issued, members_reached=s.members_reached,
                   redemptions=s.redemptions, points_redeemed=s.points_redeemed, cost_vnd=s.cost_vnd,
                   days=[CampaignDayOut.of(d) for d in s.days], as_of=as_of)


class SegmentMemberOut(BaseModel):
    member_id: UUID
    tier: str
    purchases: int
    spend_vnd: DecimalText
    last_purchase_at: datetime | None
    rfm: str | None
    """"545" (recency, frequency, monetary scores 1-5) for RFM segments and `vip`; null for the others."""

    @classmethod
    def of(cls, m: SegmentMember) -> SegmentMemberOut:
        return cls(member_id=m.member_id, tier=m.tier, purchases=m.purchases, spend_vnd=m.spend_vnd,
                   last_purchase_at=m.last_purchase_at, rfm=m.rfm)


class SegmentPageOut(BaseModel):
    name: str
    members: list[SegmentMemberOut]
    next_cursor: str | None
    as_of: AsOf


class MemberSegmentsOut(BaseModel):
    member_id: UUID
    segments: list[str]
    """`rfm:545`, `vip`, `churn_risk`, `online_only`, `store_only`, `omnichannel`, `never_purchased`."""
    as_of: AsOf


class MemberHitOut(BaseModel):
    member_id: UUID
    name: str | None
    tier: str
    phone: str | None
    member_code: str | None
    email: str | None

    @classmethod
    def of(cls, h: MemberHit) -> MemberHitOut:
        return cls(member_id=h.member_id, name=h.name, tier=h.tier, phone=h.phone, member_code=h.member_code,
                   email=h.email)


class MemberSearchOut(BaseModel):
    items: list[MemberHitOut]
    as_of: AsOf


class ProjectionLag(BaseModel):
    name: str
    generation: int
    position: int
    lag: int


class LagOut(BaseModel):
    head: int
    """The newest position in the event log."""
    projections: list[ProjectionLag]


# --- the member timeline, as the history route answers it -------------------------------------------------


class TimelineItem(HistoryItem):
    """A history item with the line the read side's timeline writes for it."""

    text: str
    """The event in words, as a CSKH agent reads it: "Tích 12 điểm từ đơn hàng pos/T1 (chi tiêu 125.000 ₫)"
    (English with `lang=en`)."""
    at_local: str
    """dd/mm/yyyy hh:mm on the Ho Chi Minh clock."""
    channel_label: str | None
    """The channel in words ("Tại cửa hàng", "Zalo OA")."""


class TimelineOut(BaseModel):
    items: list[TimelineItem]
    next_cursor: str | None
    lang: str
