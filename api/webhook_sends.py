"""Sending to a webhook endpoint now, on an admin's request: a ping, and the redelivery of a past delivery.

Ping. `POST /v1/webhooks/{id}/ping` sends a `WebhookPing` message, signed exactly as every delivery is
(Standard Webhooks headers with every active secret, and `Loyalty-Signature`), and answers what the receiver
said. It writes nothing: an integrator presses it while wiring up a receiver, as often as they like; each
ping has its own `webhook-id` (`ping_…`).

Redelivery. `POST /v1/webhooks/deliveries/{delivery_id}/redeliver` sends a logged delivery again now, whatever
its status (delivered, failed after its last retry, or still pending), with the same `webhook-id` as the
original, so a receiver that already has it dedupes it. The outcome is added to the delivery's log (one more
attempt; `delivered` when the receiver took it; a delivery that was delivered or given up on keeps that status
when the redelivery fails, and a pending one keeps its schedule). It takes an Idempotency-Key: a retry with the
same key answers the first redelivery's outcome and sends nothing more (the answers are kept in
`api_webhook_redeliveries`, next to the delivery log).
"""

from __future__ import annotations

import json
import secrets
import time
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

from api.errors import ApiProblem
from api.eventdata import opened_text
from api.schemas.audit import DeliveryOut
from api.settings import ApiSettings
from api.tables import ApiTables, Row
from api.webhooks import Dispatcher, Outcome
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

PING_TYPE = "WebhookPing"

_DDL = """CREATE TABLE IF NOT EXISTS api_webhook_redeliveries (
    delivery_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    answer TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (delivery_id, idempotency_key))"""
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("api_webhook_redeliveries", TABLES, baseline(_DDL))

_DELIVERY_COLUMNS = ("delivery_id, webhook_id, notification_id, event_type, payload, status, attempts, "
                     "next_attempt_at, last_status, last_error, created_at, delivered_at")


class SendOutcome(BaseModel):
    """What the receiver answered to one send made now."""

    webhook_id: str = Field(examples=["wh_3f9a1c2b4d5e6f70"])
    message_id: str = Field(description="The `webhook-id` header sent (a redelivery reuses the delivery's)",
                            examples=["ping_9c1e7a2b3d4f5a6b"])
    url: str = Field(examples=["https://pos.caphesaigon.vn/hooks/loyalty"])
    delivered: bool = Field(description="True when the receiver answered 2xx")
    status_code: int | None = Field(description="The receiver's HTTP status; null when there was no answer")
    error: str | None = Field(description="Why it was not delivered (`HTTP 500`, a connection error, a refused "
                                          "address); null when delivered")
    duration_ms: int
    sent_at: str


class RedeliveryOut(BaseModel):
    outcome: SendOutcome
    delivery: DeliveryOut = Field(description="The delivery's log entry after this attempt")


def _now_iso() -> str:
    return datetime.now(timezone.utc).isoformat()


def _outcome(endpoint: Row, message_id: str, result: Outcome, sent_at: str) -> SendOutcome:
    return SendOutcome(webhook_id=endpoint["webhook_id"], message_id=message_id, url=endpoint["url"],
                       delivered=result.delivered, status_code=result.status_code, error=result.error,
                       duration_ms=result.duration_ms, sent_at=sent_at)


def active_endpoint(tables: ApiTables, webhook_id: str) -> Row:
    endpoint = tables.get_webhook(webhook_id)
    if endpoint is None:
        raise ApiProblem(404, "webhook_not_found", f"no webhook {webhook_id}")
    if endpoint["disabled_at"] is not None:
        raise ApiProblem(409, "webhook_disabled", f"webhook {webhook_id} was disabled on {endpoint['disabled_at']}: "
                                                  "nothing is sent to it any more")
    return endpoint


def _dispatcher(tables: ApiTables, settings: ApiSettings) -> Dispatcher:
    # A send made now reads no events, so the dispatcher gets no ledger store (the CLI opens none).
    return Dispatcher(None, tables,  # type: ignore[arg-type]
                       timeout_seconds=settings.webhook_timeout_seconds, allow_private=settings.webhook_allow_private)


