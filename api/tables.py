"""The API's own small tables, in the ledger's database: API keys, webhook endpoints and their delivery log.

These are operational records, not ledger facts: a key is revoked in place, a delivery's attempt count
moves on every retry. Keeping them out of the event log means projections, the audit replay and the
event stream never see them, and a key's hash never sits in an append-only log that analysts copy (see
docs/api.md). The tables are created on first use, next to the ledger's own (in the same PostgreSQL
schema, or the same SQLite file). SQL lives only in this module; `SQLiteTables` and `PostgresTables`
differ only in how they connect, their placeholders, and how a dispatcher claims due deliveries.
"""

from __future__ import annotations

import json
import sqlite3
from abc import ABC, abstractmethod
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, Sequence
from urllib.parse import unquote, urlparse

from loyalty_core.settings import Settings, store_env
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

_DDL = (
    """CREATE TABLE IF NOT EXISTS api_keys (
        key_id TEXT PRIMARY KEY,
        secret_hash TEXT NOT NULL,
        role TEXT NOT NULL,
        channel TEXT NOT NULL,
        stores TEXT NOT NULL,
        label TEXT,
        created_at TEXT NOT NULL,
        revoked_at TEXT)""",
    """CREATE TABLE IF NOT EXISTS api_webhooks (
        webhook_id TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        secret TEXT NOT NULL,
        event_types TEXT NOT NULL,
        store_ids TEXT NOT NULL,
        start_after BIGINT NOT NULL,
        created_by TEXT NOT NULL,
        created_at TEXT NOT NULL,
        disabled_at TEXT,
        idempotency_scope TEXT NOT NULL,
        idempotency_key TEXT NOT NULL,
        request TEXT NOT NULL,
        UNIQUE (idempotency_scope, idempotency_key))""",
    """CREATE TABLE IF NOT EXISTS api_webhook_deliveries (
        delivery_id TEXT PRIMARY KEY,
        webhook_id TEXT NOT NULL,
        notification_id BIGINT NOT NULL,
        event_type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        next_attempt_at DOUBLE PRECISION NOT NULL,
        last_status INTEGER,
        last_error TEXT,
        created_at TEXT NOT NULL,
        delivered_at TEXT)""",
    "CREATE INDEX IF NOT EXISTS api_webhook_deliveries_due ON api_webhook_deliveries "
    "(status, next_attempt_at)",
    "CREATE INDEX IF NOT EXISTS api_webhook_deliveries_hook ON api_webhook_deliveries "
    "(webhook_id, notification_id)",
    "CREATE TABLE IF NOT EXISTS api_webhook_cursor (name TEXT PRIMARY KEY, position BIGINT NOT NULL)",
)
#: Migrated by projections/schema_runner.py when the tables are opened (docs/operations.md, "Migrations").
SCHEMA = component("api_tables", TABLES, baseline(*_DDL))

_KEY_COLUMNS = "key_id, secret_hash, role, channel, stores, label, created_at, revoked_at"
_HOOK_COLUMNS = (
    "webhook_id, url, secret, event_types, store_ids, start_after, created_by, created_at, "
    "disabled_at, idempotency_scope, idempotency_key, request"
)
_DELIVERY_COLUMNS = (
    "delivery_id, webhook_id, notification_id, event_type, payload, status, attempts, "
    "next_attempt_at, last_status, last_error, created_at, delivered_at"
)

Row = dict[str, Any]


