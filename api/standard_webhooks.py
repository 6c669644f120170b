"""Standard Webhooks signatures on our outgoing webhooks, and rotating an endpoint's secret.

Each delivery carries, besides `Loyalty-Signature`, the three headers of the Standard Webhooks specification
(standardwebhooks.com), signed with the `standardwebhooks` library: `webhook-id` (the delivery's id, the
same on every retry, so receivers dedupe by it), `webhook-timestamp` (unix seconds) and `webhook-signature`
(`v1,<base64 HMAC-SHA256 of "id.timestamp.body">`). Any Standard Webhooks library verifies them with the
endpoint's `whsec_…` secret.

Rotation: `POST /v1/webhooks/{id}/secret-rotations` gives the endpoint a new secret and keeps the previous
one valid for a grace period (a day by default). Meanwhile every delivery is signed with both
(`webhook-signature: v1,<new> v1,<old>`, as the specification allows), so a receiver can switch its secret
at any moment in that window without rejecting a delivery. The previous secrets live in
`api_webhook_secret_rotations`, next to the API's other tables; the retry of a rotation (same
Idempotency-Key) answers the same new secret instead of rotating again.
"""

from __future__ import annotations

import base64
import secrets as random_secrets
from datetime import datetime, timezone
from typing import Any

from standardwebhooks import Webhook

from api.errors import ApiProblem
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

ROTATION_GRACE_SECONDS = 24 * 3600

_DDL = """CREATE TABLE IF NOT EXISTS api_webhook_secret_rotations (
    webhook_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    previous_secret TEXT NOT NULL,
    new_secret TEXT NOT NULL,
    valid_until DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (webhook_id, idempotency_key))"""
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("api_webhook_secret_rotations", TABLES, baseline(_DDL))


def new_secret() -> str:
    """`whsec_` and 32 random bytes in standard base64, as Standard Webhooks libraries expect."""
    return "whsec_" + base64.b64encode(random_secrets.token_bytes(32)).decode("ascii")


def standard_headers(secrets: list[str], message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    at = datetime.fromtimestamp(timestamp, timezone.utc)
    signatures = [Webhook(secret).sign(message_id, at, body.decode("utf-8")) for secret in secrets]
    return {"webhook-id": message_id, "webhook-timestamp": str(timestamp), "webhook-signature": " ".join(signatures)}


class SecretRotations:
    """SQL for the rotations table, through the API's table connections (SQLite or PostgreSQL)."""

    def __init__(self, tables: Any):
        self.tables = tables
        ensure(tables_target(tables), SCHEMA)

    @classmethod
    def of(cls, tables: Any) -> SecretRotations:
        found = getattr(tables, "_secret_rotations", None)
        if found is None:
            found = cls(tables)
            tables._secret_rotations = found  # created once per table set
        return found

    def _rows(self, cursor: Any, statement: str, params: list[Any]) -> list[tuple[Any, ...]]:
        cursor.execute(self.tables._sql(statement), params)
        return list(cursor.fetchall())

    def active_secrets(self, endpoint: dict[str, Any], now: float) -> list[str]:
        """The endpoint's secret, then any previous one still inside its grace period."""
        with self.tables._transaction() as cursor:
            previous = self._rows(cursor, "SELECT previous_secret FROM api_webhook_secret_rotations "
                                  "WHERE webhook_id = ? AND valid_until > ? ORDER BY valid_until DESC",
                                  [endpoint["webhook_id"], now])
        return [endpoint["secret"], *(row[0] for row in previous if row[0] != endpoint["secret"])]

    def rotate(self, webhook_id: str, idempotency_key: str, now: float,
               grace_seconds: float = ROTATION_GRACE_SECONDS) -> dict[str, Any]:
        with self.tables._transaction() as cursor:
            done = self._rows(cursor, "SELECT new_secret, valid_until FROM api_webhook_secret_rotations "
                              "WHERE webhook_id = ? AND idempotency_key = ?", [webhook_id, idempotency_key])
            if done:
                return _answer(webhook_id, done[0][0], done[0][1])
            current = self._rows(cursor, "SELECT secret FROM api_webhooks WHERE webhook_id = ? AND disabled_at IS NULL",
                                 [webhook_id])
            if not current:
                raise ApiProblem(404, "webhook_not_found", f"no active webhook {webhook_id}")
            secret, until = new_secret(), now + grace_seconds
            cursor.execute(self.tables._sql("UPDATE api_webhooks SET secret = ? WHERE webhook_id = ?"),
                           [secret, webhook_id])
            cursor.execute(self.tables._sql(
                "INSERT INTO api_webhook_secret_rotations (webhook_id, idempotency_key, previous_secret, new_secret, "
                "valid_until) VALUES (?, ?, ?, ?, ?)"), [webhook_id, idempotency_key, current[0][0], secret, until])
        return _answer(webhook_id, secret, until)


def _answer(webhook_id: str, secret: str, until: float) -> dict[str, Any]:
    return {"webhook_id": webhook_id, "secret": secret,
            "previous_secret_valid_until": datetime.fromtimestamp(until, timezone.utc).isoformat()}
