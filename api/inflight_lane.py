"""The in-flight registry on PostgreSQL for async routes: many claims and releases in one round trip, no thread
held per request.

`PostgresRegistry` (api/shared_state.py) costs a request two checkouts and two round trips (claim, release)
from a threadpool thread. An async route cannot block the event loop on them, and a thread hop each way cost
more than the statements. Here one lane thread takes every claim and release waiting in its queue, runs them
as two statements (releases first, then claims) in one pipelined transaction, and answers each caller's
future. The rows, the lease and the answers are exactly the registry's: a key held by a live lease is
refused (409 at the route), a lease that ran out is taken over, and a release deletes only its own token.
Two claims of one key in the same round are decided here: the first may take it, the second is refused, as
the database would refuse it a moment later.

Each command leaves a dead row behind (a claim inserts it, the release deletes it), so after every
`VACUUM_AFTER_RELEASES` releases the lane vacuums the table itself, once the round's callers are answered
(api/shared_state.py `vacuum`): left to autovacuum (once a minute at best, or off), the dead rows made every
later claim and release slower, the longer a server ran.

The thread starts on the first request and stops after `IDLE_SECONDS` without work, so an app that is
closed (or a test's many apps) leaves no thread behind for long.
"""

from __future__ import annotations

import logging
import secrets
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable

from api.lane import Lane
from api.shared_state import vacuum
from loyalty_core.errors import StoreUnavailable

log = logging.getLogger("loyalty.api.inflight")

IDLE_SECONDS = 5.0
MAX_ROUND = 500
VACUUM_AFTER_RELEASES = 2_000

_RELEASE = """DELETE FROM api_in_flight AS f USING unnest(%s::text[], %s::text[], %s::text[]) AS r(scope, request_key,
token) WHERE f.scope = r.scope AND f.request_key = r.request_key AND f.token = r.token"""

_CLAIM = """INSERT INTO api_in_flight AS f (scope, request_key, token, lease_until)
SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::float8[])
ON CONFLICT (scope, request_key) DO UPDATE SET token = EXCLUDED.token, lease_until = EXCLUDED.lease_until
WHERE f.lease_until < %s RETURNING scope, request_key, token"""


@dataclass
class _Op:
    scope: str
    key: str
    token: str | None  # None: a claim
    future: Future = field(default_factory=Future)


class InFlightLane(Lane[_Op]):
    thread_name, idle_seconds, max_round = "inflight-lane", IDLE_SECONDS, MAX_ROUND

    def __init__(self, pool: Any, lease_seconds: float, clock: Callable[[], float] = time.time):
        super().__init__()
        self.pool, self.lease_seconds, self.clock = pool, lease_seconds, clock
        self.released_since_vacuum = 0

    def claim(self, scope: str, key: str) -> Future:
        """A future of the new token, or of None when a live lease holds the key."""
        return self._submit(_Op(scope, key, None))

    def release(self, scope: str, key: str, token: str) -> Future:
        """A future that is done once the row is gone (or could not be deleted: its lease frees it)."""
        return self._submit(_Op(scope, key, token))

    def _submit(self, op: _Op) -> Future:
        self._enqueue(op)
        return op.future

    def _round(self, ops: list[_Op]) -> None:
        if not ops:
            return
        import psycopg
        import psycopg_pool

        releases = [op for op in ops if op.token is not None]
        claims: list[_Op] = []
        seen: set[tuple[str, str]] = set()
        for op in ops:
            if op.token is None:
                if (op.scope, op.key) in seen:  # the same key twice in this round: the later one waits its turn
                    op.future.set_result(None)
                    continue
                seen.add((op.scope, op.key))
                claims.append(op)
        # The round's tokens from one read of the OS's source (each read lets go of the GIL, and getting it
        # back waited for the server's busy threads): 16 hex digits each, as `secrets.token_hex(8)` gives.
        drawn = secrets.token_hex(8 * len(claims)) if claims else ""
        for n, op in enumerate(claims):
            op.token = drawn[16 * n:16 * (n + 1)]
        now = self.clock()
        try:
            with self.pool.connection() as conn, conn.pipeline():
                if releases:
                    conn.execute(_RELEASE, [[o.scope for o in releases], [o.key for o in releases],
                                            [o.token for o in releases]])
                taken: set[tuple[str, str, str]] = set()
                if claims:
                    cursor = conn.execute(_CLAIM, [[o.scope for o in claims], [o.key for o in claims],
                                                   [o.token for o in claims],
                                                   [now + self.lease_seconds] * len(claims), now])
                    taken = {(r[0], r[1], r[2]) for r in cursor.fetchall()}
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            for op in releases:  # the command's outcome stands; the key is freed when its lease ends
                log.warning("could not release in-flight key %s/%s; its lease frees it", op.scope, op.key)
                op.future.set_result(None)
            failure = StoreUnavailable(f"the shared in-flight registry is unavailable: {type(exc).__name__}")
            for op in claims:
                op.future.set_exception(failure)
            return
        except BaseException as exc:  # never leave a caller waiting
            for op in releases + claims:
                if not op.future.done():
                    op.future.set_exception(exc)
            raise
        for op in releases:
            op.future.set_result(None)
        for op in claims:
            op.future.set_result(op.token if (op.scope, op.key, op.token) in taken else None)
        self.released_since_vacuum += len(releases)
        if self.released_since_vacuum >= VACUUM_AFTER_RELEASES:
            self.released_since_vacuum = 0
            vacuum(self.pool, "api_in_flight")