class ApiTables(ABC):
    """Keys, webhooks and deliveries. Every method is one short transaction."""

    @abstractmethod
    def _transaction(self) -> Any: ...

    @abstractmethod
    def _sql(self, statement: str) -> str: ...

    @abstractmethod
    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[Row]:
        """Due pending deliveries, each pushed `lease_seconds` into the future so no other dispatcher takes
        it while this one sends it (a dispatcher that dies lets the lease run out and the row is retried)."""

    def close(self) -> None:  # noqa: B027 - a no-op by default: SQLite holds no connection between calls
        """Release connections."""

    # --- helpers -----------------------------------------------------------------------------------
    def _run(self, statement: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._transaction() as cursor:
            return _rows(cursor, self._sql(statement), params)

    def ping(self) -> None:
        self._run("SELECT 1 AS ok")

    # --- API keys ----------------------------------------------------------------------------------
    def insert_key(self, row: Row) -> None:
        self._run(
            f"INSERT INTO api_keys ({_KEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row["key_id"],
                row["secret_hash"],
                row["role"],
                row["channel"],
                json.dumps(row["stores"]),
                row["label"],
                row["created_at"],
                None,
            ],
        )

    def get_key(self, key_id: str) -> Row | None:
        found = self._run(f"SELECT {_KEY_COLUMNS} FROM api_keys WHERE key_id = ?", [key_id])
        return _decode_key(found[0]) if found else None

    def list_keys(self) -> list[Row]:
        return [_decode_key(r) for r in self._run(f"SELECT {_KEY_COLUMNS} FROM api_keys ORDER BY created_at")]

    def revoke_key(self, key_id: str, at: str) -> bool:
        with self._transaction() as cursor:
            cursor.execute(
                self._sql("UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL"),
                [at, key_id],
            )
            changed = cursor.rowcount
            exists = _rows(cursor, self._sql("SELECT key_id FROM api_keys WHERE key_id = ?"), [key_id])
        return bool(changed) or bool(exists)

    # --- webhook endpoints -------------------------------------------------------------------------
    def insert_webhook(self, row: Row) -> Row:
        """Register an endpoint once per idempotency key: a retry gets the row the first call wrote."""
        values = [
            row["webhook_id"],
            row["url"],
            row["secret"],
            json.dumps(row["event_types"]),
            json.dumps(row["store_ids"]),
            row["start_after"],
            row["created_by"],
            row["created_at"],
            None,
            row["idempotency_scope"],
            row["idempotency_key"],
            row["request"],
        ]
        with self._transaction() as cursor:
            cursor.execute(
                self._sql(
                    f"INSERT INTO api_webhooks ({_HOOK_COLUMNS}) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING"
                ),
                values,
            )
            found = _rows(
                cursor,
                self._sql(
                    f"SELECT {_HOOK_COLUMNS} FROM api_webhooks WHERE idempotency_scope = ? "
                    "AND idempotency_key = ?"
                ),
                [row["idempotency_scope"], row["idempotency_key"]],
            )
        return _decode_hook(found[0])

    def get_webhook(self, webhook_id: str) -> Row | None:
        found = self._run(f"SELECT {_HOOK_COLUMNS} FROM api_webhooks WHERE webhook_id = ?", [webhook_id])
        return _decode_hook(found[0]) if found else None

    def list_webhooks(self, active_only: bool = False) -> list[Row]:
        where = " WHERE disabled_at IS NULL" if active_only else ""
        return [
            _decode_hook(r)
            for r in self._run(
                f"SELECT {_HOOK_COLUMNS} FROM api_webhooks{where} ORDER BY created_at, webhook_id"
            )
        ]

    def disable_webhook(self, webhook_id: str, at: str) -> None:
        self._run(
            "UPDATE api_webhooks SET disabled_at = ? WHERE webhook_id = ? AND disabled_at IS NULL",
            [at, webhook_id],
        )

    # --- deliveries --------------------------------------------------------------------------------
    def cursor_position(self, name: str) -> int | None:
        found = self._run("SELECT position FROM api_webhook_cursor WHERE name = ?", [name])
        return int(found[0]["position"]) if found else None

    def enqueue(self, name: str, deliveries: list[Row], position: int) -> None:
        """Add deliveries and move the dispatcher's cursor in one transaction: each event is enqueued once."""
        with self._transaction() as cursor:
            for d in deliveries:
                cursor.execute(
                    self._sql(
                        f"INSERT INTO api_webhook_deliveries ({_DELIVERY_COLUMNS}) VALUES "
                        "(?, ?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, ?, NULL) "
                        "ON CONFLICT DO NOTHING"
                    ),
                    [
                        d["delivery_id"],
                        d["webhook_id"],
                        d["notification_id"],
                        d["event_type"],
                        d["payload"],
                        d["next_attempt_at"],
                        d["created_at"],
                    ],
                )
            cursor.execute(
                self._sql(
                    "INSERT INTO api_webhook_cursor (name, position) VALUES (?, ?) "
                    "ON CONFLICT (name) DO UPDATE SET position = excluded.position "
                    "WHERE api_webhook_cursor.position < excluded.position"
                ),
                [name, position],
            )

    def record_attempt(
        self,
        delivery_id: str,
        *,
        status: str,
        attempts: int,
        next_attempt_at: float,
        last_status: int | None,
        last_error: str | None,
        delivered_at: str | None,
    ) -> None:
        self._run(
            "UPDATE api_webhook_deliveries SET status = ?, attempts = ?, next_attempt_at = ?, "
            "last_status = ?, last_error = ?, delivered_at = ? WHERE delivery_id = ?",
            [
                status,
                attempts,
                next_attempt_at,
                last_status,
                (last_error or "")[:500] or None,
                delivered_at,
                delivery_id,
            ],
        )

    def list_deliveries(self, webhook_id: str, limit: int = 100) -> list[Row]:
        return self._run(
            f"SELECT {_DELIVERY_COLUMNS} FROM api_webhook_deliveries WHERE webhook_id = ? "
            "ORDER BY notification_id DESC LIMIT ?",
            [webhook_id, limit],
        )


