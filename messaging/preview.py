"""Previews: what a kind of message would say to a member (or to a sample member), in either language.

Staff check a template before it goes out: `loyalty messages preview points_earned --member 0912345678`
and `GET /v1/messages/preview?kind=…&member_id=…`. The member's own name, tier, card and balance are used
when one is named; the event's facts (points, dates, voucher) are sample values, since no event is behind a
preview. Nothing is queued or sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from messaging.dispatcher import NAMES, with_tier_names
from messaging.kinds import KINDS, MARKETING
from messaging.templates import Rendered, TemplateProblem, render


def sample_facts(kind: str, now: datetime) -> dict[str, Any]:
    soon = (now + timedelta(days=30)).isoformat()
    return {"points": 25, "expires_at": soon, "discount_vnd": "125000", "voucher_code": "VC-2026-0001",
            "days": 30, "from_tier": "silver", "to_tier": "gold", "downgrade_at": soon, "code": "482913",
            "reference": "T-0001", "order_ref": "O-0001"}


def preview(service: Any, kind: str, lang: str = "vi", member: Any = None,
            program_code: str | None = None) -> Rendered:
    """Render `kind` for `member` (a `Member`, or None for a sample member)."""
    if kind not in KINDS:
        raise TemplateProblem(f"no message kind {kind!r}; known: {', '.join(KINDS)}")
    now = service.clock()
    values: dict[str, Any] = {"name": NAMES.get(lang, NAMES["vi"]), "tier": "silver", "member_code": "M0000001",
                              "balance": 1234, **sample_facts(kind, now)}
    if member is not None:
        values.update(name=member.name or values["name"], tier=member.tier,
                      member_code=member.identifier("member_code") or "", balance=member.points_available)
    program = program_code or (member.program_code if member is not None else None) or \
        getattr(service.policy, "program_code", "default")
    return render(program, kind, lang, with_tier_names(service, values, lang), marketing=KINDS[kind] == MARKETING)
