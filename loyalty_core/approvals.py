"""Four eyes on large manual corrections: an adjustment above the program's threshold waits for a second
person.

`RequestAdjustment` is what a person asks for (the API's `/adjustments`, `loyalty adjust`). At or below
the threshold (`Policy.adjustment_approval_threshold`, the program's `adjustment_approval_points`, 500 by
default) it is applied at once, exactly as `AdjustPoints`. Above it, an *approval* aggregate records
`AdjustmentRequested` and nothing touches the balance. `ApproveAdjustment` by anyone but the requester
writes `AdjustmentApproved` and the member's `PointsAdjusted` in one transaction; `RefuseAdjustment`
writes `AdjustmentRefused` (the requester may withdraw their own). Each is an ordinary command with an
idempotency key, and every event names its actor and reason. Two approvers racing conflict on the
approval's version: the second is decided again and finds it no longer pending. The approval's id is
derived from the request's idempotency key, so a retried request never opens a second approval.

`AdjustPoints` itself stays the ledger's primitive (imports, migrations and the approval itself use it).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from loyalty_core import commands as cmd
from loyalty_core import events as ev
from loyalty_core.errors import InvalidInput, LoyaltyError
from loyalty_core.money import check_points
from loyalty_core.results import Balance, Result, register_result_type
from loyalty_core.handlers.points import adjust_points
from loyalty_core.planning import Plan

DEFAULT_THRESHOLD = 500
MAX_REASON = 500


class ApprovalNotFound(LoyaltyError):
    code = "approval_not_found"
    message_vi = "Không tìm thấy yêu cầu duyệt."


class ApprovalNotPending(LoyaltyError):
    code = "approval_not_pending"
    message_vi = "Yêu cầu này đã được duyệt hoặc từ chối."


class ApprovalByRequester(LoyaltyError):
    code = "approval_by_requester"
    message_vi = "Người yêu cầu không thể tự duyệt yêu cầu của mình."


# --- events of an approval (the aggregate's id: `approval_id_for`) ------------------------------------------
@dataclass(frozen=True, kw_only=True)
class AdjustmentRequested(ev.Event):
    member_id: UUID
    points: int
    reason: str
    expires_at: datetime | None = None
    requested_by: str
    """The requester's key id (or CLI actor)."""
    channel: str
    store_id: str | None = None
    threshold: int
    """The threshold in force when it was asked, which this request exceeded."""


@dataclass(frozen=True, kw_only=True)
class AdjustmentApproved(ev.Event):
    approved_by: str
    note: str


@dataclass(frozen=True, kw_only=True)
class AdjustmentRefused(ev.Event):
    refused_by: str
    note: str


APPROVAL_EVENTS = (AdjustmentRequested, AdjustmentApproved, AdjustmentRefused)


# --- commands ------------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class RequestAdjustment(cmd.Command):
    member: cmd.MemberRef
    points: int
    reason: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ApproveAdjustment(cmd.Command):
    approval_id: UUID
    note: str


@dataclass(frozen=True, kw_only=True)
class RefuseAdjustment(cmd.Command):
    approval_id: UUID
    note: str


@register_result_type
@dataclass(frozen=True)
class ApprovalResult(Result):
    """A request waiting for approval (balance unchanged), or an approval decided (balance after it)."""

    approval_id: str = ""
    status: str = ""
    """pending | approved | refused"""
    points: int = 0
    reason: str = ""
    requested_by: str = ""
    decided_by: str | None = None


@dataclass(frozen=True)
class Approval:
    approval_id: UUID
    version: int
    request: AdjustmentRequested
    status: str = "pending"
    decided_by: str | None = None
    note: str | None = None
    decided_at: datetime | None = None


def approval_id_for(scope: str, idempotency_key: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"/approvals/{scope}/{idempotency_key}")


def fold(events: list[Any]) -> Approval | None:
    approval: Approval | None = None
    for e in events:
        if isinstance(e, AdjustmentRequested):
            approval = Approval(e.originator_id, e.originator_version, e)
        elif approval is not None and isinstance(e, AdjustmentApproved):
            approval = Approval(approval.approval_id, e.originator_version, approval.request, "approved",
                                e.approved_by, e.note, e.timestamp)
        elif approval is not None and isinstance(e, AdjustmentRefused):
            approval = Approval(approval.approval_id, e.originator_version, approval.request, "refused",
                                e.refused_by, e.note, e.timestamp)
    return approval


def load(store: Any, approval_id: UUID) -> Approval | None:
    return fold(store.member_events(approval_id))


def list_approvals(store: Any, status: str | None = None, batch: int = 1000) -> list[Approval]:
    """Every approval, oldest first, read from the log by event type (an operator's query, not a hot path)."""
    topics = [f"{cls.__module__}:{cls.__qualname__}" for cls in APPROVAL_EVENTS]
    events: dict[UUID, list[Any]] = {}
    start = 1
    while True:
        page = store.recorder.select_notifications(start=start, limit=batch, topics=topics)
        if not page:
            break
        for notification in page:
            event = store.decode(notification)
            events.setdefault(event.originator_id, []).append(event)
        start = page[-1].id + 1
    found = [a for a in (fold(e) for e in events.values()) if a is not None]
    return [a for a in found if status is None or a.status == status]


