"""Rate-limit hits on PostgreSQL for the event loop: every hit waiting is counted in one round trip.

Counting a request against its key's limit (`PostgresLimiter.hit`, api/shared_state.py) took a threadpool
thread, a checkout of the API tables' pool and a round trip, for every authenticated request; with 32 tills on
one key the pool was the queue. Here one lane thread takes every hit waiting, adds up the hits of each rate
key, and counts each key's sum with the limiter's own statement (`_HIT`, `amount` = the sum) in one pipelined
transaction, keys in sorted order (two processes' rounds never deadlock). The statement admits the whole sum
only if it fits under the limit, as it would admit each hit one after another; when it does not fit, that
key's hits are counted one at a time (amount 1) after the sums are committed, until one is refused, and the
rest of them are refused too (a window that refused one hit at this instant refuses the next). So the
counters, the limit and "two processes never both take the last slot" are exactly the limiter's. A database
that fails answers every hit of the round `StoreUnavailable` (503), never a pass.

Far from the limit a request need not wait for its count. Each round notes, per key, the room its window
had left once the round's sums were stored; until `BELIEF_SECONDS` later, this process may admit up to a
share of that room, `room // (2 * processes)` (`LOYALTY_WORKER_COUNT`, set by `loyalty serve --workers`),
without waiting: the hit is still queued and counted in the next round, only the request does not wait for
it (`admit_unwaited`). All processes together can so take at most half of the room they last saw, so the
window is never overrun by the hits nobody waited for; near the limit (a share of 0) every request waits
for its count as before, and the limit is exact there. Hits that then came back refused are logged.

Used by `RateLimits.check_async` (api/ratelimit.py) from the authentication dependency (api/deps.py) when
the shared state is PostgreSQL. The thread starts on the first hit and stops after `IDLE_SECONDS` idle.
"""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import limits

from api.lane import Lane
from api.shared_state import _HIT, PostgresLimiter
from loyalty_core.errors import StoreUnavailable

log = logging.getLogger("loyalty.api.limits")

IDLE_SECONDS = 5.0
MAX_ROUND = 1000
BELIEF_SECONDS = 1.0
"""How long the room a round saw may be spent without waiting: other processes' hits reach us within it."""


def _processes() -> int:
    """API processes sharing the counters on this machine (the supervisor tells each worker)."""
    try:
        return max(1, int(os.environ.get("LOYALTY_WORKER_COUNT", "1")))
    except ValueError:
        return 1


@dataclass
class _Belief:
    spare: int
    """Hits this process may still admit without waiting for their count."""
    until: float


@dataclass
class _Hit:
    item: limits.RateLimitItem
    identifiers: tuple[str, ...]
    future: Future = field(default_factory=Future)

    @property
    def group(self) -> tuple[str, int, int]:
        return self.item.key_for(*self.identifiers), self.item.amount, self.item.get_expiry()


