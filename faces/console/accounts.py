"""Staff accounts: people who sign in to the console, each with a role and, for store managers, stores.

One account per person, never a shared key: every command the console sends names the person as its
`actor` (`staff:<username>`), so the ledger's own events say who did what. Passwords are hashed with
argon2id (`argon2-cffi`); a login name is never revealed to be right or wrong on its own. After
`MAX_FAILURES` wrong passwords in a row an account is locked for `LOCK_MINUTES`; a right password resets the
count. Sessions live server-side (`staff_sessions`, the session id stored only as its SHA-256) so that
sign-out and a password change end them at once, whatever cookies a browser still holds.

These are operational records like the API's keys (api/tables.py), not ledger facts, and use `ApiTables`'
one-statement transactions on either store.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

MAX_FAILURES = 5
LOCK_MINUTES = 15
SESSION_HOURS = 10
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._\-]{1,39}$")
_STORE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
# argon2id with OWASP's recommended minimum (19 MiB, 2 passes, 1 lane): about 0.1 s a sign-in on a
# small shared server, where the library's default (64 MiB, 3 passes) measured 0.5 s. A hash records its
# parameters, so raising them later re-hashes nothing and still verifies every existing password.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)
# Verified against when the login name is unknown, so an unknown name costs the same time as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password")

_DDL = (
    """CREATE TABLE IF NOT EXISTS staff_users (
        username TEXT PRIMARY KEY,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL,
        stores TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        failed_count INTEGER NOT NULL,
        locked_until DOUBLE PRECISION NOT NULL,
        created_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS staff_sessions (
        session_hash TEXT PRIMARY KEY,
        username TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS staff_log (
        at DOUBLE PRECISION NOT NULL,
        username TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS staff_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL)""",
)
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("staff_accounts", TABLES, baseline(*_DDL))


class StaffRole(StrEnum):
    CSKH = "cskh"
    """Customer service: finds any member, sees their personal data, corrects with a reason."""
    STORE_MANAGER = "store_manager"
    """Like CSKH, but acts only for their own stores and sees only those stores' figures."""
    MARKETING = "marketing"
    """The dashboard and the program editor; personal data masked."""
    AUDITOR = "auditor"
    """Reads everything, personal data masked; never changes anything."""
    ADMIN = "admin"
    """Everything."""


class AccountRefused(ValueError):
    """An account cannot be created as asked (a bad name, role, store or a too-short password)."""


@dataclass(frozen=True)
class Staff:
    username: str
    display_name: str
    role: StaffRole
    stores: tuple[str, ...]

    @property
    def actor(self) -> str:
        """The actor recorded on every command this person sends."""
        return f"staff:{self.username}"


@dataclass(frozen=True)
class StaffSession:
    staff: Staff
    csrf: str


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: a session id, or why not (`wrong` | `locked`)."""

    session_id: str | None
    refusal: str | None = None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD or len(password) > 200:
        raise AccountRefused(f"a password has {MIN_PASSWORD} to 200 characters")
    return password


class StaffAccounts:
    def __init__(self, tables: Any, clock: Any = time.time):
        self._run, self._clock = tables._run, clock
        ensure(tables_target(tables), SCHEMA)

    # --- accounts ------------------------------------------------------------------------------------
    def create(self, username: str, password: str, role: str, stores: tuple[str, ...] = (),
               display_name: str | None = None) -> Staff:
        staff = self._staff(username, role, stores, display_name or username)
        hashed = _hasher.hash(check_password(password))
        self._run("INSERT INTO staff_users (username, display_name, role, stores, password_hash, failed_count, "
                  "locked_until, created_at) VALUES (?, ?, ?, ?, ?, 0, 0, ?) ON CONFLICT (username) DO NOTHING",
                  [staff.username, staff.display_name, staff.role.value, json.dumps(list(staff.stores)), hashed,
                   self._clock()])
        return staff

    def list(self) -> list[dict[str, Any]]:
        rows = self._run("SELECT username, display_name, role, stores, failed_count, locked_until, created_at "
                         "FROM staff_users ORDER BY username")
        return [{**r, "stores": json.loads(r["stores"]), "locked": r["locked_until"] > self._clock()} for r in rows]

    def unlock(self, username: str) -> None:
        self._run("UPDATE staff_users SET failed_count = 0, locked_until = 0 WHERE username = ?", [username])

    def exists(self, username: str) -> bool:
        return bool(self._run("SELECT 1 AS one FROM staff_users WHERE username = ?", [username]))

    def get(self, username: str) -> Staff | None:
        rows = self._run("SELECT username, display_name, role, stores FROM staff_users WHERE username = ?",
                         [username])
        return _decode(rows[0]) if rows else None

    def _staff(self, username: str, role: str, stores: tuple[str, ...], display_name: str) -> Staff:
        if not isinstance(username, str) or not _USERNAME.match(username):
            raise AccountRefused("a login name is 2-40 lowercase letters, digits, '.', '_' or '-'")
        try:
            staff_role = StaffRole(role)
        except ValueError:
            raise AccountRefused(f"role must be one of {', '.join(r.value for r in StaffRole)}") from None
        if any(not _STORE.match(s) for s in stores):
            raise AccountRefused("a store id is letters, digits, '.', '_' or '-'")
        if (staff_role is StaffRole.STORE_MANAGER) != bool(stores):
            raise AccountRefused("a store manager has stores; no other role does")
        return Staff(username, _printable(display_name)[:100], staff_role, tuple(stores))

    # --- signing in and out ---------------------------------------------------------------------------
    def sign_in(self, username: str, password: str) -> SignIn:
        username = (username or "").strip().lower()[:40]
        # A name no account can have (a NUL, which PostgreSQL text refuses, or any other odd character) is
        # answered like an unknown one, without being sent to the database.
        rows = self._run("SELECT password_hash, failed_count, locked_until FROM staff_users WHERE username = ?",
                         [username]) if _USERNAME.match(username) else []
        now = self._clock()
        if not rows:
            username = username if _USERNAME.match(username) else "?"
            _verify(_DUMMY_HASH, password)
            self.log(username, "sign_in_refused", "unknown")
            return SignIn(None, "wrong")
        row = rows[0]
        if row["locked_until"] > now:
            self.log(username, "sign_in_refused", "locked")
            return SignIn(None, "locked")
        if not _verify(row["password_hash"], password):
            failures = int(row["failed_count"]) + 1
            locked_until = now + LOCK_MINUTES * 60 if failures >= MAX_FAILURES else 0
            self._run("UPDATE staff_users SET failed_count = ?, locked_until = ? WHERE username = ?",
                      [0 if locked_until else failures, locked_until, username])
            self.log(username, "locked" if locked_until else "sign_in_refused", f"failure {failures}")
            return SignIn(None, "locked" if locked_until else "wrong")
        self._run("UPDATE staff_users SET failed_count = 0, locked_until = 0 WHERE username = ?", [username])
        self._run("DELETE FROM staff_sessions WHERE expires_at < ?", [now])  # expired sessions go, a few at a time
        session_id = secrets.token_urlsafe(32)
        self._run("INSERT INTO staff_sessions (session_hash, username, csrf, created_at, expires_at) "
                  "VALUES (?, ?, ?, ?, ?)",
                  [digest(session_id), username, secrets.token_urlsafe(32), now, now + SESSION_HOURS * 3600])
        self.log(username, "signed_in", "")
        return SignIn(session_id)

    def session(self, session_id: str) -> StaffSession | None:
        rows = self._run(
            "SELECT u.username, u.display_name, u.role, u.stores, s.csrf FROM staff_sessions s "
            "JOIN staff_users u ON u.username = s.username WHERE s.session_hash = ? AND s.expires_at > ?",
            [digest(session_id), self._clock()])
        return StaffSession(_decode(rows[0]), rows[0]["csrf"]) if rows else None

    def sign_out(self, session_id: str) -> None:
        found = self.session(session_id)
        self._run("DELETE FROM staff_sessions WHERE session_hash = ?", [digest(session_id)])
        if found is not None:
            self.log(found.staff.username, "signed_out", "")

    def change_password(self, username: str, current: str, new: str) -> bool:
        """Change a password after checking the current one; ends every session of the account."""
        rows = self._run("SELECT password_hash FROM staff_users WHERE username = ?", [username])
        if not rows or not _verify(rows[0]["password_hash"], current):
            self.log(username, "password_change_refused", "")
            return False
        self._run("UPDATE staff_users SET password_hash = ? WHERE username = ?",
                  [_hasher.hash(check_password(new)), username])
        self._run("DELETE FROM staff_sessions WHERE username = ?", [username])
        self.log(username, "password_changed", "")
        return True

    # --- the log and the signing secret ---------------------------------------------------------------
    def log(self, username: str, action: str, detail: str) -> None:
        self._run("INSERT INTO staff_log (at, username, action, detail) VALUES (?, ?, ?, ?)",
                  [self._clock(), _printable(username)[:40], action[:60], _printable(detail)[:500]])

    def recent_log(self, limit: int = 50) -> list[dict[str, Any]]:
        return self._run("SELECT at, username, action, detail FROM staff_log ORDER BY at DESC LIMIT ?", [limit])

    def secret(self, name: str) -> str:
        """A random secret made once per store (the cookie-signing key): never in code or settings files."""
        self._run("INSERT INTO staff_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                  [name, secrets.token_urlsafe(48)])
        return str(self._run("SELECT value FROM staff_secrets WHERE name = ?", [name])[0]["value"])


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _verify(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password or "")
    except (VerificationError, InvalidHashError):
        return False


def _decode(row: dict[str, Any]) -> Staff:
    return Staff(row["username"], row["display_name"], StaffRole(row["role"]), tuple(json.loads(row["stores"])))
