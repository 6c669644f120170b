"""What each page of the member app shows, read from the member's own aggregate and the program.

Reads come from the member's events (the aggregate, with what is due applied as of now, exactly as a till
sees it), never from a projection, so a member who just redeemed sees the voucher on the next page.
Everything here takes the member id from the session, never from the request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from faces.format import day, local, points, vnd
from loyalty_core.commands import MemberRef
from loyalty_core.decide import Cause, Change, apply_due
from loyalty_core.member import Member

EXPIRING_DAYS = 90


def current_member(service: Any, member_id: UUID, now: datetime) -> Member:
    """The member as of now: pending points released, expired lots gone, timed-out holds returned."""
    member = service.resolve(MemberRef(member_id=member_id))
    change = Change(member, now, Cause("read", None, "read"))
    apply_due(change, service.policy.inactivity_expires_at(member))
    return change.current


def program(service: Any) -> Any:
    installed = getattr(service.policy, "installed", None)
    return installed() if installed else None


def expiring(member: Member, now: datetime) -> list[tuple[str, int]]:
    """[(dd/mm/yyyy, points)] of spendable points expiring in the next EXPIRING_DAYS, soonest first."""
    horizon = now + timedelta(days=EXPIRING_DAYS)
    by_day: dict[Any, int] = {}
    for lot in member.lots.values():
        if lot.expires_at is not None and lot.remaining > 0 and not lot.is_pending and lot.expires_at <= horizon:
            key = local(lot.expires_at).date()
            by_day[key] = by_day.get(key, 0) + lot.remaining
    return [(day(d), pts) for d, pts in sorted(by_day.items())]


@dataclass(frozen=True)
class TierProgress:
    name: str
    next_name: str | None
    missing: str | None
    percent: int
    downgrade_on: str | None


def tier_progress(service: Any, member: Member, now: datetime, lang: str) -> TierProgress:
    prog = program(service)
    ladder = prog.tiers if prog is not None else None
    tier = ladder.tier(member.tier) if ladder else None
    if ladder is None or tier is None:
        return TierProgress(member.tier, None, None, 100, None)
    name = tier.name_en if lang == "en" else tier.name_vi
    notice = service.policy.downgrade_notice(member, now)
    downgrade_on = day(notice) if notice else None
    rank = ladder.rank(member.tier)
    if rank + 1 >= len(ladder.tiers):
        return TierProgress(name, None, None, 100, downgrade_on)
    upcoming = ladder.tiers[rank + 1]
    have = service.policy.figures_at(member, ladder, now)[ladder.basis]
    missing_value = max(upcoming.threshold - have, 0)
    percent = int(min(have * 100 / upcoming.threshold, 100)) if upcoming.threshold else 100
    if ladder.basis == "spend":
        missing = vnd(missing_value)
    elif ladder.basis == "points_earned":
        missing = f"{points(int(missing_value))} {'points' if lang == 'en' else 'điểm'}"
    else:
        missing = f"{int(missing_value)} {'visits' if lang == 'en' else 'lần mua'}"
    return TierProgress(name, upcoming.name_en if lang == "en" else upcoming.name_vi, missing, percent, downgrade_on)


def rewards(service: Any, lang: str) -> list[dict[str, Any]]:
    prog = program(service)
    if prog is None:
        return []
    return [{"reward_id": r.reward_id, "name": r.name_en if lang == "en" else r.name_vi, "cost": r.points_cost}
            for r in prog.rewards if r.points_cost is not None and (r.stock is None or r.stock > 0)]


def reward_names(service: Any, lang: str) -> dict[str, str]:
    prog = program(service)
    if prog is None:
        return {}
    return {r.reward_id: r.name_en if lang == "en" else r.name_vi for r in prog.rewards}


def vouchers(member: Member, service: Any, lang: str) -> list[dict[str, Any]]:
    names = reward_names(service, lang)
    order = {"issued": 0, "used": 1, "expired": 2, "cancelled": 3}
    items = sorted(member.vouchers.values(), key=lambda v: (order.get(v.status, 9), v.expires_at or datetime.max))
    return [{"code": v.code, "name": names.get(v.reward_id, v.reward_id), "status": v.status,
             "expires": day(v.expires_at) if v.expires_at else None} for v in items]


def stamp_cards(service: Any, member: Member, lang: str) -> list[dict[str, Any]]:
    prog = program(service)
    if prog is None:
        return []
    cards = []
    for rule in prog.rules:
        if getattr(rule, "kind", None) != "stamp_card":
            continue
        label = (getattr(rule, "label_en", None) if lang == "en" else getattr(rule, "label_vi", None)) or rule.card_id
        have = max(member.stamps.get(rule.card_id, 0), 0) % rule.stamps_required
        cards.append({"label": label, "have": have, "need": rule.stamps_required})
    return cards


def why_lines(item: dict[str, Any], lang: str) -> list[tuple[str, int]]:
    """For an earn, one line per rule that fired: what the member reads under "why N points?"."""
    breakdown = item.get("data", {}).get("breakdown") or []
    key = "description_en" if lang == "en" else "description_vi"
    return [(str(line.get(key) or line.get("rule_id", "")), int(line.get("points", 0))) for line in breakdown]
