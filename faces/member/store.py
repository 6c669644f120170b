"""The member app's own small tables: sign-in sessions, consent records, erasure requests.

Like the API's keys and webhooks (api/tables.py), these are operational records, not ledger facts: a
session is deleted at sign-out. They live next to the ledger (same
SQLite file or PostgreSQL schema) and are reached through `ApiTables`' one-statement transactions, so this
module adds SQL but no connection handling. Secrets are stored only as SHA-256 hashes.

A session keeps the phone it was proven with as `<keyed hash> <sealed phone>` (docs/privacy.md): the hash
finds a number's sessions (an erasure deletes those begun with the member's number), the sealed part is what
the enrolment form shows and enrols. It is sealed under the member's key once the session is bound, and
before that (a number not enrolled yet) under the day's transient key (api/transient_keys.py), so no copy of
it stays readable once that key is destroyed, a day or two later; an unbound session lives an hour.
"""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from api.transient_keys import is_transient, transient_keys
from loyalty_core.privacy import lookup
from loyalty_core.privacy.tokens import ERASED, is_hashed, is_sealed
from loyalty_core.privacy.vault import current as current_vault
from projections.schema import TABLES, Step, baseline, component
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
SCHEMA = component("member_app", TABLES, baseline(*_DDL), Step(
    2, "no session keeps a phone as typed: earlier releases' sessions that did (every unbound one, alive an "
       "hour; bound ones from before sealing, whose member signs in again) are dropped",
    ("DELETE FROM member_app_sessions WHERE member_id IS NULL OR substr(phone, 1, 1) = '+'",)))

_FIELD = "session.phone"


def _phone_hash(phone: str) -> str:
    # A kind of its own: the same number's hash here and in the ledger's claims cannot be matched up.
    return lookup.hash_token("session-phone", phone)


def _open(member_id: str | None, stored: str, transient: Any) -> str:
    """The phone of a stored session: `<hash> <sealed>`, or the previous release's bare sealed value."""
    sealed = stored.partition(" ")[2] if is_hashed(stored) else stored
    if is_transient(sealed):
        return str(transient.unseal(_FIELD, sealed))
    if not is_sealed(sealed):
        return sealed  # no store open when it was written (pure unit tests): as it is
    vault = current_vault()
    if vault is None or member_id is None:
        return str(ERASED)
    return str(vault.unseal(UUID(member_id), _FIELD, sealed))


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class MemberAppTables:
    def __init__(self, tables: Any):
        # `_run` is ApiTables' one-statement transaction with `?` placeholders on both stores.
        self._run = tables._run
        ensure(tables_target(tables), SCHEMA)
        self.transient = transient_keys(tables)

    def _stored(self, member_id: str | None, phone: str) -> str:
        vault = current_vault()
        if vault is None or not lookup.installed():
            return phone  # no store open (pure unit tests): nothing is sealed anywhere
        sealed = (vault.seal(UUID(member_id), _FIELD, phone) if member_id is not None
                  else self.transient.seal(_FIELD, phone))
        return f"{_phone_hash(phone)} {sealed}"

    # --- sessions ----------------------------------------------------------------------------------
    def put_session(self, token: str, member_id: str | None, phone: str, now: float, expires_at: float) -> None:
        self._run("DELETE FROM member_app_sessions WHERE expires_at < ?", [now])  # the table never grows stale
        phone = self._stored(member_id, phone)
        self._run("INSERT INTO member_app_sessions (token_hash, member_id, phone, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?)", [digest(token), member_id, phone, now, expires_at])

    def forget_member(self, member_id: str, phones: list[str]) -> None:
        """After an erasure: the member is signed out everywhere, and no session keeps their number (nor one
        begun with it before they enrolled)."""
        self._run("DELETE FROM member_app_sessions WHERE member_id = ?", [member_id])
        for phone in phones:
            hashed = [f"{_phone_hash(phone)} %"] if lookup.installed() else []
            self._run("DELETE FROM member_app_sessions WHERE phone = ?" + " OR phone LIKE ?" * len(hashed),
                      [phone, *hashed])

    def get_session(self, token: str, now: float) -> dict[str, Any] | None:
        rows = self._run("SELECT member_id, phone FROM member_app_sessions WHERE token_hash = ? AND expires_at > ?",
                         [digest(token), now])
        self.transient.note(now)  # the busiest path: an API that seals nothing new still destroys old keys
        if not rows:
            return None
        row = dict(rows[0])
        row["phone"] = _open(row["member_id"], row["phone"], self.transient)
        return row

    def bind_session(self, token: str, member_id: str, expires_at: float) -> None:
        """The enrolment made the session's number a member: it is sealed under the member's key from now on."""
        rows = self._run("SELECT member_id, phone FROM member_app_sessions WHERE token_hash = ?", [digest(token)])
        if not rows:
            return
        stored = rows[0]["phone"]
        if rows[0]["member_id"] is None:
            stored = self._stored(member_id, _open(None, stored, self.transient))
        self._run("UPDATE member_app_sessions SET member_id = ?, expires_at = ?, phone = ? WHERE token_hash = ?",
                  [member_id, expires_at, stored, digest(token)])

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
