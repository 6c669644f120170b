"""Purchases (pushed by tills, possibly late and twice), what one would earn, and refunds."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from api.deps import Api, ApiContext, Caller, IdempotencyKey, Writer, check_refund_scope
from api.errors import problems
from api.idempotency import REPLAYED_HEADER
from api.schemas.identity import UNCLAIMED_RESPONSE, unclaimed_response
from api.schemas.transactions import PurchaseOut, PurchaseRequest, RefundOut, RefundRequest
from loyalty_core.errors import MemberNotFound
from loyalty_core.identity.holding import UnclaimedPurchaseResult

router = APIRouter(prefix="/v1", tags=["transactions"], responses=problems(401, 403, 429))

TransactionRef = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")]


# The tills' hot path, so it is lean: async, awaiting the group committer's answer on the event loop (no
# threadpool thread parked per sale), and the answer encoded once by pydantic-core's JSON serializer straight
# from the model, instead of FastAPI validating the returned model again, walking it with jsonable_encoder
# and json.dumps. The request is validated by FastAPI as before (same errors, same OpenAPI document).
@router.post("/transactions", status_code=201, response_model=PurchaseOut,
             responses={**problems(400, 404, 409, 422), **UNCLAIMED_RESPONSE})
async def record_purchase(body: PurchaseRequest, api: Api, caller: Writer) -> Response:
    """Record a finished sale; the same transaction_ref from the same channel is recorded once."""
    return await purchase_answer(api, body, caller)


async def purchase_answer(api: ApiContext, body: PurchaseRequest, caller: Caller) -> Response:
    """The route's work once the caller and the body are known (also called by api/hot_path.py)."""
    result = await api.run.run_async(body.to_command(caller.acting(body.channel, body.store_id)))
    headers = {REPLAYED_HEADER: "true"} if result.replayed else None
    if isinstance(result, UnclaimedPurchaseResult):  # nobody has this phone or id yet: held, 202
        held = Response(headers=headers)
        # An empty Response counts its empty body (content-length: 0); copied onto the 202, it made a real
        # server send the answer without its body (in-process clients read it anyway; a live test saw it).
        del held.headers["content-length"]
        return unclaimed_response(result, held)
    return Response(PurchaseOut.of(body.transaction_ref, result).model_dump_json(), status_code=201,
                    headers=headers, media_type="application/json")


@router.post("/transactions/simulate", responses=problems(400, 404, 422))
def simulate_purchase(body: PurchaseRequest, api: Api, caller: Writer) -> PurchaseOut:
    """Answer what a sale would earn, writing nothing."""
    command = body.to_command(caller.acting(body.channel, body.store_id))
    result = api.service.simulate(command)
    if isinstance(result, UnclaimedPurchaseResult):  # no member to price it for
        raise MemberNotFound("no member to simulate this sale for; recorded, it would be held (202)")
    return PurchaseOut.of(body.transaction_ref, result)


@router.post(
    "/transactions/{transaction_ref}/refunds", status_code=201, responses=problems(400, 404, 409, 422)
)
def refund_purchase(
    transaction_ref: TransactionRef,
    body: RefundRequest,
    api: Api,
    caller: Writer,
    key: IdempotencyKey,
    response: Response,
) -> RefundOut:
    """Take back the points a refunded (part of a) purchase earned."""
    acting = caller.acting(body.channel, body.store_id)
    check_refund_scope(api, caller, transaction_ref, body.purchase_channel or acting.channel)
    return RefundOut.of(api.run(body.to_command(transaction_ref, key, acting), response))
