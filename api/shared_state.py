"""State every API process must share: rate-limit counters and the keys of requests in flight.

One process could keep both in memory; N processes (or hosts) behind a load balancer would each give a key
its whole limit (N times the limit in all) and could run the same Idempotency-Key twice at once. So where
the state lives follows the deployment:

- `LOYALTY_REDIS_URL` set: Redis. Rate limits use the `limits` library's moving window on its Redis storage
  (the same algorithm as in memory); a request in flight is a `SET NX PX` key, released by a
  compare-and-delete.
- PostgreSQL without Redis: a small table in the store and advisory locks. A rate limit is a sliding-window
  counter (the current fixed window's hits plus the previous window's weighted by how much of it still
  overlaps), counted and checked in ONE upsert, so two processes can never both take the last slot; a
  request in flight is a session advisory lock of its key, held by the process's in-flight lane with a lease
  of its own (api/inflight_lane.py: a process killed mid-request frees its keys with its connection).
- SQLite: one process by construction (the file lock), so memory, as before.

A database or Redis that does not answer is `StoreUnavailable` (503 with Retry-After), never a pass.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
import time
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any, Callable, Protocol

import limits
from limits.storage import MemoryStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from api.inflight_lane import InFlightLane
from loyalty_core.errors import StoreUnavailable
from projections.schema import TABLES, baseline, component
from projections.schema_runner import ensure, tables_target

log = logging.getLogger("loyalty.api.shared_state")

IN_FLIGHT_LEASE_SECONDS = 15
"""How long a request may hold its Idempotency-Key before the key is given up for another request to take.
A command takes milliseconds; this only matters for a request stuck that long. (A process that dies frees
its keys with its connection on PostgreSQL; on Redis, its keys wait out this lease: the SIGKILL fault test
measured 120 s of 409s with a 2-minute lease.) A short lease is safe: the registry only spares a duplicate
the work, while exactly-once comes from the ledger's receipt, written in the command's own transaction, so
two holders can never both take effect."""


REGISTRY_WAIT_SECONDS = 30.0
"""Longest a threadpool route waits for the in-flight lane's round (the pool's own checkout timeout and
PostgreSQL's answer come first; this only bounds a lane that cannot run at all)."""


class Limiter(Protocol):
    def hit(self, item: limits.RateLimitItem, *identifiers: str) -> bool: ...
    def test(self, item: limits.RateLimitItem, *identifiers: str) -> bool: ...
    def retry_after(self, item: limits.RateLimitItem, *identifiers: str) -> int: ...


class Registry(Protocol):
    def acquire(self, scope: str, key: str) -> str | None: ...
    def release(self, scope: str, key: str, token: str) -> None: ...


# --- in memory or Redis: the `limits` library ----------------------------------------------------------
class WindowLimiter:
    """The `limits` moving window on a storage of its own (memory) or shared (Redis)."""

    def __init__(self, storage: Storage, failures: tuple[type[Exception], ...] = ()):
        self.strategy = MovingWindowRateLimiter(storage)
        self.failures = failures

    def hit(self, item: limits.RateLimitItem, *identifiers: str) -> bool:
        return self._guard(lambda: self.strategy.hit(item, *identifiers))

    def test(self, item: limits.RateLimitItem, *identifiers: str) -> bool:
        return self._guard(lambda: self.strategy.test(item, *identifiers))

    def retry_after(self, item: limits.RateLimitItem, *identifiers: str) -> int:
        reset_at, _ = self._guard(lambda: self.strategy.get_window_stats(item, *identifiers))
        return max(1, math.ceil(reset_at - time.time()))

    def _guard(self, call: Callable[[], Any]) -> Any:
        try:
            return call()
        except self.failures as exc:
            raise StoreUnavailable(f"the shared rate-limit store is unavailable: {type(exc).__name__}") \
                from exc


class LocalRegistry:
    def __init__(self) -> None:
        self._keys: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def acquire(self, scope: str, key: str) -> str | None:
        with self._lock:
            if (scope, key) in self._keys:
                return None
            self._keys.add((scope, key))
            return "local"

    def release(self, scope: str, key: str, token: str) -> None:
        with self._lock:
            self._keys.discard((scope, key))


_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class RedisRegistry:
    def __init__(self, client: Any, prefix: str = "loyalty:inflight:"):
        import redis

        self.client, self.prefix = client, prefix
        self.failures = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        self._release = client.register_script(_RELEASE)

    def acquire(self, scope: str, key: str) -> str | None:
        token = secrets.token_hex(8)
        try:
            taken = self.client.set(f"{self.prefix}{scope}\x00{key}", token, nx=True,
                                    px=IN_FLIGHT_LEASE_SECONDS * 1000)
        except self.failures as exc:
            raise StoreUnavailable(f"the shared in-flight registry is unavailable: {type(exc).__name__}") \
                from exc
        return token if taken else None

    def release(self, scope: str, key: str, token: str) -> None:
        try:
            self._release(keys=[f"{self.prefix}{scope}\x00{key}"], args=[token])
        except self.failures:
            pass  # the lease ends on its own


