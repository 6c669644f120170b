"""The in-flight registry on PostgreSQL: each Idempotency-Key in flight is a session advisory lock, taken and
given back many at a time by one lane thread, on one connection that holds them.

A key held by a live request anywhere is refused (409 at the route), by this process from its own list of
held keys and by every other process through PostgreSQL's lock; a release gives back only its own token's
key; a request that runs past its lease (`IN_FLIGHT_LEASE_SECONDS`) gives its key up at the next round, as a
lease does. The lock goes with its connection: a process that is killed, or a connection that breaks,
frees its keys as soon as PostgreSQL sees the connection close (TCP keepalives of a few seconds on the
session bound that for a host that vanished), where a row's lease made every retry of the dead process's
sales wait it out. Two claims of one key in the same round: the first may take it, the second is refused.

Why locks and not rows: the registry used to be a table (`api_in_flight`, a row inserted per claim and
deleted per release, vacuumed by the lane every 2,000 releases). Each command paid PostgreSQL an insert, a
delete, their index entries and WAL, and a committed transaction, on the two cores the service shares with
it; a lock is an entry in PostgreSQL's shared lock table, no row, no WAL, no vacuum. Measured over HTTP @32
(a fresh database per run, interleaved A/B/B/A ×2): 828 → 951 purchases/s (+15 %), p99 59–70 → 53–64 ms
(docs/benchmarks.md, notes). The table stays in the schema, unwritten, for the processes of the previous
release during an upgrade; the two registries do not see each other's keys meanwhile, which costs nothing but
the 409 (exactly-once never depended on it: the ledger writes a command's receipt in its own transaction).

The connection is the lane's own (not a pool's: it is held as long as any key is, and a pool of one would
starve), named `<name>-api:in_flight` and counted in the connection budget (loyalty_core/connection_budget.py;
the tables pool gave up one connection for it). It is opened on the first round, kept in autocommit (a lock
held inside an open transaction would keep that transaction open), and closed once the lane has been idle
`IDLE_SECONDS` with no key held. If it breaks, the round is tried once more on a new connection, which takes
the keys still held again (as the pools replace a dead connection); if none can be had, the claims of that
round are refused with `StoreUnavailable` (503, never a pass) and releases pass (the lock went with the
connection).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Callable

from api.lane import Lane
from loyalty_core.errors import StoreUnavailable

log = logging.getLogger("loyalty.api.inflight")

IDLE_SECONDS = 5.0
MAX_ROUND = 500

_TAKE = "SELECT pg_try_advisory_lock(k) FROM unnest(%s::bigint[]) WITH ORDINALITY AS u(k, n) ORDER BY n"
_GIVE_BACK = "SELECT pg_advisory_unlock(k) FROM unnest(%s::bigint[]) AS k"
# PostgreSQL notices a client host that vanished (no FIN) after ~25 s instead of the kernel's two hours, and
# frees that process's keys; ignored on a Unix socket, where the client is on PostgreSQL's own host.
_KEEPALIVES = ("SET tcp_keepalives_idle = 10", "SET tcp_keepalives_interval = 5",
               "SET tcp_keepalives_count = 3")


def lock_key(scope: str, key: str) -> int:
    """The advisory lock of an Idempotency-Key in its scope: 64 bits of a hash. Two keys in flight at once
    that shared one would only make the later wait (409, retry), never run twice or lose an answer."""
    digest = hashlib.blake2b(f"loyalty-in-flight\x00{scope}\x00{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@dataclass
class _Op:
    scope: str
    key: str
    token: str | None  # None: a claim
    future: Future = field(default_factory=Future)


@dataclass
class _Held:
    token: str
    lock: int
    until: float  # the lease: past it, the next round gives the key up


class InFlightLane(Lane[_Op]):
    thread_name, idle_seconds, max_round = "inflight-lane", IDLE_SECONDS, MAX_ROUND

    def __init__(self, pool: Any, lease_seconds: float, clock: Callable[[], float] = time.time):
        super().__init__()
        self.pool, self.lease_seconds, self.clock = pool, lease_seconds, clock
        self._held: dict[tuple[str, str], _Held] = {}  # only the lane's thread reads or changes it
        self._conn: Any = None

    def claim(self, scope: str, key: str) -> Future:
        """A future of the new token, or of None when a live request holds the key."""
        return self._submit(_Op(scope, key, None))

    def release(self, scope: str, key: str, token: str) -> Future:
        """A future that is done once the key is given back (or was already: a lease or a lost connection)."""
        return self._submit(_Op(scope, key, token))

    @property
    def held(self) -> int:
        """How many keys this process holds now."""
        return len(self._held)

    def _submit(self, op: _Op) -> Future:
        self._enqueue(op)
        return op.future

    def _round(self, ops: list[_Op]) -> None:
        """Give back the released keys and those past their lease, then take the claimed ones; with no
        `ops`, only the leases (from `_quiet`)."""
        import psycopg

        now = self.clock()
        give_back: list[int] = []
        for op in ops:
            if op.token is not None:
                held = self._held.get((op.scope, op.key))
                if held is not None and held.token == op.token:  # only its own token gives a key back
                    del self._held[(op.scope, op.key)]
                    give_back.append(held.lock)
        for name, held in list(self._held.items()):
            if held.until <= now:  # a request stuck past its lease gives its key up, as a row's lease did
                del self._held[name]
                give_back.append(held.lock)
        failure: StoreUnavailable | None = None
        try:
            # Before this round's claims are listed as held: a new connection takes again only the keys
            # held before (a session takes a lock it holds once more, and would then need two unlocks).
            conn = self._connection()
        except psycopg.Error as exc:
            self._lost_connection()
            conn, failure = None, self._unavailable(exc)
        asked = [op for op in ops if op.token is None]
        # The round's tokens from one read of the OS's source: 16 hex digits each, as `secrets.token_hex(8)`.
        drawn = secrets.token_hex(8 * len(asked)) if asked and conn is not None else ""
        claims: list[_Op] = []
        for n, op in enumerate(asked):
            if (op.scope, op.key) in self._held:  # held here (or claimed earlier in this round): refused
                op.future.set_result(None)
            elif failure is not None:
                op.future.set_exception(failure)
            else:
                op.token = drawn[16 * n:16 * (n + 1)]
                self._held[(op.scope, op.key)] = _Held(op.token, lock_key(op.scope, op.key),
                                                       now + self.lease_seconds)
                claims.append(op)
        try:
            if conn is not None and (give_back or claims):
                try:
                    taken = self._exchange(conn, give_back, claims)
                except psycopg.OperationalError:
                    if not conn.broken:
                        raise
                    # The connection died since the last round (the database restarted or dropped it): its
                    # locks went with it. Once more on a new one, as the pools replace a dead connection.
                    self._lost_connection()
                    conn = self._connection(skip={(o.scope, o.key) for o in claims})
                    taken = self._exchange(conn, [], claims)
                for op, took in zip(claims, taken):
                    if not took:  # another process holds it
                        del self._held[(op.scope, op.key)]
                    op.future.set_result(op.token if took else None)
        except psycopg.Error as exc:
            self._lost_connection()
            for op in claims:
                del self._held[(op.scope, op.key)]
                op.future.set_exception(self._unavailable(exc))
        except BaseException as exc:  # never leave a caller waiting
            for op in ops:
                if not op.future.done():
                    op.future.set_exception(exc)
            raise
        for op in ops:
            if not op.future.done():
                # The releases: the key is given back, or went with a lost connection; the command's
                # outcome stands either way.
                op.future.set_result(None)

    def _exchange(self, conn: Any, give_back: list[int], claims: list[_Op]) -> list[bool]:
        """Give back `give_back`, then try each claim's lock: one round trip. Whether each claim took it."""
        with conn.pipeline():
            if give_back:
                conn.execute(_GIVE_BACK, [give_back])
            locks = [self._held[(o.scope, o.key)].lock for o in claims]
            cursor = conn.execute(_TAKE, [locks]) if claims else None
        return [bool(row[0]) for row in cursor.fetchall()] if cursor is not None else []

    @staticmethod
    def _unavailable(exc: BaseException) -> StoreUnavailable:
        return StoreUnavailable(f"the shared in-flight registry is unavailable: {type(exc).__name__}")

    def _connection(self, skip: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset()) -> Any:
        """The lane's connection, opened on first use; after one was lost, the keys still held (but `skip`,
        this round's claims, about to be taken) are taken again on the new one (another process may have
        taken one meanwhile: logged)."""
        if self._conn is not None and not self._conn.closed:
            return self._conn
        import psycopg

        kwargs = dict(self.pool.kwargs)
        if kwargs.get("application_name"):  # `<name>-api:tables` -> `<name>-api:in_flight` (the budget)
            kwargs["application_name"] = kwargs["application_name"].rsplit(":", 1)[0] + ":in_flight"
        conn = psycopg.connect(self.pool.conninfo, autocommit=True, **kwargs)
        try:
            for statement in _KEEPALIVES:
                conn.execute(statement)
            held = [(name, h) for name, h in self._held.items() if name not in skip]
            if held:
                retaken = conn.execute(_TAKE, [[h.lock for _, h in held]]).fetchall()
                for (name, _), (took,) in zip(held, retaken):
                    if not took:
                        log.warning("in-flight key %s/%s was taken elsewhere while the connection was lost",
                                    *name)
        except BaseException:
            conn.close()
            raise
        self._conn = conn
        return conn

    def _lost_connection(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()  # its locks go with it

    def _wait_seconds(self) -> float:
        """While keys are held, the thread wakes by the first lease's end even with nothing queued: a request
        stuck in an otherwise quiet process must give its key up on time, as a row's lease did."""
        if not self._held:
            return self.idle_seconds
        first_end = min(held.until for held in self._held.values())
        return min(self.idle_seconds, max(first_end - self.clock(), 0.05))

    def _quiet(self) -> None:
        """Nothing queued for a while: give up the keys past their lease (a round trip, so not under the
        lane's lock, which the event loop takes to queue a claim)."""
        if self._held:
            self._round([])

    def _idle(self) -> bool:
        """Stop the thread, closing the connection, once no key is held (a held key keeps both, for its
        release)."""
        if self._held:
            return False
        self._lost_connection()
        return True
