"""Webhook endpoints (admin): register, list, disable, read an endpoint's delivery log, ping an endpoint and
redeliver a past delivery (api/webhook_sends.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from api.deps import Admin, Api, IdempotencyKey
from api.errors import ApiProblem, problems
from api.idempotency import REPLAYED_HEADER
from api.schemas.audit import DeliveryOut, WebhookOut, WebhookRequest
from api.webhook_sends import Redeliveries, RedeliveryOut, SendOutcome, ping
from api.webhooks import register_endpoint

router = APIRouter(prefix="/v1", tags=["webhooks"], responses=problems(401, 403, 429))

WebhookId = Annotated[str, Path(pattern=r"^wh_[0-9a-f]{16}$")]
#: `<webhook id>:<event position>`, as the delivery log and the `webhook-id` header name it.
DeliveryId = Annotated[str, Path(pattern=r"^wh_[0-9a-f]{16}:[0-9]{1,19}$")]


@router.post("/webhooks", status_code=201, responses=problems(400, 409, 422))
def register_webhook(body: WebhookRequest, api: Api, caller: Admin, key: IdempotencyKey,
                     response: Response) -> WebhookOut:
    """Register an endpoint for signed event deliveries; the answer holds its signing secret."""
    with api.inflight.hold(f"webhooks/{caller.key.key_id}", key):
        row, replayed = register_endpoint(api.tables, api.runtime.store, request=body.as_request(),
                                          created_by=caller.key.key_id, idempotency_key=key,
                                          allow_private=api.settings.webhook_allow_private)
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return WebhookOut.of(row, with_secret=True)


@router.get("/webhooks")
def list_webhooks(api: Api, caller: Admin) -> list[WebhookOut]:
    """List registered webhook endpoints (without their secrets)."""
    return [WebhookOut.of(row) for row in api.tables.list_webhooks()]


@router.delete("/webhooks/{webhook_id}", status_code=204, responses=problems(404, 422))
def disable_webhook(webhook_id: WebhookId, api: Api, caller: Admin) -> Response:
    """Stop delivering to an endpoint (its delivery log is kept)."""
    if api.tables.get_webhook(webhook_id) is None:
        raise ApiProblem(404, "webhook_not_found", f"no webhook {webhook_id}")
    api.tables.disable_webhook(webhook_id, datetime.now(timezone.utc).isoformat())
    return Response(status_code=204)


@router.get("/webhooks/{webhook_id}/deliveries", responses=problems(404, 422))
def list_deliveries(webhook_id: WebhookId, api: Api, caller: Admin,
                    limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[DeliveryOut]:
    """Read an endpoint's delivery log, newest first: status, attempts, last answer."""
    if api.tables.get_webhook(webhook_id) is None:
        raise ApiProblem(404, "webhook_not_found", f"no webhook {webhook_id}")
    return [DeliveryOut.of(row) for row in api.tables.list_deliveries(webhook_id, limit)]


@router.post("/webhooks/{webhook_id}/ping", responses=problems(404, 409, 422))
def ping_webhook(webhook_id: WebhookId, api: Api, caller: Admin) -> SendOutcome:
    """Send a signed `WebhookPing` to the endpoint now and answer what it said (writes nothing)."""
    return ping(api.tables, api.settings, webhook_id)


@router.post("/webhooks/deliveries/{delivery_id}/redeliver", responses=problems(400, 404, 409, 422))
def redeliver_webhook_delivery(delivery_id: DeliveryId, api: Api, caller: Admin, key: IdempotencyKey,
                               response: Response) -> RedeliveryOut:
    """Send a past delivery again now, with its original `webhook-id`; the attempt joins its log."""
    with api.inflight.hold(f"webhook-redelivery/{delivery_id}", key):
        answer, replayed = Redeliveries.of(api.tables).redeliver(api.settings, delivery_id, key)
    if replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return answer
