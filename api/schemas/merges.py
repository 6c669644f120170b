"""Bodies of merging two members and undoing it (loyalty_core/identity/merging.py)."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from pydantic import BaseModel

from api.deps import Acting
from api.schemas.common import BalanceOut, LongText, MemberIdField, Where
from loyalty_core import commands as c
from loyalty_core.identity.merging import MergeMembers, MergeResult, UnmergeMembers


class MergeRequest(Where):
    merged_member_id: MemberIdField
    """The duplicate: its points, vouchers and identifiers move to the member in the path, and its id,
    phone and codes find that member from now on."""
    reason: LongText
    """Why, in words the next agent understands ("same person: old paper card and Zalo sign-up")."""

    def to_command(self, survivor_id: UUID, key: str, acting: Acting) -> MergeMembers:
        return MergeMembers(idempotency_key=key, survivor=c.MemberRef(member_id=survivor_id),
                            merged=c.MemberRef(member_id=self.merged_member_id), reason=self.reason,
                            **acting.fields())


class UnmergeRequest(Where):
    reason: LongText

    def to_command(self, survivor_id: UUID, merged_id: UUID, key: str, acting: Acting) -> UnmergeMembers:
        return UnmergeMembers(idempotency_key=key, survivor=c.MemberRef(member_id=survivor_id),
                              merged=c.MemberRef(member_id=merged_id), reason=self.reason, **acting.fields())


class MergeOut(BaseModel):
    status: Literal["merged", "unmerged"]
    survivor_id: UUID
    merged_member_id: UUID
    balance: BalanceOut
    """The survivor's balance afterwards."""
    merged_balance: BalanceOut
    """The duplicate's own balance afterwards (zero after a merge)."""
    points_moved: int
    lots_moved: int
    vouchers_moved: int
    identifiers_moved: int

    @classmethod
    def of(cls, result: MergeResult) -> MergeOut:
        return cls(status=result.status, survivor_id=result.member_id, merged_member_id=result.merged_member_id,
                   balance=BalanceOut.of(result.balance), merged_balance=BalanceOut.of(result.merged_balance),
                   points_moved=result.points_moved, lots_moved=result.lots_moved,
                   vouchers_moved=result.vouchers_moved, identifiers_moved=result.identifiers_moved)