def _note(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_REASON:
        raise InvalidInput(f"{name} is required: text of 1 to {MAX_REASON} characters", field=name)
    return value


def _result(approval: Approval, balance: Balance, member_id: UUID) -> ApprovalResult:
    r = approval.request
    return ApprovalResult(member_id=member_id, balance=balance, approval_id=str(approval.approval_id),
                          status=approval.status, points=r.points, reason=r.reason, requested_by=r.requested_by,
                          decided_by=approval.decided_by)


def _as_adjustment(c: cmd.Command, member_id: UUID, points: int, reason: str,
                   expires_at: datetime | None) -> cmd.AdjustPoints:
    return cmd.AdjustPoints(idempotency_key=c.idempotency_key, channel=c.channel, store_id=c.store_id,
                            actor=c.actor, idempotency_scope=c.idempotency_scope,
                            member=cmd.MemberRef(member_id=member_id), points=points, reason=reason,
                            expires_at=expires_at)


def request_adjustment(ctx: Any, c: RequestAdjustment) -> Plan:
    _note(c.reason, "reason")
    if not isinstance(c.points, int) or isinstance(c.points, bool):
        raise InvalidInput("points must be a whole number", field="points")
    check_points(abs(c.points))  # zero is refused here too (amount_must_be_positive)
    member = ctx.service.resolve(c.member)
    # Decided exactly as the ledger's own adjustment: applied below the threshold, and above it checked the
    # same way (reason, ceiling, expiry, enough points to take away) before anyone is asked to approve it.
    applied = adjust_points(ctx, _as_adjustment(c, member.id, c.points, c.reason, c.expires_at))
    threshold = ctx.service.policy.adjustment_approval_threshold()
    if abs(c.points) <= threshold:
        return applied
    approval_id = approval_id_for(c.scope, c.idempotency_key)
    lot = next((e for e in applied.events if isinstance(e, ev.PointsAdjusted)), None)
    requested = AdjustmentRequested(originator_id=approval_id, originator_version=1, timestamp=ctx.now,
                                    member_id=member.id, points=c.points, reason=c.reason,
                                    expires_at=lot.expires_at if lot is not None else None,
                                    requested_by=c.actor, channel=c.channel, store_id=c.store_id,
                                    threshold=threshold)
    return Plan([requested], _result(Approval(approval_id, 1, requested), Balance.of(member), member.id))


def _pending(ctx: Any, approval_id: Any) -> Approval:
    try:
        approval = load(ctx.service.store, UUID(str(approval_id)))
    except ValueError:
        approval = None
    if approval is None:
        raise ApprovalNotFound(f"no approval {approval_id}", approval_id=str(approval_id))
    if approval.status != "pending":
        raise ApprovalNotPending(f"approval {approval_id} was already {approval.status} by {approval.decided_by}",
                                 approval_status=approval.status)
    return approval


def approve_adjustment(ctx: Any, c: ApproveAdjustment) -> Plan:
    note = _note(c.note, "note")
    approval = _pending(ctx, c.approval_id)
    request = approval.request
    if c.actor == request.requested_by:
        raise ApprovalByRequester("the person who asked for an adjustment cannot approve it; ask someone else")
    # Recorded under the requester's channel and store; the reason names who approved it.
    adjustment = _as_adjustment(c, request.member_id, request.points,
                                f"{request.reason} (approved by {c.actor}: {note})", request.expires_at)
    applied = adjust_points(ctx, replace(adjustment, channel=request.channel, store_id=request.store_id))
    approved = AdjustmentApproved(originator_id=approval.approval_id, originator_version=approval.version + 1,
                                  timestamp=ctx.now, approved_by=c.actor, note=note)
    decided = Approval(approval.approval_id, approved.originator_version, request, "approved", c.actor, note)
    assert applied.member is not None
    return Plan([*applied.events, approved], _result(decided, Balance.of(applied.member), applied.member.id),
                applied.member)


def refuse_adjustment(ctx: Any, c: RefuseAdjustment) -> Plan:
    note = _note(c.note, "note")
    approval = _pending(ctx, c.approval_id)
    member = ctx.service.resolve(cmd.MemberRef(member_id=approval.request.member_id))
    refused = AdjustmentRefused(originator_id=approval.approval_id, originator_version=approval.version + 1,
                                timestamp=ctx.now, refused_by=c.actor, note=note)
    decided = Approval(approval.approval_id, refused.originator_version, approval.request, "refused", c.actor, note)
    return Plan([refused], _result(decided, Balance.of(member), member.id))


def install(service: Any) -> None:
    service.register(RequestAdjustment, request_adjustment)
    service.register(ApproveAdjustment, approve_adjustment)
    service.register(RefuseAdjustment, refuse_adjustment)