def _rows(cursor: Any, statement: str, params: Sequence[Any]) -> list[Row]:
    cursor.execute(statement, list(params))
    if cursor.description is None:
        return []
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def _decode_key(row: Row) -> Row:
    return {**row, "stores": tuple(json.loads(row["stores"]))}


def _decode_hook(row: Row) -> Row:
    return {
        **row,
        "event_types": tuple(json.loads(row["event_types"])),
        "store_ids": tuple(json.loads(row["store_ids"])),
        "start_after": int(row["start_after"]),
    }


class SQLiteTables(ApiTables):
    """One short-lived connection per transaction: cheap in SQLite, and safe from any thread."""

    def __init__(self, path: str):
        self.path = path
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        ensure(tables_target(self), SCHEMA)

    def _sql(self, statement: str) -> str:
        return statement

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            cursor = conn.cursor()
            cursor.execute("PRAGMA secure_delete = ON")  # an erasure's purge leaves no old row in free space
            cursor.execute("BEGIN IMMEDIATE")
            try:
                yield cursor
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
        finally:
            conn.close()

    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[Row]:
        # BEGIN IMMEDIATE takes SQLite's one write lock, so the select and the update are one step.
        with self._transaction() as cursor:
            due = _rows(
                cursor,
                f"SELECT {_DELIVERY_COLUMNS} FROM api_webhook_deliveries WHERE status = 'pending' "
                "AND next_attempt_at <= ? ORDER BY notification_id LIMIT ?",
                [now, limit],
            )
            for row in due:
                cursor.execute(
                    "UPDATE api_webhook_deliveries SET next_attempt_at = ? WHERE delivery_id = ?",
                    [now + lease_seconds, row["delivery_id"]],
                )
        return due


class PostgresTables(ApiTables):
    """A small pool of its own: the ledger's pool belongs to the event store library."""

    def __init__(self, settings: Settings, max_size: int | None = None):
        from psycopg_pool import ConnectionPool

        from projections.pools import check_and_purge

        env = store_env(settings)
        kwargs: dict[str, Any] = {
            "host": env["POSTGRES_HOST"],
            "port": env["POSTGRES_PORT"],
            "dbname": env["POSTGRES_DBNAME"],
            "user": env["POSTGRES_USER"],
            "connect_timeout": 10,
            "application_name": settings.connection_name("tables"),
        }
        if env.get("POSTGRES_PASSWORD"):
            kwargs["password"] = env["POSTGRES_PASSWORD"]
        if env.get("POSTGRES_SCHEMA"):
            kwargs["options"] = f"-c search_path={env['POSTGRES_SCHEMA']}"
        self.pool = ConnectionPool(
            kwargs=kwargs, min_size=1, max_size=max_size or settings.tables_pool_size, open=True,
            timeout=settings.pool_timeout_seconds,  # then PoolTimeout: a 503 store_unavailable, not a hang
            name="loyalty-api",
            # A connection the server closed while we were idle (a restart) is replaced, not lent out.
            check=check_and_purge,
        )
        # Two processes starting at once would race on CREATE TABLE IF NOT EXISTS: the runner's lock orders them.
        ensure(tables_target(self), SCHEMA)

    def _sql(self, statement: str) -> str:
        return statement.replace("?", "%s")

    @contextmanager
    def _transaction(self) -> Iterator[Any]:
        with self.pool.connection() as conn, conn.transaction(), conn.cursor() as cursor:
            yield cursor

    def claim_due(self, now: float, lease_seconds: float, limit: int) -> list[Row]:
        with self._transaction() as cursor:
            claimed = _rows(
                cursor,
                f"UPDATE api_webhook_deliveries SET next_attempt_at = %s WHERE delivery_id IN ("
                "SELECT delivery_id FROM api_webhook_deliveries WHERE status = 'pending' AND "
                "next_attempt_at <= %s ORDER BY notification_id LIMIT %s FOR UPDATE SKIP LOCKED) "
                f"RETURNING {_DELIVERY_COLUMNS}",
                [now + lease_seconds, now, limit],
            )
        return sorted(claimed, key=lambda row: row["notification_id"])

    def close(self) -> None:
        self.pool.close()


def open_tables(settings: Settings) -> ApiTables:
    if settings.is_postgres:
        return PostgresTables(settings)
    url = urlparse(settings.database_url)
    return SQLiteTables(unquote(url.path[1:]))