# --- PostgreSQL: a small table, and advisory locks ----------------------------------------------------------
POSTGRES_DDL = (
    """CREATE TABLE IF NOT EXISTS api_rate_windows (
        rate_key TEXT NOT NULL, window_index BIGINT NOT NULL, hits INTEGER NOT NULL,
        expires_at DOUBLE PRECISION NOT NULL, PRIMARY KEY (rate_key, window_index))""",
    """CREATE TABLE IF NOT EXISTS api_in_flight (
        scope TEXT NOT NULL, request_key TEXT NOT NULL, token TEXT NOT NULL,
        lease_until DOUBLE PRECISION NOT NULL, PRIMARY KEY (scope, request_key))""",
)
# `api_in_flight` is no longer written (the keys in flight are advisory locks: api/inflight_lane.py); it stays
# for the previous release's processes during an upgrade.
#: PostgreSQL only (SQLite keeps this state in memory); migrated by projections/schema_runner.py.
SCHEMA = component("api_shared_state", TABLES, baseline(*POSTGRES_DDL))

# Count and check in one statement: the conflicting row is locked before the WHERE is evaluated, so two
# processes never both take the last slot; a first hit in a new window checks the previous window's weight.
_HIT = """
WITH previous AS (
    SELECT COALESCE(MAX(hits), 0) * %(weight)s AS weighted FROM api_rate_windows
    WHERE rate_key = %(key)s AND window_index = %(window)s - 1)
INSERT INTO api_rate_windows AS w (rate_key, window_index, hits, expires_at)
SELECT %(key)s, %(window)s, %(amount)s, %(expires_at)s FROM previous
WHERE previous.weighted + %(amount)s <= %(limit)s
ON CONFLICT (rate_key, window_index) DO UPDATE SET hits = w.hits + %(amount)s
WHERE w.hits + %(amount)s + (SELECT weighted FROM previous) <= %(limit)s
RETURNING hits"""


def vacuum(pool: Any, table: str) -> bool:
    """`VACUUM (SKIP_LOCKED)` a table the API churns; False (logged) when it could not be done.

    Every rate-limited request updates an `api_rate_windows` row: at till rates that is tens of thousands of
    dead rows a minute, which each count then steps over. Autovacuum looks at a database once a minute at
    best, and may be off (it is on this project's CI machine), so the lane that counts vacuums the table
    itself (api/limit_lane.py). SKIP_LOCKED: when another process is vacuuming it, skip.
    Never raises: a failed vacuum leaves the table as it was, and no request depends on it."""
    try:
        with pool.connection() as conn:
            conn.autocommit = True  # VACUUM cannot run inside a transaction block
            try:
                conn.execute(f"VACUUM (SKIP_LOCKED) {table}")
            finally:
                conn.autocommit = False  # the pool hands this connection to code that expects transactions
        return True
    except Exception as exc:  # noqa: BLE001 - housekeeping: log and carry on
        log.warning("could not vacuum %s: %s", table, exc)
        return False


