"""The member app's own small tables: sign-in sessions, consent records, erasure requests.

Like the API's keys and webhooks (api/tables.py), these are operational records, not ledger facts: a
session is deleted at sign-out. They live next to the ledger (same
SQLite file or PostgreSQL schema) and are reached through `ApiTables`' one-statement transactions, so this
module adds SQL but no connection handling. Secrets are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from loyalty_core.privacy.tokens import ERASED, is_sealed
from loyalty_core.privacy.vault import current as current_vault
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

_DDL = (
    """CREATE TABLE IF NOT EXISTS member_app_sessions (
        token_hash TEXT PRIMARY KEY,
        member_id TEXT,
        phone TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS member_app_consents (
        member_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        given INTEGER NOT NULL,
        text_version TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        source TEXT NOT NULL)""",
    "CREATE INDEX IF NOT EXISTS member_app_consents_member ON member_app_consents (member_id)",
    """CREATE TABLE IF NOT EXISTS member_app_erasure_requests (
        member_id TEXT PRIMARY KEY,
        requested_at TEXT NOT NULL,
        status TEXT NOT NULL)""",
)
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("member_app", TABLES, baseline(*_DDL))


def _sealed(member_id: str | None, phone: str) -> str:
    """A member's number is kept sealed under their key (docs/privacy.md); a number not enrolled yet as typed."""
    vault = current_vault()
    if member_id is None or vault is None:
        return phone
    return vault.seal(UUID(member_id), "session.phone", phone)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class MemberAppTables:
    def __init__(self, tables: Any):
        # `_run` is ApiTables' one-statement transaction with `?` placeholders on both stores.
        self._run = tables._run
        ensure(tables_target(tables), SCHEMA)

    # --- sessions ----------------------------------------------------------------------------------
    def put_session(self, token: str, member_id: str | None, phone: str, now: float, expires_at: float) -> None:
        self._run("DELETE FROM member_app_sessions WHERE expires_at < ?", [now])  # the table never grows stale
        phone = _sealed(member_id, phone)
        self._run("INSERT INTO member_app_sessions (token_hash, member_id, phone, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?)", [digest(token), member_id, phone, now, expires_at])

    def forget_member(self, member_id: str, phones: list[str]) -> None:
        """After an erasure: the member is signed out everywhere, and no session keeps their number (nor one
        begun with it before they enrolled)."""
        self._run("DELETE FROM member_app_sessions WHERE member_id = ?", [member_id])
        for phone in phones:
            self._run("DELETE FROM member_app_sessions WHERE phone = ?", [phone])

    def get_session(self, token: str, now: float) -> dict[str, Any] | None:
        rows = self._run("SELECT member_id, phone FROM member_app_sessions WHERE token_hash = ? AND expires_at > ?",
                         [digest(token), now])
        if not rows:
            return None
        row, vault = dict(rows[0]), current_vault()
        if is_sealed(row["phone"]):
            row["phone"] = vault.unseal(UUID(row["member_id"]), "session.phone", row["phone"]) if vault else ERASED
        return row

    def bind_session(self, token: str, member_id: str, expires_at: float) -> None:
        rows = self._run("SELECT phone FROM member_app_sessions WHERE token_hash = ?", [digest(token)])
        if not rows:
            return
        phone = rows[0]["phone"] if is_sealed(rows[0]["phone"]) else _sealed(member_id, rows[0]["phone"])
        self._run("UPDATE member_app_sessions SET member_id = ?, expires_at = ?, phone = ? WHERE token_hash = ?",
                  [member_id, expires_at, phone, digest(token)])

    def drop_session(self, token: str) -> None:
        self._run("DELETE FROM member_app_sessions WHERE token_hash = ?", [digest(token)])

    # --- consent and erasure -----------------------------------------------------------------------
    def record_consent(self, member_id: str, changes: dict[str, bool], text_version: str, at: str,
                       source: str) -> None:
        for channel, given in sorted(changes.items()):
            self._run("INSERT INTO member_app_consents (member_id, channel, given, text_version, recorded_at, "
                      "source) VALUES (?, ?, ?, ?, ?, ?)", [member_id, channel, int(given), text_version, at, source])

    def consents(self, member_id: str) -> list[dict[str, Any]]:
        return self._run("SELECT channel, given, text_version, recorded_at, source FROM member_app_consents "
                         "WHERE member_id = ? ORDER BY recorded_at, channel", [member_id])

    def request_erasure(self, member_id: str, at: str) -> dict[str, Any]:
        existing = self.erasure_request(member_id)
        if existing is None:
            self._run("INSERT INTO member_app_erasure_requests (member_id, requested_at, status) VALUES (?, ?, ?)",
                      [member_id, at, "requested"])
        return self.erasure_request(member_id) or {}

    def erasure_request(self, member_id: str) -> dict[str, Any] | None:
        rows = self._run("SELECT requested_at, status FROM member_app_erasure_requests WHERE member_id = ?",
                         [member_id])
        return rows[0] if rows else None