class HitLane(Lane[_Hit]):
    thread_name, idle_seconds, max_round = "rate-limit-lane", IDLE_SECONDS, MAX_ROUND

    def __init__(self, limiter: PostgresLimiter, monotonic: Any = time.monotonic):
        super().__init__()
        self.limiter = limiter
        self.monotonic = monotonic
        self.processes = _processes()
        self._beliefs: dict[str, _Belief] = {}

    def hit(self, item: limits.RateLimitItem, *identifiers: str) -> Future:
        """A future of True (counted, within the limit) or False (refused)."""
        hit = _Hit(item, identifiers)
        self.limiter._room_until.pop(item.key_for(*identifiers), None)  # as PostgresLimiter.hit forgets it
        self._enqueue(hit)
        return hit.future

    def admit_unwaited(self, item: limits.RateLimitItem, *identifiers: str) -> bool:
        """Count a hit without waiting for it when the last round left this process a share of the room
        (True: admitted, the count follows in the next round); else False and nothing is queued."""
        belief = self._beliefs.get(item.key_for(*identifiers))
        if belief is None or belief.spare <= 0 or belief.until <= self.monotonic():
            return False
        belief.spare -= 1
        self.hit(item, *identifiers).add_done_callback(_unwaited_answer)
        return True

    def _believe(self, group: tuple[str, int, int], used: float | None) -> None:
        key, limit, _ = group
        if len(self._beliefs) > 10_000:  # many keys: forget them all rather than grow
            self._beliefs.clear()
        room = 0 if used is None else int(limit - used)
        self._beliefs[key] = _Belief(room // (2 * self.processes), self.monotonic() + BELIEF_SECONDS)

    def _round(self, hits: list[_Hit]) -> None:
        if not hits:
            return
        import psycopg
        import psycopg_pool

        unsorted: dict[tuple[str, int, int], list[_Hit]] = {}
        for hit in hits:
            unsorted.setdefault(hit.group, []).append(hit)
        # Rows are locked in key order, in every process: two lanes counting the same keys in one transaction
        # each never wait for each other in a cycle (a deadlock would refuse both rounds).
        groups = dict(sorted(unsorted.items()))
        limiter = self.limiter
        try:
            with limiter.pool.connection() as conn:
                now = limiter.clock()
                with conn.pipeline():
                    # Counters, not records: a crash may forget the last instant's hits (a few more requests
                    # then), and not waiting for the WAL flush keeps each round, and every request, short.
                    # Visibility and row locks, hence exactness across processes, are unchanged.
                    conn.execute("SET LOCAL synchronous_commit TO OFF")
                    sums = {group: conn.execute(_HIT, self._params(group, len(waiting), now))
                            for group, waiting in groups.items()}
                    stored = {group: cursor.fetchone() for group, cursor in sums.items()}
                conn.commit()  # the sums count now: what follows may lock rows out of key order
                admitted = {group: row is not None for group, row in stored.items()}
                for group, row in stored.items():
                    self._believe(group, None if row is None else row[0])
                answers: list[tuple[_Hit, bool]] = []
                for group, waiting in groups.items():
                    if admitted[group]:
                        answers += [(hit, True) for hit in waiting]
                        continue
                    # Not all of them fit: one at a time until the window refuses one.
                    room = True
                    for hit in waiting:
                        if room:
                            room = conn.execute(_HIT, self._params(group, 1, now)).fetchone() is not None
                        answers.append((hit, room))
                if now - limiter._pruned_at > 60:
                    limiter._pruned_at = now
                    conn.execute("DELETE FROM api_rate_windows WHERE expires_at < %s", [now])
            # Answered once committed: a hit is admitted only when its count is stored.
            for hit, answer in answers:
                hit.future.set_result(answer)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            failure = StoreUnavailable(f"the shared rate-limit store is unavailable: {type(exc).__name__}")
            for hit in hits:
                if not hit.future.done():
                    hit.future.set_exception(failure)
        except BaseException as exc:  # never leave a caller waiting
            for hit in hits:
                if not hit.future.done():
                    hit.future.set_exception(exc)
            raise

    @staticmethod
    def _params(group: tuple[str, int, int], amount: int, now: float) -> dict[str, Any]:
        key, limit, expiry = group
        window, elapsed = divmod(now, expiry)
        return {"key": key, "window": int(window), "weight": 1.0 - elapsed / expiry, "amount": amount,
                "limit": limit, "expires_at": (int(window) + 2) * expiry}


def _unwaited_answer(future: Future) -> None:
    """A hit admitted without waiting that its window then refused (other processes took the room first),
    or that could not be counted: the request was served; say so, as the limit was overrun by it."""
    failure = future.exception()
    if failure is not None or not future.result():
        log.warning("a request admitted without waiting for its rate-limit count was then %s",
                    "not counted (%s)" % type(failure).__name__ if failure is not None else "over the limit")