def ping(tables: ApiTables, settings: ApiSettings, webhook_id: str) -> SendOutcome:
    """Send a signed `WebhookPing` to the endpoint now; writes nothing."""
    endpoint = active_endpoint(tables, webhook_id)
    message_id, sent_at = "ping_" + secrets.token_hex(8), _now_iso()
    body = json.dumps({"id": message_id, "type": PING_TYPE, "webhook_id": webhook_id, "recorded_at": sent_at,
                       "data": {"message": "Xin chào từ Loyalty: webhook đã kết nối / hello from Loyalty"}},
                      ensure_ascii=False, separators=(",", ":")).encode()
    dispatcher = _dispatcher(tables, settings)
    try:
        return _outcome(endpoint, message_id, dispatcher.attempt(endpoint, message_id, body), sent_at)
    finally:
        dispatcher.close()


class Redeliveries:
    """The redelivery answers table, through the API's table connections (SQLite or PostgreSQL)."""

    def __init__(self, tables: ApiTables):
        self.tables = tables
        ensure(tables_target(tables), SCHEMA)

    @classmethod
    def of(cls, tables: ApiTables) -> Redeliveries:
        found = getattr(tables, "_redeliveries", None)
        if found is None:
            found = cls(tables)
            tables._redeliveries = found  # type: ignore[attr-defined]  # created once per table set
        return found

    def answered(self, delivery_id: str, key: str) -> RedeliveryOut | None:
        rows = self.tables._run("SELECT answer FROM api_webhook_redeliveries WHERE delivery_id = ? AND "
                                "idempotency_key = ?", [delivery_id, key])
        return RedeliveryOut.model_validate_json(rows[0]["answer"]) if rows else None

    def delivery(self, delivery_id: str) -> Row:
        rows = self.tables._run(f"SELECT {_DELIVERY_COLUMNS} FROM api_webhook_deliveries WHERE delivery_id = ?",
                                [delivery_id])
        if not rows:
            raise ApiProblem(404, "webhook_delivery_not_found", f"no webhook delivery {delivery_id}")
        return rows[0]

    def redeliver(self, settings: ApiSettings, delivery_id: str, key: str) -> tuple[RedeliveryOut, bool]:
        """Send the delivery again now (or answer the first redelivery made with `key`); (answer, replayed)."""
        done = self.answered(delivery_id, key)
        if done is not None:
            return done, True
        delivery = self.delivery(delivery_id)
        endpoint = active_endpoint(self.tables, delivery["webhook_id"])
        dispatcher = _dispatcher(self.tables, settings)
        sent_at = _now_iso()
        try:
            result = dispatcher.attempt(endpoint, delivery_id, opened_text(delivery["payload"]).encode())
        finally:
            dispatcher.close()
        row = {**delivery, "attempts": delivery["attempts"] + 1, "last_status": result.status_code,
               "last_error": result.error}
        if result.delivered:
            row.update(status="delivered", delivered_at=_now_iso(), next_attempt_at=time.time())
        answer = RedeliveryOut(outcome=_outcome(endpoint, delivery_id, result, sent_at), delivery=DeliveryOut.of(row))
        with self.tables._transaction() as cursor:  # the log and the kept answer together
            cursor.execute(self.tables._sql(
                "UPDATE api_webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, last_status = ?, "
                "last_error = ?, delivered_at = ? WHERE delivery_id = ?"),
                [row["status"], row["attempts"], row["next_attempt_at"], row["last_status"], row["last_error"],
                 row["delivered_at"], delivery_id])
            cursor.execute(self.tables._sql(
                "INSERT INTO api_webhook_redeliveries (delivery_id, idempotency_key, answer, created_at) "
                "VALUES (?, ?, ?, ?)"), [delivery_id, key, answer.model_dump_json(), sent_at])
        return answer, False
