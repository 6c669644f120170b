"""Find a member from whatever CSKH has in hand: a phone written any way ("0901 234 567", "+84-90-123-4567",
"84901234567"), a name with or without diacritics ("nguyen thi lan" finds "Nguyễn Thị Lan"), a member code,
a QR token, or the rotating code read off the member's card.

Exact identifiers are resolved through the ledger (no lag: a member enrolled a second ago is found); names
and partial numbers come from the read side's search projection (`ReadModels.search_members`, accent-folded
with unidecode), which may lag by the worker's delay: the page says by how much.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.errors import ApiProblem
from api.presence import lookup_by_card_code
from loyalty_core.commands import MemberRef
from loyalty_core.errors import LoyaltyError

MAX_QUERY = 100
_PHONE_LIKE = re.compile(r"^[+()\d][\d\s().\-]{6,24}$")


@dataclass(frozen=True)
class Hit:
    member_id: UUID
    name: str | None
    phone: str | None
    member_code: str | None
    tier: str | None


def find_members(api: Any, models: Any, query: str, limit: int = 20) -> list[Hit]:
    q = (query or "").strip()[:MAX_QUERY]
    if not q:
        return []
    hits: dict[UUID, Hit] = {}
    for hit in _exact(api, q):
        hits.setdefault(hit.member_id, hit)
    if models is not None:
        for found in models.search_members(q, limit=limit):
            hits.setdefault(found.member_id, Hit(found.member_id, found.name, found.phone, found.member_code,
                                                 found.tier))
    return list(hits.values())[:limit]


def _exact(api: Any, q: str) -> list[Hit]:
    refs = []
    if _PHONE_LIKE.match(q):
        refs.append(MemberRef(phone=re.sub(r"[\s().\-]", "", q)))
    if " " not in q:
        refs += [MemberRef(member_code=q), MemberRef(qr_token=q)]
        if "@" in q:
            refs.append(MemberRef(email=q))
    found = []
    for ref in refs:
        try:
            found.append(_hit(api.service.member_summary(ref)))
        except LoyaltyError:
            continue
    if not found and " " not in q and len(q) <= 40:
        try:  # a rotating card code read off the member's screen
            found.append(_hit(lookup_by_card_code(api, q)))
        except (LoyaltyError, ApiProblem):
            pass
    return found


def _hit(result: Any) -> Hit:
    return Hit(result.member_id, result.name, result.phone, result.member_code, result.tier)
