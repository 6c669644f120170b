"""The raw event history of a member, for auditors: every event, in order, as recorded."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import Api, Auditor
from api.errors import problems
from api.eventdata import event_json
from api.history import member_events
from api.schemas.audit import EventOut, EventsOut
from loyalty_core.errors import MemberNotFound
from projections.served import check_cache

router = APIRouter(prefix="/v1", tags=["audit"], responses=problems(401, 403, 429))


@router.get("/members/{member_id}/events", responses=problems(404, 422))
def get_member_events(member_id: UUID, api: Api, caller: Auditor,
                      after_version: Annotated[int, Query(ge=0, le=10**12)] = 0,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 1000) -> EventsOut:
    """List a member's raw events in order, with version and recorded time."""
    events = member_events(api.runtime, member_id)
    if not events:
        raise MemberNotFound(f"no member {member_id}", member_id=str(member_id))
    page = [e for e in events if e.originator_version > after_version][:limit]
    return EventsOut(member_id=str(member_id), items=[EventOut(**event_json(e)) for e in page])


class ServedFindingOut(BaseModel):
    member_id: str
    what: str
    served: Any = None
    folded: Any = None


class ServedCheckOut(BaseModel):
    checked: int
    """Member states this process holds in its cache, each compared with the fold of the stored events."""
    findings: list[ServedFindingOut]


@router.get("/audit/served")
def check_served_state(api: Api, caller: Auditor) -> ServedCheckOut:
    """Compare every member state this process serves from its cache with the fold of the stored events."""
    checked, findings = check_cache(api.runtime.store)
    return ServedCheckOut(checked=checked, findings=[
        ServedFindingOut(member_id=str(f.member_id), what=f.what, served=_plain(f.served),
                         folded=_plain(f.folded)) for f in findings])


def _plain(value: Any) -> Any:
    return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else value
