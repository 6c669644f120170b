"""Spending and correcting points: redemptions, reservations (reserve, capture, release), adjustments and
non-purchase activities."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Path, Response

from api.deps import Api, Corrector, IdempotencyKey, Writer, check_reservation_scope
from api.errors import problems
from api.schemas.approvals import ApprovalOut
from api.presence import with_presence
from api.schemas.points import (
    ActivityRequest,
    AdjustRequest,
    CaptureOut,
    CaptureRequest,
    ChangeOut,
    EarnOut,
    RedeemRequest,
    RedemptionOut,
    ReleaseRequest,
    ReservationOut,
    ReserveRequest,
)
from loyalty_core.approvals import ApprovalResult

router = APIRouter(prefix="/v1", tags=["points"], responses=problems(401, 403, 429))

ReservationId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_\-]+$")]
WRITE_PROBLEMS = problems(400, 404, 409, 422)


@router.post("/members/{member_id}/redemptions", status_code=201, responses=WRITE_PROBLEMS)
def redeem_points(
    member_id: UUID, body: RedeemRequest, api: Api, caller: Writer, key: IdempotencyKey, response: Response
) -> RedemptionOut:
    """Redeem points (or a reward from the catalogue) from a member's balance."""
    command = with_presence(body.to_command(member_id, key, caller.acting(body.channel, body.store_id)),
                            api, caller, body.card_code, body.otp)
    return RedemptionOut.of(api.run(command, response))


@router.post("/members/{member_id}/reservations", status_code=201, responses=WRITE_PROBLEMS)
def reserve_points(
    member_id: UUID, body: ReserveRequest, api: Api, caller: Writer, key: IdempotencyKey, response: Response
) -> ReservationOut:
    """Hold points while the till takes payment; capture or release them afterwards."""
    command = with_presence(body.to_command(member_id, key, caller.acting(body.channel, body.store_id)),
                            api, caller, body.card_code, body.otp)
    return ReservationOut.of(api.run(command, response))


@router.post("/reservations/{reservation_id}/capture", responses=WRITE_PROBLEMS)
def capture_reservation(
    reservation_id: ReservationId,
    api: Api,
    caller: Writer,
    key: IdempotencyKey,
    response: Response,
    body: Annotated[CaptureRequest | None, Body()] = None,
) -> CaptureOut:
    """Spend a reservation: all of it, or `points` of it and release the rest."""
    body = body or CaptureRequest()
    check_reservation_scope(api, caller, reservation_id)
    command = body.to_command(reservation_id, key, caller.acting(body.channel, body.store_id))
    return CaptureOut.of(api.run(command, response))


@router.post("/reservations/{reservation_id}/release", responses=WRITE_PROBLEMS)
def release_reservation(
    reservation_id: ReservationId,
    api: Api,
    caller: Writer,
    key: IdempotencyKey,
    response: Response,
    body: Annotated[ReleaseRequest | None, Body()] = None,
) -> CaptureOut:
    """Give a reservation's points back to the member."""
    body = body or ReleaseRequest()
    check_reservation_scope(api, caller, reservation_id)
    command = body.to_command(reservation_id, key, caller.acting(body.channel, body.store_id))
    return CaptureOut.of(api.run(command, response))


@router.post("/members/{member_id}/adjustments", status_code=201, responses={
    **WRITE_PROBLEMS, 202: {"model": ApprovalOut, "description": "Above the program's threshold: awaits approval"}})
def adjust_points(
    member_id: UUID, body: AdjustRequest, api: Api, caller: Corrector, key: IdempotencyKey, response: Response
) -> ChangeOut | ApprovalOut:
    """Correct a member's balance by a signed number of points, with a reason; above the program's
    threshold, the correction waits for someone else's approval (202, `/v1/approvals`)."""
    command = body.to_request(member_id, key, caller.acting(body.channel, body.store_id))
    result = api.run(command, response)
    if isinstance(result, ApprovalResult):
        response.status_code = 202
        return ApprovalOut.of(result)
    return ChangeOut.of(result)


@router.post("/members/{member_id}/activities", status_code=201, responses=WRITE_PROBLEMS)
def record_activity(
    member_id: UUID, body: ActivityRequest, api: Api, caller: Writer, key: IdempotencyKey, response: Response
) -> EarnOut:
    """Record a non-purchase action (check-in, survey, review, share, referral) and its points."""
    command = body.to_command(member_id, key, caller.acting(body.channel, body.store_id))
    return EarnOut.of(api.run(command, response))
