"""Which events deserve a message, and the one message each deserves.

`drafts_for(event)` is pure: the same event always gives the same drafts, with the same message ids. A
message id is a UUID5 of the event's member, version and kind, so the outbox's primary key makes a
message exist once however often the event is read (a restart, a rebuild, two workers at once). Reminders
that no event causes (points about to expire, a coming downgrade) take their ids from what they are about
(the member, the lots' expiry instant, the horizon), so a daily scan finds the same id every day.

Purposes decide the rules of sending: `transactional` (the member's own account: points, vouchers, tiers,
reminders), `marketing` (offers and gifts: Decree 91/2020 hours, caps and the `[QC]` label apply) and
`otp` (one-time codes the member asked for: sent at once, never capped, never deferred).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from loyalty_core import events as ev
from loyalty_core.privacy import lookup

TRANSACTIONAL, MARKETING, OTP = "transactional", "marketing", "otp"

#: kind -> purpose. Birthday greetings carry a gift, which is an offer: marketing.
KINDS: dict[str, str] = {
    "welcome": TRANSACTIONAL,
    "points_earned": TRANSACTIONAL,
    "redemption": TRANSACTIONAL,
    "voucher_issued": TRANSACTIONAL,
    "birthday": MARKETING,
    "points_expiring": TRANSACTIONAL,
    "tier_up": TRANSACTIONAL,
    "tier_down": TRANSACTIONAL,
    "tier_changed": TRANSACTIONAL,
    "tier_downgrade_notice": TRANSACTIONAL,
    "otp": OTP,
}

#: How long a message stays worth sending after its cause: nobody wants "you earned 25 points" a week late,
#: and a one-time code is useless after five minutes.
FRESH_FOR: dict[str, timedelta] = {"otp": timedelta(minutes=5), "points_expiring": timedelta(days=2),
                                   "tier_downgrade_notice": timedelta(days=3), "birthday": timedelta(days=7)}
DEFAULT_FRESH_FOR = timedelta(days=2)
#: The reminder horizons: "N points expire in 30 days", then "in 7 days".
EXPIRY_HORIZONS_DAYS = (30, 7)


@dataclass(frozen=True)
class Draft:
    """One message decided: what it is about, not yet how or whether it goes out."""

    message_id: UUID
    kind: str
    member_id: UUID | None
    created_at: datetime
    data: dict[str, Any] = field(default_factory=dict)
    """The facts of its cause the template needs (JSON-able: str, int; money and times as text)."""
    phone: str | None = None
    """Only for messages without a member (a one-time code to a number not enrolled yet)."""
    source_position: int = 0

    @property
    def purpose(self) -> str:
        return KINDS[self.kind]

    @property
    def not_after(self) -> datetime:
        return self.created_at + FRESH_FOR.get(self.kind, DEFAULT_FRESH_FOR)


def message_id(subject: UUID | str, version_or_key: int | str, kind: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/messages/{subject}/{version_or_key}/{kind}")


def _draft(event: Any, kind: str, position: int, **data: Any) -> Draft:
    return Draft(message_id(event.originator_id, event.originator_version, kind), kind, event.originator_id,
                 event.timestamp, {k: _plain(v) for k, v in data.items()}, source_position=position)


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # Decimal as its exact text, UUID as text


def drafts_for(event: Any, position: int = 0) -> list[Draft]:
    """The messages `event` deserves (most events deserve none)."""
    if isinstance(event, ev.MemberEnrolled):
        return [_draft(event, "welcome", position, tier=event.tier)]
    if isinstance(event, ev.PointsEarned):
        if event.points <= 0 or event.source == "adjustment":
            return []
        kind = "birthday" if event.reference.startswith("birthday-bonus:") else "points_earned"
        return [_draft(event, kind, position, points=event.points, expires_at=event.expires_at,
                       reference=event.reference)]
    if isinstance(event, ev.PointsRedeemed):
        if event.voucher_code:  # the VoucherIssued beside it says it all
            return []
        return [_draft(event, "redemption", position, points=event.points, discount_vnd=event.discount_amount,
                       order_ref=event.order_ref)]
    if isinstance(event, ev.ReservationCaptured):
        return [_draft(event, "redemption", position, points=event.points, order_ref=event.redemption_id)]
    if isinstance(event, ev.VoucherIssued):
        kind = "birthday" if event.reason == "birthday" else "voucher_issued"
        return [_draft(event, kind, position, voucher_code=event.voucher_code, reward_id=event.reward_id,
                       expires_at=event.expires_at)]
    if isinstance(event, ev.TierChanged):
        kind = {"qualified": "tier_up", "downgraded_at_review": "tier_down"}.get(event.reason, "tier_changed")
        return [_draft(event, kind, position, from_tier=event.from_tier, to_tier=event.to_tier)]
    return []


HANDLED: tuple[type, ...] = (ev.MemberEnrolled, ev.PointsEarned, ev.PointsRedeemed, ev.ReservationCaptured,
                             ev.VoucherIssued, ev.TierChanged)


def expiry_reminder(member_id: UUID, points: int, expires_at: datetime, days: int, now: datetime) -> Draft:
    """"`points` expire on `expires_at`", sent once per member, expiry instant and horizon."""
    return Draft(message_id(member_id, f"expiring-{days}d-{expires_at.isoformat()}", "points_expiring"),
                 "points_expiring", member_id, now, {"points": points, "expires_at": expires_at.isoformat(),
                                                     "days": days})


def downgrade_notice(member_id: UUID, tier: str, downgrade_at: datetime, now: datetime) -> Draft:
    return Draft(message_id(member_id, f"downgrade-{downgrade_at.isoformat()}", "tier_downgrade_notice"),
                 "tier_downgrade_notice", member_id, now, {"tier": tier, "downgrade_at": downgrade_at.isoformat()})


def otp_draft(phone: str, code: str, request_key: str, now: datetime, member_id: UUID | None = None) -> Draft:
    """A one-time code; `request_key` names the request, so a retried request sends one code, not two.
    The message id is derived from the phone's keyed hash, never the number: a name-based id of the number
    could be matched by trying every phone (docs/privacy.md)."""
    subject = lookup.hash_token("phone", phone) if lookup.installed() else phone
    return Draft(message_id(f"otp:{subject}", request_key, "otp"), "otp", member_id, now, {"code": code},
                 phone=phone)
