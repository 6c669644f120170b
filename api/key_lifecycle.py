"""An API key's life after it is made: when it expires, the key it replaced, when it was last used, its own
rate limit, and whether it is a demo key.

Kept in a table of its own (`api_key_lifecycle`, one row per key, absent for keys made before it existed)
so stores written by earlier releases need no ALTER TABLE: a key without a row never expires, has the
role's rate limit and is not a demo key. Rotation makes a new key with the old one's role, channel, stores
and limit, and cuts the old key's life to an overlap window, so tills can be re-keyed one by one.
Last use is written at most once a minute per key and process: a till authenticating thousands of times a
minute costs one UPDATE a minute, not one per request.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import limits

from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

DDL = (
    """CREATE TABLE IF NOT EXISTS api_key_lifecycle (
        key_id TEXT PRIMARY KEY,
        expires_at TEXT,
        rate_limit TEXT,
        rotated_from TEXT,
        demo INTEGER NOT NULL DEFAULT 0,
        last_used_at TEXT)""",
)
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("api_key_lifecycle", TABLES, baseline(*DDL))

LAST_USED_EVERY_SECONDS = 60.0
DEFAULT_OVERLAP = timedelta(hours=24)


def parse_rate_limit(spec: str | None) -> str | None:
    """A per-key limit in `limits` notation ("600/minute;20/second"), checked now so a typo is refused
    when the key is made, not on its first request."""
    if spec is None or not spec.strip():
        return None
    try:
        limits.parse_many(spec)
    except ValueError:
        raise ValueError(f"not a rate limit: {spec!r} (e.g. 600/minute or 20/second;600/minute)") from None
    return spec.strip()


def is_expired(expires_at: str | None, now: datetime) -> bool:
    return expires_at is not None and datetime.fromisoformat(expires_at) <= now


class Lifecycle:
    """Reads and writes `api_key_lifecycle` through the API tables' transactions."""

    def __init__(self, tables: Any):
        self.tables = tables
        ensure(tables_target(tables), SCHEMA)

    def _run(self, statement: str, params: list[Any]) -> list[dict[str, Any]]:
        return self.tables._run(statement, params)  # noqa: SLF001

    def record(self, key_id: str, *, expires_at: str | None, rate_limit: str | None,
               rotated_from: str | None = None, demo: bool = False) -> None:
        self._run("INSERT INTO api_key_lifecycle (key_id, expires_at, rate_limit, rotated_from, demo) "
                  "VALUES (?, ?, ?, ?, ?)", [key_id, expires_at, rate_limit, rotated_from, int(demo)])

    def get(self, key_id: str) -> dict[str, Any]:
        rows = self._run("SELECT key_id, expires_at, rate_limit, rotated_from, demo, last_used_at "
                         "FROM api_key_lifecycle WHERE key_id = ?", [key_id])
        return rows[0] if rows else {"key_id": key_id, "expires_at": None, "rate_limit": None,
                                     "rotated_from": None, "demo": 0, "last_used_at": None}

    def all(self) -> dict[str, dict[str, Any]]:
        rows = self._run("SELECT key_id, expires_at, rate_limit, rotated_from, demo, last_used_at "
                         "FROM api_key_lifecycle", [])
        return {row["key_id"]: row for row in rows}

    def expire_by(self, key_id: str, at: str) -> None:
        """The key expires at `at`, or earlier if it already did (rotation never lengthens a key's life)."""
        current = self.get(key_id)["expires_at"]
        if current is not None and current <= at:
            return
        updated = self._run("UPDATE api_key_lifecycle SET expires_at = ? WHERE key_id = ? RETURNING key_id",
                            [at, key_id])
        if not updated:
            self.record(key_id, expires_at=at, rate_limit=None)

    def used(self, key_id: str, at: str) -> None:
        updated = self._run("UPDATE api_key_lifecycle SET last_used_at = ? WHERE key_id = ? RETURNING key_id",
                            [at, key_id])
        if not updated:
            self._run("INSERT INTO api_key_lifecycle (key_id, last_used_at) VALUES (?, ?) "
                      "ON CONFLICT (key_id) DO UPDATE SET last_used_at = excluded.last_used_at", [key_id, at])


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