class PostgresLimiter:
    """A sliding-window counter per rate key, shared by every process on the database."""

    TEST_CACHE_SECONDS = 1.0
    """How long a `test` that found room is believed in this process. The failed-authentication guard tests
    on every request; without this it would cost every request a round trip. A hit from this process
    forgets the belief at once; hits from other processes reach it within this long."""

    def __init__(self, pool: Any, clock: Callable[[], float] = time.time,
                 monotonic: Callable[[], float] = time.monotonic):
        self.pool, self.clock, self.monotonic = pool, clock, monotonic
        self._pruned_at = 0.0
        self._room_until: dict[str, float] = {}
        self._lane: Any = None
        self._lane_lock = threading.Lock()

    @property
    def lane(self) -> Any:
        """The hit lane for the event loop (api/limit_lane.py): the same counts, many keys per round trip."""
        if self._lane is None:
            with self._lane_lock:
                if self._lane is None:
                    from api.limit_lane import HitLane

                    self._lane = HitLane(self)
        return self._lane

    def believes_room(self, item: limits.RateLimitItem, *identifiers: str) -> bool:
        """A `test` in this process found room less than TEST_CACHE_SECONDS ago (no round trip)."""
        return self._room_until.get(item.key_for(*identifiers), 0.0) > self.monotonic()

    def _window(self, item: limits.RateLimitItem) -> tuple[int, int, float]:
        expiry = item.get_expiry()
        now = self.clock()
        window, elapsed = divmod(now, expiry)
        return expiry, int(window), 1.0 - elapsed / expiry

    def hit(self, item: limits.RateLimitItem, *identifiers: str) -> bool:
        self._room_until.pop(item.key_for(*identifiers), None)
        expiry, window, weight = self._window(item)
        with self.pool.connection() as conn:
            row = conn.execute(_HIT, {"key": item.key_for(*identifiers), "window": window, "weight": weight,
                                      "amount": 1, "limit": item.amount,
                                      # a window counts while it is the current or the previous one
                                      "expires_at": (window + 2) * expiry}).fetchone()
            now = self.clock()
            if now - self._pruned_at > 60:
                self._pruned_at = now
                conn.execute("DELETE FROM api_rate_windows WHERE expires_at < %s", [now])
        return row is not None

    def _counts(self, item: limits.RateLimitItem,
                identifiers: tuple[str, ...]) -> tuple[int, int, float, int]:
        expiry, window, weight = self._window(item)
        with self.pool.connection() as conn:
            rows = dict(conn.execute(
                "SELECT window_index, hits FROM api_rate_windows WHERE rate_key = %s AND window_index >= %s",
                [item.key_for(*identifiers), window - 1]).fetchall())
        return rows.get(window - 1, 0), rows.get(window, 0), weight, expiry

    def test(self, item: limits.RateLimitItem, *identifiers: str) -> bool:
        key, now = item.key_for(*identifiers), self.monotonic()
        if self._room_until.get(key, 0.0) > now:
            return True
        previous, current, weight, _ = self._counts(item, identifiers)
        room = previous * weight + current + 1 <= item.amount
        if room:
            if len(self._room_until) > 10_000:  # many addresses: forget them all rather than grow
                self._room_until.clear()
            self._room_until[key] = now + self.TEST_CACHE_SECONDS
        return room

    def retry_after(self, item: limits.RateLimitItem, *identifiers: str) -> int:
        previous, current, weight, expiry = self._counts(item, identifiers)
        remaining_in_window = weight * expiry
        if current + 1 > item.amount or previous == 0:
            return max(1, math.ceil(remaining_in_window))  # only the next window frees a slot
        # The previous window's weight must fall until one slot is free: previous * w' + current + 1 <= limit.
        needed_weight = (item.amount - current - 1) / previous
        return max(1, math.ceil((weight - max(needed_weight, 0.0)) * expiry))


class PostgresRegistry:
    """Keys in flight as PostgreSQL session advisory locks, through this process's in-flight lane
    (api/inflight_lane.py), for the threadpool's routes (`acquire`, `release`) and the event loop's alike."""

    def __init__(self, pool: Any, clock: Callable[[], float] = time.time):
        self.pool, self.clock = pool, clock
        # Opens no connection and starts no thread until its first claim.
        self.lane = InFlightLane(pool, IN_FLIGHT_LEASE_SECONDS, clock)

    def acquire(self, scope: str, key: str) -> str | None:
        try:
            token: str | None = self.lane.claim(scope, key).result(timeout=REGISTRY_WAIT_SECONDS)
            return token
        except FutureTimeout:
            raise StoreUnavailable("the shared in-flight registry did not answer") from None

    def release(self, scope: str, key: str, token: str) -> None:
        try:
            self.lane.release(scope, key, token).result(timeout=REGISTRY_WAIT_SECONDS)
        except FutureTimeout:  # the command's outcome stands; the key is given up with its lease
            log.warning("could not release in-flight key %s/%s in time; its lease frees it", scope, key)


# --- choosing ------------------------------------------------------------------------------------------
@dataclass
class SharedState:
    kind: str
    """memory | postgres | redis: where the counters and the in-flight keys live."""
    limiter: Limiter
    registry: Registry


def local_state() -> SharedState:
    return SharedState("memory", WindowLimiter(MemoryStorage()), LocalRegistry())


def open_shared_state(redis_url: str, tables: Any) -> SharedState:
    """Redis when `redis_url` is set, else the API tables' PostgreSQL pool, else (SQLite) this process."""
    if redis_url:
        import redis
        from limits.storage import storage_from_string

        failures = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
        client = redis.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
        limiter = WindowLimiter(storage_from_string(redis_url), failures)
        return SharedState("redis", limiter, RedisRegistry(client))
    pool = getattr(tables, "pool", None)
    if pool is None:
        return local_state()
    ensure(tables_target(tables), SCHEMA)  # under the migrations' lock: processes start together
    return SharedState("postgres", PostgresLimiter(pool), PostgresRegistry(pool))
