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
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from enum import StrEnum
from typing import Callable

from api.key_lifecycle import (DEFAULT_OVERLAP, LAST_USED_EVERY_SECONDS, Lifecycle, is_expired,
                               parse_rate_limit)
from api.key_lifecycle import utc_now as _utc_now
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
    expires_at: str | None = None
    """After this instant the key is refused like a revoked one (api/key_lifecycle.py)."""
    rate_limit: str | None = None
    """This key's own rate limit (`limits` notation) instead of its role's."""
    rotated_from: str | None = None
    demo: bool = False
    """Made by `make run`: accepted only while LOYALTY_ENV is `development`."""
    last_used_at: str | None = field(default=None, compare=False)
    """When a request last came with this key (to the minute): not part of the key's identity."""

    def public(self) -> dict[str, object]:
        return {"key_id": self.key_id, "role": self.role.value, "channel": self.channel,
                "stores": list(self.stores), "label": self.label, "created_at": self.created_at,
                "revoked_at": self.revoked_at, "expires_at": self.expires_at, "rate_limit": self.rate_limit,
                "rotated_from": self.rotated_from, "demo": self.demo, "last_used_at": self.last_used_at}


def hash_key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat()


def _from_row(row: dict, life: dict | None = None) -> ApiKey:
    life = life or {}
    return ApiKey(
        key_id=row["key_id"],
        role=Role(row["role"]),
        channel=row["channel"],
        stores=tuple(row["stores"]),
        label=row["label"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
        expires_at=life.get("expires_at"),
        rate_limit=life.get("rate_limit"),
        rotated_from=life.get("rotated_from"),
        demo=bool(life.get("demo")),
        last_used_at=life.get("last_used_at"),
    )


class KeyRing:
    """Creates, verifies and revokes keys; remembers a verified key for `cache_seconds`."""

    def __init__(
        self, tables: ApiTables, cache_seconds: float = 5.0, monotonic: Callable[[], float] = time.monotonic,
        *, allow_demo: bool = False, clock: Callable[[], datetime] = _utc_now,
    ):
        self.tables = tables
        self.cache_seconds = cache_seconds
        self.monotonic = monotonic
        self.allow_demo = allow_demo
        """Demo keys (`make run`) are accepted only in development (LOYALTY_ENV=development)."""
        self.clock = clock
        self.lifecycle = Lifecycle(tables)
        self._cache: dict[str, tuple[float, ApiKey, str]] = {}
        self._last_used: dict[str, float] = {}
        self._lock = threading.Lock()

    def create(
        self,
        role: Role | str,
        channel: str | None = None,
        stores: tuple[str, ...] | list[str] = (),
        label: str | None = None,
        *,
        expires_at: datetime | None = None,
        rate_limit: str | None = None,
        demo: bool = False,
        rotated_from: str | None = None,
    ) -> tuple[ApiKey, str]:
        role = Role(role)
        rate_limit = parse_rate_limit(rate_limit)
        if expires_at is not None and (expires_at.tzinfo is None or expires_at <= self.clock()):
            raise ValueError("a key's expiry must be a future instant with a time zone")
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
        expiry = expires_at.astimezone(timezone.utc).isoformat() if expires_at is not None else None
        key = ApiKey(key_id=key_id, role=role, channel=channel, stores=stores, label=label, created_at=_now(),
                     expires_at=expiry, rate_limit=rate_limit, rotated_from=rotated_from, demo=demo)
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
        if expiry or rate_limit or demo or rotated_from:
            self.lifecycle.record(key_id, expires_at=expiry, rate_limit=rate_limit, rotated_from=rotated_from,
                                  demo=demo)
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
            return self._usable(cached[1], now)
        row = self.tables.get_key(key_id)
        if (
            row is None
            or row["revoked_at"] is not None
            or not hmac.compare_digest(row["secret_hash"], digest)
        ):
            return None
        key = _from_row(row, self.lifecycle.get(key_id))
        if self.cache_seconds > 0:
            with self._lock:
                self._cache[key_id] = (now + self.cache_seconds, key, digest)
        return self._usable(key, now)

    def remembered(self, token: str) -> ApiKey | None:
        """The key `authenticate` would return, when that needs no database (cached, usable, its last use
        noted recently); else None, and the caller authenticates (on a thread: it may read and write)."""
        match = _KEY.match(token)
        if match is None:
            return None
        now = self.monotonic()
        with self._lock:
            cached = self._cache.get(match.group(1))
            noted = self._last_used.get(match.group(1), float("-inf"))
        if cached is None or cached[0] <= now or now - noted >= LAST_USED_EVERY_SECONDS \
                or not hmac.compare_digest(cached[2], hash_key(token)):
            return None
        key = cached[1]
        if is_expired(key.expires_at, self.clock()) or (key.demo and not self.allow_demo):
            return None
        return key

    def _usable(self, key: ApiKey, now: float) -> ApiKey | None:
        """The key, unless it has expired or is a demo key outside development; its use is noted."""
        if is_expired(key.expires_at, self.clock()) or (key.demo and not self.allow_demo):
            return None
        with self._lock:
            due = now - self._last_used.get(key.key_id, float("-inf")) >= LAST_USED_EVERY_SECONDS
            if due:
                self._last_used[key.key_id] = now
        if due:
            self.lifecycle.used(key.key_id, self.clock().isoformat())
        return key

    def rotate(self, key_id: str, overlap: timedelta = DEFAULT_OVERLAP) -> tuple[ApiKey, str]:
        """A new key like `key_id` (role, channel, stores, label, rate limit); the old one keeps working for
        `overlap` and then expires (sooner if it was to expire sooner)."""
        if overlap < timedelta(0):
            raise ValueError("the overlap cannot be negative")
        row = self.tables.get_key(key_id)
        if row is None or row["revoked_at"] is not None:
            raise ValueError(f"no active key {key_id}")
        old = _from_row(row, self.lifecycle.get(key_id))
        if is_expired(old.expires_at, self.clock()):
            raise ValueError(f"key {key_id} has already expired; create a new one")
        key, token = self.create(old.role, channel=old.channel if old.role is Role.CHANNEL else None,
                                 stores=old.stores, label=old.label, rate_limit=old.rate_limit, demo=old.demo,
                                 rotated_from=key_id)
        self.lifecycle.expire_by(key_id, (self.clock() + overlap).isoformat())
        with self._lock:
            self._cache.pop(key_id, None)
        return key, token

    def revoke(self, key_id: str) -> bool:
        with self._lock:
            self._cache.pop(key_id, None)
        return self.tables.revoke_key(key_id, _now())

    def list(self) -> list[ApiKey]:
        lives = self.lifecycle.all()
        return [_from_row(row, lives.get(row["key_id"])) for row in self.tables.list_keys()]
