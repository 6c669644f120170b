"""Adjustments waiting for a second person: what a request answers, and the approve / refuse bodies."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel

from api.deps import Acting
from api.schemas.common import BalanceOut, LongText, Strict
from loyalty_core import approvals as ap


class DecisionRequest(Strict):
    note: LongText
    """Why it is approved or refused (recorded with the decision)."""

    def approve(self, approval_id: UUID, key: str, acting: Acting) -> ap.ApproveAdjustment:
        return ap.ApproveAdjustment(idempotency_key=key, approval_id=approval_id, note=self.note, **acting.fields())

    def refuse(self, approval_id: UUID, key: str, acting: Acting) -> ap.RefuseAdjustment:
        return ap.RefuseAdjustment(idempotency_key=key, approval_id=approval_id, note=self.note, **acting.fields())


class ApprovalOut(BaseModel):
    """An adjustment above the program's threshold: pending until someone else approves or refuses it."""

    approval_id: UUID
    status: str
    """pending | approved | refused"""
    member_id: UUID
    points: int
    reason: str
    requested_by: str
    decided_by: str | None = None
    balance: BalanceOut | None = None
    """The member's balance after the decision (or unchanged, while pending)."""

    @classmethod
    def of(cls, r: ap.ApprovalResult) -> ApprovalOut:
        return cls(approval_id=UUID(r.approval_id), status=r.status, member_id=r.member_id, points=r.points,
                   reason=r.reason, requested_by=r.requested_by, decided_by=r.decided_by,
                   balance=BalanceOut.of(r.balance))


class ApprovalItem(BaseModel):
    approval_id: UUID
    status: str
    member_id: UUID
    points: int
    reason: str
    requested_by: str
    requested_at: datetime
    channel: str
    store_id: str | None
    threshold: int
    decided_by: str | None
    decided_at: datetime | None
    note: str | None

    @classmethod
    def of(cls, a: ap.Approval) -> ApprovalItem:
        r = a.request
        return cls(approval_id=a.approval_id, status=a.status, member_id=r.member_id, points=r.points,
                   reason=r.reason, requested_by=r.requested_by, requested_at=r.timestamp, channel=r.channel,
                   store_id=r.store_id, threshold=r.threshold, decided_by=a.decided_by, decided_at=a.decided_at,
                   note=a.note)


class ApprovalsOut(BaseModel):
    items: list[ApprovalItem]
