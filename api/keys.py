"""API keys: who is calling, in which role, for which channel and stores.

A key is `lk_<key id>_<secret>`. Only the SHA-256 of the whole key is stored. A plain hash is enough here,
unlike for passwords: the secret is 32 random bytes (256 bits), so there is nothing to guess and no
dictionary to try, and a deliberately slow hash (argon2) would only add tens of milliseconds to every
request. The key id in the clear lets the server find the row without scanning and lets an operator revoke
a key by id without ever seeing the secret again.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import StrEnum
from typing import Callable

from api.tables import ApiTables
from loyalty_core.text import bad_character

_CHANNEL = re.compile(r"^[a-z][a-z0-9_\-]{0,31}$")
_STORE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")
_KEY = re.compile(r"^lk_([0-9a-f]{16})_([A-Za-z0-9_\-]{43})$")


class Role(StrEnum):
    CHANNEL = "channel"
    """A point of sale, web shop, app or marketplace integration: acts for its channel and stores."""
    STAFF = "staff"
    """Customer service (CSKH): reads and writes for any member, and may correct balances; may be limited
    to stores (then acts, refunds and captures only there)."""
    AUDITOR = "auditor"
    """Reads everything, including the raw events; never writes."""
    ANALYST = "analyst"
    """Statistics only."""
    ADMIN = "admin"
    """Everything, including program administration and webhooks."""


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    role: Role
    channel: str
    """The channel this key's commands are recorded under (for non-channel roles, the role's name)."""
    stores: tuple[str, ...]
    """The stores a channel or staff key may act for. Empty: a channel without stores (web, app), or staff
    for every store."""
    label: str | None
    created_at: str
    revoked_at: str | None = None

    def public(self) -> dict[str, object]:
        return {"key_id": self.key_id, "role": self.role.value, "channel": self.channel,
                "stores": list(self.stores), "label": self.label, "created_at": self.created_at,
                "revoked_at": self.revoked_at}


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _from_row(row: dict) -> ApiKey:
    return ApiKey(
        key_id=row["key_id"],
        role=Role(row["role"]),
        channel=row["channel"],
        stores=tuple(row["stores"]),
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


class KeyRing:
    """Creates, verifies and revokes keys; remembers a verified key for `cache_seconds`."""

    def __init__(
        self, tables: ApiTables, cache_seconds: float = 5.0, monotonic: Callable[[], float] = time.monotonic
    ):
        self.tables = tables
        self.cache_seconds = cache_seconds
        self.monotonic = monotonic
        self._cache: dict[str, tuple[float, ApiKey, str]] = {}
        self._lock = threading.Lock()

    def create(
        self,
        role: Role | str,
        channel: str | None = None,
        stores: tuple[str, ...] | list[str] = (),
        label: str | None = None,
    ) -> tuple[ApiKey, str]:
        role = Role(role)
        stores = tuple(dict.fromkeys(stores))
        if role is Role.CHANNEL and not channel:
            raise ValueError("a channel key needs --channel (pos, web, app, zalo, ...)")
        if role not in (Role.CHANNEL, Role.STAFF) and stores:
            raise ValueError("only channel and staff keys are limited to stores")
        channel = channel or role.value
        if not _CHANNEL.match(channel):
            raise ValueError(f"channel must be lower-case letters, digits, '-' or '_': {channel!r}")
        for store in stores:
            if not _STORE.match(store):
                raise ValueError(f"not a store id: {store!r}")
        if label is not None and (len(label) > 200 or bad_character(label) is not None):
            raise ValueError("a key label is printable text of at most 200 characters")
        key_id = secrets.token_hex(8)
        token = f"lk_{key_id}_{secrets.token_urlsafe(32)}"
        key = ApiKey(key_id=key_id, role=role, channel=channel, stores=stores, label=label, created_at=_now())
        self.tables.insert_key(
            {
                "key_id": key_id,
                "secret_hash": hash_key(token),
                "role": role.value,
                "channel": channel,
                "stores": list(stores),
                "label": label,
                "created_at": key.created_at,
            }
        )
        return key, token

    def authenticate(self, token: str) -> ApiKey | None:
        match = _KEY.match(token)
        if match is None:
            return None
        key_id, digest = match.group(1), hash_key(token)
        now = self.monotonic()
        with self._lock:
            cached = self._cache.get(key_id)
        if cached is not None and cached[0] > now and hmac.compare_digest(cached[2], digest):
            return cached[1]
        row = self.tables.get_key(key_id)
        if (
            row is None
            or row["revoked_at"] is not None
            or not hmac.compare_digest(row["secret_hash"], digest)
        ):
            return None
        key = _from_row(row)
        if self.cache_seconds > 0:
            with self._lock:
                self._cache[key_id] = (now + self.cache_seconds, key, digest)
        return key

    def revoke(self, key_id: str) -> bool:
        with self._lock:
            self._cache.pop(key_id, None)
        return self.tables.revoke_key(key_id, _now())

    def list(self) -> list[ApiKey]:
        return [_from_row(row) for row in self.tables.list_keys()]
