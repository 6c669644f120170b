"""Our outgoing webhooks described in the OpenAPI document (OpenAPI 3.1 `webhooks`), so an integrator's tools
show what a delivery looks like: the event JSON and the signature headers (see api/webhooks.py and
api/standard_webhooks.py). Documentation only: nothing here is served."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import FastAPI, Header
from pydantic import BaseModel, Field


class LedgerEvent(BaseModel):
    """One event of a member's ledger, as the event stream and webhooks deliver it."""

    id: str = Field(description="`<member id>:<version>`: unique and stable; dedupe on it", examples=[
        "5f0c2a8e-3b1d-4c47-9a61-0d7a1e2f3c4b:7"])
    type: str = Field(description="The event's name: PointsEarned, PointsRedeemed, EarnReversed, TierChanged, "
                                  "PointsExpired, ReservationCaptured, …", examples=["PointsEarned"])
    member_id: UUID
    version: int = Field(description="The member's version after this event (1, 2, 3, … per member)")
    recorded_at: datetime
    channel: str | None = None
    store_id: str | None = None
    actor: str | None = None
    data: dict[str, Any] = Field(description="The event's own fields (points as integers, money as decimal strings)")
    position: int = Field(description="The event's position in the whole log (what `start_after` counts)")


def describe_webhooks(app: FastAPI) -> None:
    # Not retried on: any 2xx. Everything else (and no answer) is retried with backoff, then given up on.
    @app.webhooks.post("ledger-event", operation_id="ledgerEvent", status_code=204,
                       responses={"4XX": {"description": "Not accepted: retried with backoff (also 5XX, no answer)"}})
    def ledger_event(
        body: LedgerEvent,
        webhook_id: Annotated[str, Header(description="Standard Webhooks: the delivery's id, the same on every "
                                                      "retry")],
        webhook_timestamp: Annotated[int, Header(description="Standard Webhooks: unix seconds")],
        webhook_signature: Annotated[str, Header(description="Standard Webhooks: `v1,<base64 HMAC-SHA256 of "
                                                             "id.timestamp.body>`, two during a secret rotation")],
        loyalty_signature: Annotated[str, Header(description="`t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>`")],
        loyalty_event_id: Annotated[str, Header(description="`<webhook id>:<position>` (same as webhook-id)")],
    ) -> None:
        """Sent to each registered endpoint for every member event it asked for; answer any 2xx."""
