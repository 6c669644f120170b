"""What the member page shows: balances, tier progress, open lots, vouchers, holds, redemptions,
identifiers, consent and the cross-channel timeline, read from the member's own events (as a till sees
them, with what is due applied as of now), never from a projection, so an action's effect shows at once.

Personal data is masked here, once, for roles that do not need it: the template never sees the clear value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from api.history import list_history, member_events
from faces.console.accounts import Staff
from faces.console.permissions import Can, can, mask_phone, mask_text
from faces.member.views import tier_progress
from loyalty_core import events as ev
from loyalty_core.commands import MemberRef
from loyalty_core.decide import Cause, Change, apply_due
from loyalty_core.member import Member

TIMELINE_LIMIT = 300
_PHONE_IN_TEXT = re.compile(r"\+?\d[\d .\-]{7,}\d")
_EMAIL_IN_TEXT = re.compile(r"[\w.+\-]+@[\w\-]+\.[\w.\-]+")
PERSONAL_KINDS = ("phone", "email", "channel_id")


@dataclass
class MemberPage:
    member: Member
    name: str | None
    birthday: str | None
    identifiers: list[tuple[str, str]]
    tier: Any
    lots: list[Any]
    vouchers: list[Any]
    reservations: list[dict[str, Any]]
    redemptions: list[dict[str, Any]]
    timeline: list[dict[str, Any]]
    channels: list[str] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    masked: bool = False


def current_member(service: Any, member_id: UUID, now: datetime) -> Member:
    member = service.resolve(MemberRef(member_id=member_id))
    change = Change(member, now, Cause("read", None, "read"))
    apply_due(change, service.policy.inactivity_expires_at(member))
    return change.current


def member_page(api: Any, staff: Staff, member_id: UUID, lang: str, channel: str | None = None,
                store: str | None = None, kind: str | None = None) -> MemberPage:
    service, now = api.service, api.service.clock()
    member = current_member(service, member_id, now)
    masked = not can(staff, Can.SEE_PERSONAL_DATA)
    events = member_events(api.runtime, member_id)
    where = {e.redemption_id: e for e in events if isinstance(e, ev.PointsRedeemed)}
    history = list_history(api.runtime, member_id, None, TIMELINE_LIMIT, lang).items
    lines = [_line(item, masked) for item in history]
    shown = [i for i in lines if (not channel or i["channel"] == channel) and (not store or i["store_id"] == store)
             and (not kind or i["type"] == kind)]
    identifiers = [(k, _mask_identifier(k, v) if masked else v) for k, v in member.identifiers if k != "qr_token"]
    return MemberPage(
        member=member, name=mask_text(member.name) if masked else member.name,
        birthday=None if masked else member.birthday, identifiers=identifiers,
        tier=tier_progress(service, member, now, lang),
        lots=sorted((lot for lot in member.lots.values() if lot.remaining > 0),
                    key=lambda lot: (lot.expires_at is None, lot.expires_at or now)),
        vouchers=sorted(member.vouchers.values(), key=lambda v: (v.status != "issued", v.code)),
        reservations=[{"r": r} for r in member.reservations.values()],
        redemptions=[{"r": r, "store_id": getattr(where.get(r.redemption_id), "store_id", None),
                      "channel": getattr(where.get(r.redemption_id), "channel", None),
                      "at": getattr(where.get(r.redemption_id), "timestamp", None)}
                     for r in member.redemptions.values()],
        timeline=shown, channels=sorted({i["channel"] for i in lines if i["channel"]}),
        stores=sorted({i["store_id"] for i in lines if i["store_id"]}),
        kinds=sorted({i["type"] for i in lines}), masked=masked)


def earn_explained(api: Any, member_id: UUID, version: int) -> ev.PointsEarned | ev.PurchaseRecorded | None:
    """The earn (or zero-point purchase) recorded at `version` of this member, for "why N points?"."""
    for event in member_events(api.runtime, member_id):
        if event.originator_version == version and isinstance(event, (ev.PointsEarned, ev.PurchaseRecorded)):
            return event
    return None


def _line(item: dict[str, Any], masked: bool) -> dict[str, Any]:
    text = item["text"]
    if masked:
        text = _EMAIL_IN_TEXT.sub(lambda m: mask_text(m.group()) or "", text)
        text = _PHONE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())) or "", text)
    breakdown = item.get("data", {}).get("breakdown") or []
    return {**item, "text": text, "why": bool(breakdown) and item["type"] in ("PointsEarned", "PurchaseRecorded")}


def _mask_identifier(kind: str, value: str) -> str:
    if kind == "phone":
        return mask_phone(value) or ""
    if kind in PERSONAL_KINDS:
        return mask_text(value) or ""
    return value
