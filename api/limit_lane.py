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

After each minute's prune of expired windows the lane vacuums the table (api/shared_state.py `vacuum`), once
the round's callers are answered: every count leaves an old row version behind.

Used by `RateLimits.check_async` (api/ratelimit.py) from the authentication dependency (api/deps.py) when
the shared state is PostgreSQL. The thread starts on the first hit and stops after `IDLE_SECONDS` idle.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

import limits

from api.lane import Lane
from api.shared_state import _HIT, PostgresLimiter, vacuum
from loyalty_core.errors import StoreUnavailable

log = logging.getLogger("loyalty.api.limits")

IDLE_SECONDS = 5.0
MAX_ROUND = 1000


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

    def __init__(self, limiter: PostgresLimiter):
        super().__init__()
        self.limiter = limiter

    def hit(self, item: limits.RateLimitItem, *identifiers: str) -> Future:
        """A future of True (counted, within the limit) or False (refused)."""
        hit = _Hit(item, identifiers)
        self.limiter._room_until.pop(item.key_for(*identifiers), None)  # as PostgresLimiter.hit forgets it
        self._enqueue(hit)
        return hit.future

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
                    admitted = {group: cursor.fetchone() is not None for group, cursor in sums.items()}
                conn.commit()  # the sums count now: what follows may lock rows out of key order
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
                pruned = now - limiter._pruned_at > 60
                if pruned:
                    limiter._pruned_at = now
                    conn.execute("DELETE FROM api_rate_windows WHERE expires_at < %s", [now])
            # Answered once committed: a hit is admitted only when its count is stored.
            for hit, answer in answers:
                hit.future.set_result(answer)
            if pruned:  # the pruned rows and a minute of counts' old row versions (api/shared_state.py vacuum)
                vacuum(limiter.pool, "api_rate_windows")
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
