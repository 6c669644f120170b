"""Points expiring soon (a member's, and program-wide for reminders and staff) and offers granted to a segment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from api.deps import Admin, Api, Caller, IdempotencyKey, Reader, allow
from api.errors import problems
from api.keys import Role
from api.schemas.common import Points, Strict
from api.schemas.segments import MemberConditionIn
from loyalty_core import expiring, offers
from loyalty_core.commands import MemberRef

router = APIRouter(prefix="/v1", tags=["offers"], responses=problems(401, 403, 429))

Staff = Annotated[Caller, Depends(allow(Role.STAFF, Role.ANALYST, Role.ADMIN))]
Days = Annotated[int, Query(ge=1, le=expiring.MAX_DAYS, description="Look this many days ahead")]


class ExpiringLotOut(BaseModel):
    points: int
    expires_at: datetime


class MemberExpiringOut(BaseModel):
    member_id: UUID
    points: int
    """Points that expire by `until` if nothing is spent first."""
    until: datetime
    lots: list[ExpiringLotOut]

    @classmethod
    def of(cls, row: expiring.MemberExpiring) -> MemberExpiringOut:
        return cls(member_id=row.member_id, points=row.points, until=row.until,
                   lots=[ExpiringLotOut(points=lot.points, expires_at=lot.expires_at) for lot in row.lots])


class ExpiringListOut(BaseModel):
    days: int
    members: list[MemberExpiringOut]


@router.get("/members/{member_id}/expiring", responses=problems(404, 422))
def member_expiring(member_id: UUID, api: Api, caller: Reader, days: Days = 30) -> MemberExpiringOut:
    """Read which of a member's points expire within `days`, by date."""
    return MemberExpiringOut.of(expiring.for_member(api.service, MemberRef(member_id=member_id), days))


@router.get("/expiring", responses=problems(422))
def program_expiring(api: Api, caller: Staff, days: Days = 30,
                     limit: Annotated[int, Query(ge=1, le=10_000)] = 1_000) -> ExpiringListOut:
    """List the members whose points expire within `days`, soonest first (for reminders and staff)."""
    rows = expiring.across_program(api.service, days, limit=limit)
    return ExpiringListOut(days=days, members=[MemberExpiringOut.of(row) for row in rows])


class GrantRequest(Strict):
    grant_id: Annotated[str, Field(min_length=1, max_length=offers.MAX_GRANT_ID, pattern=r"^[A-Za-z0-9_-]+$")]
    condition: MemberConditionIn
    reward_id: Annotated[str, Field(min_length=1, max_length=100)] | None = None
    points: Points | None = None
    max_members: int | None = Field(None, ge=1, le=100_000_000)
    budget_points: int | None = Field(None, ge=1, le=10**12)


class GrantOut(BaseModel):
    grant_id: str
    members_checked: int
    granted: int
    already_granted: int
    not_eligible: int
    stopped_by_budget: bool
    members_granted_in_total: int
    points_granted_in_total: int


@router.post("/offers/grants", responses=problems(400, 404, 422))
def grant_offer(body: GrantRequest, api: Api, caller: Admin, key: IdempotencyKey) -> GrantOut:
    """Grant an offer to every member of a segment, each once; send it again to resume after a failure."""
    terms = offers.OfferTerms(grant_id=body.grant_id, condition=body.condition.to_condition(),
                              reward_id=body.reward_id, points=body.points or 0, max_members=body.max_members,
                              budget_points=body.budget_points)
    report = offers.grant_to_segment(api.service, terms, actor=caller.key.key_id)
    return GrantOut(**vars(report))
