"""Erasure of a member's personal data (issue #16 item 5, docs/privacy.md).

`POST /v1/members/{member_id}/erasure` (admin keys only: API keys have roles, not per-key permissions, and
only the admin role may destroy data) with a reason and an Idempotency-Key. The member's identifiers are
released, their data key is destroyed in the same transaction as `PersonalDataErased`, and every sealed value
of theirs reads as "đã xoá" from then on; points, lots, statistics and the audit chain are untouched.
"""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response
from api.deps import Admin, Api, IdempotencyKey
from api.erasure_purge import personal_values, purge
from api.errors import problems
from api.schemas.common import LongText, Strict
from api.schemas.points import ChangeOut
from loyalty_core import commands as c
from loyalty_core.privacy.erasure import finish

router = APIRouter(prefix="/v1/members/{member_id}", tags=["members"], responses=problems(401, 403, 429))


class ErasureRequest(Strict):
    reason: LongText
    """Why (the member's request, a ticket number): kept in the history; never the person's data."""


class ErasureOut(ChangeOut):
    erased: bool


@router.post("/erasure", responses=problems(400, 404, 409, 422))
def erase_member(member_id: UUID, body: ErasureRequest, api: Api, caller: Admin, key: IdempotencyKey,
                 response: Response) -> ErasureOut:
    """Erase the member's personal data (crypto-shredding): name, birthday, phone, email and channel ids
    read as "đã xoá" from now on, the phone and email may enrol again as someone new; the balance and the
    history's figures stay. A retry with the same key answers the same."""
    acting = caller.acting()
    values = personal_values(api.runtime.store, member_id)  # read before the key goes: sessions, outcomes
    result = api.run(c.EraseMember(idempotency_key=key, member=c.MemberRef(member_id=member_id), reason=body.reason,
                                   **acting.fields()), response)
    finish(api.runtime.store, result.member_id)
    purge(api.tables, result.member_id, values, api.runtime.store)
    out = ChangeOut.of(result)  # type: ignore[arg-type]
    return ErasureOut(**out.model_dump(), erased=True)


__all__ = ["router", "ErasureRequest", "ErasureOut"]
