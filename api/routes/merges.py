"""Merging duplicate members and undoing a merge (staff and administrators, with a reason)."""

from __future__ import annotations

from uuid import UUID

from fastapi import APIRouter, Response

from api.deps import Api, Corrector, IdempotencyKey
from api.errors import problems
from api.schemas.merges import MergeOut, MergeRequest, UnmergeRequest

router = APIRouter(prefix="/v1/members/{survivor_id}/merges", tags=["members"], responses=problems(401, 403, 429))


@router.post("", status_code=201, responses=problems(400, 404, 409, 422))
def merge_members(survivor_id: UUID, body: MergeRequest, api: Api, caller: Corrector, key: IdempotencyKey,
                  response: Response) -> MergeOut:
    """Merge a duplicate into this member in one step: its open lots (each keeping its expiry), pending points,
    unused vouchers, identifiers, stamps and tier figures move here; both histories stay; the duplicate's id,
    phone and codes find this member from now on. Refused (409) while the duplicate has an open reservation."""
    command = body.to_command(survivor_id, key, caller.acting(body.channel, body.store_id))
    return MergeOut.of(api.run(command, response))  # type: ignore[arg-type]


@router.post("/{merged_member_id}/unmerge", responses=problems(400, 404, 409, 422))
def unmerge_members(survivor_id: UUID, merged_member_id: UUID, body: UnmergeRequest, api: Api, caller: Corrector,
                    key: IdempotencyKey, response: Response) -> MergeOut:
    """Undo a merge while nothing that moved has been used since; otherwise 409 `unmerge_blocked` lists what
    blocks it (a lot spent or expired, a voucher used, an identifier unlinked, a sale refunded)."""
    command = body.to_command(survivor_id, merged_member_id, key, caller.acting(body.channel, body.store_id))
    return MergeOut.of(api.run(command, response))  # type: ignore[arg-type]
