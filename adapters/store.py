"""What the adapters remember: each connected shop's secret, and each webhook's outcome.

A *connection* is one shop on one platform (`shopify` + `my-shop.myshopify.com`) with the secret it signs
with (a second secret is kept while the shop rotates), and the channel and store its sales are recorded
under. Secrets live here, set through the admin route, never in code or in the event log.

An *outcome* is what one fact of one webhook came to (`order:1234`, `refund:55`, `cancel:1234`): a replayed
webhook is answered from it, so it is applied once. A refund whose order we have not seen (or whose sale is
still held for a phone nobody owns) is kept as a `held` outcome with its amount, and retried when the order
arrives or when an admin asks (`POST /v1/integrations/held/retry`): held, never lost, applied once.

An outcome's body is the answer as returned, except that its personal values (a phone, a name, a Zalo id:
`PERSONAL_FIELDS`, at any depth) are kept sealed (docs/privacy.md): under the key of the member the answer
names (`member_id`), so they read "đã xoá" once that member is erased; else under the day's transient key
(api/transient_keys.py), so they read "đã xoá" a day or two later. A replay is answered with them opened;
its status, figures and references never change. Bodies written by an earlier release are read as they are.

The tables sit beside the API's own (`api/tables.py`), in the same database and through the same
connections.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from api.transient_keys import TransientKeys, is_transient, transient_keys
from loyalty_core.privacy import lookup
from loyalty_core.privacy.fields import PERSONAL_KEYS
from loyalty_core.privacy.tokens import ERASED, is_sealed
from loyalty_core.privacy.vault import current as current_vault
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

_DDL = (
    """CREATE TABLE IF NOT EXISTS integration_connections (
        platform TEXT NOT NULL,
        shop TEXT NOT NULL,
        secrets TEXT NOT NULL,
        channel TEXT NOT NULL,
        store_id TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (platform, shop))""",
    """CREATE TABLE IF NOT EXISTS integration_outcomes (
        platform TEXT NOT NULL,
        shop TEXT NOT NULL,
        fact_key TEXT NOT NULL,
        order_ref TEXT NOT NULL,
        status TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        body TEXT NOT NULL,
        amount TEXT,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (platform, shop, fact_key))""",
    "CREATE INDEX IF NOT EXISTS integration_outcomes_held ON integration_outcomes (status, platform, shop, order_ref)",
)
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("integrations", TABLES, baseline(*_DDL))


PERSONAL_FIELDS = PERSONAL_KEYS | {"zalo_id"}
"""Keys of an answer (at any depth) whose string values are personal: the receipts' list and a Zalo id."""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _member_of(body: dict[str, Any]) -> UUID | None:
    try:
        return UUID(str(body["member_id"])) if body.get("member_id") else None
    except ValueError:
        return None


def _walk(value: Any, change: Any, key: str = "") -> Any:
    """`value` with `change(key, text)` applied to the string value of every personal key, at any depth."""
    if isinstance(value, dict):
        return {k: change(k, v) if k in PERSONAL_FIELDS and isinstance(v, str) else _walk(v, change, k)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, change, key) for v in value]
    return value


def sealed_body(body: dict[str, Any], transient: TransientKeys) -> dict[str, Any]:
    """The body as stored: its personal values sealed (as they are without an open store: pure unit tests)."""
    vault, member = current_vault(), _member_of(body)
    if vault is None or not lookup.installed():
        return body

    def seal(key: str, text: str) -> str:
        if is_sealed(text) or is_transient(text):
            return text
        field = f"integration.{key}"
        return vault.seal(member, field, text) if member is not None else transient.seal(field, text)

    return _walk(body, seal)  # type: ignore[no-any-return]


def opened_body(body: dict[str, Any], transient: TransientKeys) -> dict[str, Any]:
    vault, member = current_vault(), _member_of(body)

    def unseal(key: str, text: str) -> str:
        field = f"integration.{key}"
        if is_transient(text):
            return str(transient.unseal(field, text))
        if not is_sealed(text):
            return text
        return str(vault.unseal(member, field, text)) if vault is not None and member is not None else str(ERASED)

    return _walk(body, unseal)  # type: ignore[no-any-return]


class IntegrationStore:
    """SQL for the two tables, run through the API's table connections (SQLite or PostgreSQL)."""

    def __init__(self, tables: Any):
        self._tables = tables
        ensure(tables_target(tables), SCHEMA)
        self.transient = transient_keys(tables)

    def _run(self, statement: str, params: list[Any]) -> list[dict[str, Any]]:
        with self._tables._transaction() as cursor:
            cursor.execute(self._tables._sql(statement), params)
            if cursor.description is None:
                return []
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row)) for row in cursor.fetchall()]

    # --- connections ---

    def save_connection(self, platform: str, shop: str, secrets: list[str], channel: str, store_id: str | None) -> None:
        self._run("DELETE FROM integration_connections WHERE platform = ? AND shop = ?", [platform, shop])
        self._run("INSERT INTO integration_connections (platform, shop, secrets, channel, store_id, updated_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)", [platform, shop, json.dumps(secrets), channel, store_id, _now()])

    def connection(self, platform: str, shop: str) -> dict[str, Any] | None:
        rows = self._run("SELECT platform, shop, secrets, channel, store_id, updated_at FROM integration_connections "
                         "WHERE platform = ? AND shop = ?", [platform, shop])
        if not rows:
            return None
        return {**rows[0], "secrets": json.loads(rows[0]["secrets"])}

    def connections(self) -> list[dict[str, Any]]:
        return self._run("SELECT platform, shop, channel, store_id, updated_at FROM integration_connections "
                         "ORDER BY platform, shop", [])

    # --- outcomes ---

    def outcome(self, platform: str, shop: str, fact_key: str) -> dict[str, Any] | None:
        rows = self._run("SELECT fact_key, order_ref, status, http_status, body, amount FROM integration_outcomes "
                         "WHERE platform = ? AND shop = ? AND fact_key = ?", [platform, shop, fact_key])
        return {**rows[0], "body": opened_body(json.loads(rows[0]["body"]), self.transient)} if rows else None

    def record(self, platform: str, shop: str, fact_key: str, order_ref: str, status: str, http_status: int,
               body: dict[str, Any], amount: str | None = None) -> None:
        """Write the outcome of one fact; a held refund may later become done, never the other way round."""
        self._run(
            "INSERT INTO integration_outcomes (platform, shop, fact_key, order_ref, status, http_status, body, amount, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (platform, shop, fact_key) DO UPDATE SET "
            "status = excluded.status, http_status = excluded.http_status, body = excluded.body, "
            "amount = excluded.amount, updated_at = excluded.updated_at WHERE integration_outcomes.status = 'held'",
            [platform, shop, fact_key, order_ref, status, http_status,
             json.dumps(sealed_body(body, self.transient)), amount, _now()])

    def held(self, platform: str | None = None, shop: str | None = None,
             order_ref: str | None = None) -> list[dict[str, Any]]:
        where, params = ["status = 'held'"], []
        for column, value in (("platform", platform), ("shop", shop), ("order_ref", order_ref)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        return self._run("SELECT platform, shop, fact_key, order_ref, amount FROM integration_outcomes WHERE "
                         + " AND ".join(where) + " ORDER BY updated_at", params)
