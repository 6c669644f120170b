"""Liveness, readiness and metrics: no key needed (keep these off the public internet)."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from api.deps import Api, Auditor
from api.errors import ApiProblem, problems

router = APIRouter(tags=["operations"])


class Health(BaseModel):
    status: str


@router.get("/healthz")
def healthz() -> Health:
    """Answer while the process is up."""
    return Health(status="ok")


@router.get("/readyz", responses=problems(503))
def readyz(api: Api) -> Health:
    """Answer 200 when the store (and the API's own tables) can be read."""
    try:
        api.runtime.store.max_notification_id()
        api.tables.ping()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the store means "not ready"
        raise ApiProblem(
            503, "store_unavailable", f"the store is not reachable: {type(exc).__name__}"
        ) from exc
    return Health(status="ready")


@router.get(
    "/metrics",
    response_class=Response,
    responses={
        200: {
            "description": "Prometheus text format",
            "content": {"text/plain": {"schema": {"type": "string"}}},
        },
        **problems(401, 403, 429),
    },
)
def metrics(api: Api, caller: Auditor) -> Response:
    """Expose Prometheus metrics: requests by route and status, latency, commands by type and outcome.
    An auditor or admin key is required (Prometheus: `authorization: {credentials: <key>}`); the worker and
    the dispatchers serve theirs on LOYALTY_METRICS_PORT (docs/operations.md)."""
    return Response(api.metrics.render(), media_type=api.metrics.content_type)
