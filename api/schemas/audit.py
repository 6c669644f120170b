"""Reading history: the timeline, the raw events, webhook endpoints and their deliveries."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AnyHttpUrl, BaseModel, Field, StringConstraints

from api.schemas.common import StoreId, Strict


class EventOut(BaseModel):
    id: str
    type: str
    member_id: str
    version: int
    recorded_at: str
    channel: str | None
    store_id: str | None
    actor: str | None
    data: dict[str, Any]


class HistoryItem(EventOut):
    points: int
    """How this event moved the spendable balance."""


class HistoryOut(BaseModel):
    items: list[HistoryItem]
    next_cursor: str | None


class EventsOut(BaseModel):
    member_id: str
    items: list[EventOut]


EventType = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z]{2,40}$")]


class WebhookRequest(Strict):
    url: Annotated[AnyHttpUrl, Field(strict=False)]
    event_types: list[EventType] = Field(default_factory=list, max_length=50)
    """Only these event types (PointsEarned, TierChanged, ...); all member events when empty."""
    store_ids: list[StoreId] = Field(default_factory=list, max_length=200)
    """Only events at these stores; all stores when empty."""

    def as_request(self) -> dict[str, Any]:
        return {
            "url": str(self.url),
            "event_types": list(self.event_types),
            "store_ids": list(self.store_ids),
        }


class WebhookOut(BaseModel):
    webhook_id: str
    url: str
    event_types: list[str]
    store_ids: list[str]
    created_at: str
    disabled_at: str | None
    secret: str | None = None
    """Shown when the endpoint is registered (and on a replay of that request); sign-checking needs it."""

    @classmethod
    def of(cls, row: dict[str, Any], with_secret: bool = False) -> WebhookOut:
        return cls(
            webhook_id=row["webhook_id"],
            url=row["url"],
            event_types=list(row["event_types"]),
            store_ids=list(row["store_ids"]),
            created_at=row["created_at"],
            disabled_at=row["disabled_at"],
            secret=row["secret"] if with_secret else None,
        )


class DeliveryOut(BaseModel):
    delivery_id: str
    event_type: str
    position: int
    status: Literal["pending", "delivered", "failed", "cancelled"]
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: str
    delivered_at: str | None

    @classmethod
    def of(cls, row: dict[str, Any]) -> DeliveryOut:
        return cls(
            delivery_id=row["delivery_id"],
            event_type=row["event_type"],
            position=row["notification_id"],
            status=row["status"],
            attempts=row["attempts"],
            last_status=row["last_status"],
            last_error=row["last_error"],
            created_at=row["created_at"],
            delivered_at=row["delivered_at"],
        )
