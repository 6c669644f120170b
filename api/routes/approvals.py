"""Adjustments waiting for a second person: list them, approve or refuse them (staff and admin)."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Query, Response

from api.deps import Api, ApiContext, Caller, Corrector, IdempotencyKey
from api.errors import ApiProblem, problems
from api.schemas.approvals import ApprovalItem, ApprovalOut, ApprovalsOut, DecisionRequest
from loyalty_core import approvals as ap

router = APIRouter(prefix="/v1", tags=["approvals"], responses=problems(401, 403, 429))


def _check_scope(api: ApiContext, caller: Caller, approval_id: UUID) -> None:
    """A staff key limited to stores decides only requests made at its stores."""
    if not caller.key.stores:
        return
    approval = ap.load(api.runtime.store, approval_id)
    if approval is not None and not caller.may_see_store(approval.request.store_id, approval.request.channel):
        raise ApiProblem(403, "store_not_allowed", "this adjustment was requested at a store this key may not act for")


@router.get("/approvals", responses=problems(422))
def list_approvals(api: Api, caller: Corrector,
                   status: Annotated[Literal["pending", "approved", "refused"] | None, Query()] = "pending"
                   ) -> ApprovalsOut:
    """List adjustment approvals (pending by default), oldest first."""
    found = ap.list_approvals(api.runtime.store, status)
    visible = [a for a in found if caller.may_see_store(a.request.store_id, a.request.channel)]
    return ApprovalsOut(items=[ApprovalItem.of(a) for a in visible])


@router.post("/approvals/{approval_id}/approve", responses=problems(400, 404, 409, 422))
def approve_adjustment(approval_id: UUID, body: DecisionRequest, api: Api, caller: Corrector,
                       key: IdempotencyKey, response: Response) -> ApprovalOut:
    """Approve someone else's adjustment: it is applied to the member's balance at once."""
    _check_scope(api, caller, approval_id)
    return ApprovalOut.of(api.run(body.approve(approval_id, key, caller.acting()), response))


@router.post("/approvals/{approval_id}/refuse", responses=problems(400, 404, 409, 422))
def refuse_adjustment(approval_id: UUID, body: DecisionRequest, api: Api, caller: Corrector,
                      key: IdempotencyKey, response: Response) -> ApprovalOut:
    """Refuse an adjustment (or withdraw your own request): the balance is not touched."""
    _check_scope(api, caller, approval_id)
    return ApprovalOut.of(api.run(body.refuse(approval_id, key, caller.acting()), response))
