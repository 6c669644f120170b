"""Transient keys: personal values that must be read back before any member exists, sealed for a day or two.

A one-time code to a number not enrolled yet, a member-app session begun by such a number, a shop's answer
that names nobody: each must be read back (to send the code, to show and enrol the number, to replay the
answer), and none has a member whose key could seal it. What reaches PostgreSQL is never rewritten (dead
tuples, WAL, replicas keep it), so deleting such a row later is not enough: it is sealed instead, under a key
that is destroyed soon after, and every copy of it then becomes unreadable.

A transient key is a data key like a member's, made and kept by the vault (loyalty_core/privacy/vault.py:
wrapped under the KEK in `member_keys`, destroyed by `erase`, which leaves a tombstone) under an id no member
has: `uuid5("loyalty:transient-key/<day>")`, one per UTC day. A value sealed on day D opens until the end of
day D + `RETENTION_SECONDS`; after that it reads as "đã xoá", whether or not the key is gone yet. The key is
destroyed by the sweep (`TransientKeys.sweep`), which a process holding the API tables runs at most once a
day (on its first seal, or its first member-app session read, of the day) and on every erasure;
`api_transient_keys` records which days were destroyed, so a day nobody swept (the API was down, or only the
messages dispatcher sealed there) is destroyed by the next sweep.

Stored form: `\\x1et1.<day>.` + the vault's sealed value. Without an open store (pure unit tests) nothing is
sealed, as everywhere else (docs/privacy.md).
"""

from __future__ import annotations

import time
from typing import Any, Callable
from uuid import NAMESPACE_URL, UUID, uuid5

from loyalty_core.privacy.tokens import ERASED
from loyalty_core.privacy.vault import current as current_vault
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

PREFIX = "\x1et1."
PERIOD_SECONDS = 86_400
RETENTION_SECONDS = 86_400
"""How long after its day ends a transient value stays readable: the longest any of them is needed. A code
lives 5 minutes, an unbound session an hour; a shop's answer naming nobody replays the same for at least a
day (later its personal fields read "đã xoá", its status and figures unchanged)."""

_DDL = """CREATE TABLE IF NOT EXISTS api_transient_keys (
    period BIGINT PRIMARY KEY,
    key_id TEXT NOT NULL,
    noted_at DOUBLE PRECISION NOT NULL,
    destroyed_at DOUBLE PRECISION)"""
#: Migrated when first opened (projections/schema_runner.py; docs/operations.md, "Migrations").
SCHEMA = component("api_transient_keys", TABLES, baseline(_DDL))

Clock = Callable[[], float]


def period_of(at: float) -> int:
    return int(at // PERIOD_SECONDS)


def key_id(period: int) -> UUID:
    return uuid5(NAMESPACE_URL, f"loyalty:transient-key/{period}")


def readable(period: int, now: float) -> bool:
    return now < (period + 1) * PERIOD_SECONDS + RETENTION_SECONDS


def is_transient(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def seal(field: str, plaintext: str, now: float | None = None) -> str:
    """`plaintext` sealed under today's transient key (as it is without an open store)."""
    vault = current_vault()
    if vault is None:
        return plaintext
    period = period_of(time.time() if now is None else now)
    return f"{PREFIX}{period}.{vault.seal(key_id(period), field, plaintext)}"


def unseal(field: str, value: Any, now: float | None = None) -> Any:
    """The plaintext of a transient value while its day's key lives; "đã xoá" after; any other value as it is."""
    if not is_transient(value):
        return value
    day, _, sealed = value[len(PREFIX):].partition(".")
    vault = current_vault()
    if vault is None or not day.isdigit() or not readable(int(day), time.time() if now is None else now):
        return ERASED
    return vault.unseal(key_id(int(day)), field, sealed)


class TransientKeys:
    """The sweep that destroys the keys of days past their retention, and the table that remembers it."""

    def __init__(self, tables: Any, clock: Clock = time.time):
        # `_run` is ApiTables' one-statement transaction with `?` placeholders on both stores.
        self._run = tables._run
        self.clock = clock
        ensure(tables_target(tables), SCHEMA)
        self._swept: int | None = None

    def seal(self, field: str, plaintext: str) -> str:
        now = self.clock()
        self.note(now)
        return seal(field, plaintext, now)

    def unseal(self, field: str, value: Any) -> Any:
        return unseal(field, value, self.clock())

    def note(self, now: float) -> None:
        """Remember today's key (so the sweep knows where to begin) and sweep, once a day per process."""
        period = period_of(now)
        if self._swept == period:
            return
        self._run("INSERT INTO api_transient_keys (period, key_id, noted_at, destroyed_at) VALUES (?, ?, ?, NULL) "
                  "ON CONFLICT (period) DO NOTHING", [period, str(key_id(period)), now])
        self.sweep(now)
        self._swept = period

    def sweep(self, now: float | None = None) -> list[int]:
        """Destroy every day's key past its retention that is not destroyed yet; the days destroyed."""
        now = self.clock() if now is None else now
        last = period_of(now) - 1 - -(-RETENTION_SECONDS // PERIOD_SECONDS)  # the newest day no longer readable
        rows = self._run("SELECT max(CASE WHEN destroyed_at IS NOT NULL THEN period END) AS done, "
                         "min(CASE WHEN destroyed_at IS NULL THEN period END) AS pending FROM api_transient_keys")
        done, pending = (rows[0]["done"], rows[0]["pending"]) if rows else (None, None)
        first = int(done) + 1 if done is not None else (int(pending) if pending is not None else None)
        vault = current_vault()
        if first is None or vault is None:
            return []
        destroyed = []
        owner = getattr(vault, "owner", None)  # several stores open (a tool, a test run): the one holding the key
        for period in range(first, last + 1):  # days nobody noted too: a process without the tables sealed there
            (owner(key_id(period)) if owner is not None else vault).erase(key_id(period))
            self._run("INSERT INTO api_transient_keys (period, key_id, noted_at, destroyed_at) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (period) DO UPDATE SET destroyed_at = excluded.destroyed_at",
                      [period, str(key_id(period)), now, now])
            destroyed.append(period)
        return destroyed


def transient_keys(tables: Any) -> TransientKeys:
    """The one TransientKeys of these tables (so the daily sweep runs once per process, not once per user)."""
    keys = getattr(tables, "_transient_keys", None)
    if keys is None:
        keys = tables._transient_keys = TransientKeys(tables)
    return keys  # type: ignore[no-any-return]


__all__ = ["PREFIX", "TransientKeys", "is_transient", "seal", "transient_keys", "unseal"]
