"""Rotating a webhook endpoint's secret (Standard Webhooks: both secrets sign during the grace period)."""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Path
from starlette.concurrency import run_in_threadpool

from api.deps import Admin, Api, IdempotencyKey
from api.errors import problems
from api.standard_webhooks import SecretRotations

router = APIRouter(prefix="/v1", tags=["webhooks"], responses=problems(401, 403, 429))

WebhookId = Annotated[str, Path(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]


@router.post("/webhooks/{webhook_id}/secret-rotations", status_code=201, responses=problems(400, 404, 422))
async def rotate_webhook_secret(webhook_id: WebhookId, api: Api, caller: Admin, key: IdempotencyKey) -> dict[str, Any]:
    """Give a webhook a new secret; the previous one keeps signing deliveries for a day."""
    rotations = SecretRotations.of(api.tables)
    return await run_in_threadpool(rotations.rotate, webhook_id, key, time.time())
