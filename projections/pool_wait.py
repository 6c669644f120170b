"""A request waits for a pooled connection once, for at most `LOYALTY_POOL_TIMEOUT_SECONDS`.

When every connection of a pool is lent out, psycopg_pool makes the next caller wait up to the pool's timeout
and then raises `PoolTimeout`, an `OperationalError`. The eventsourcing library retries every
`OperationalError` of a read or a write ten times, 0.2 s apart (it means them for a dropped connection), so a
1 s bound held a request for 12 s (tests/faults/test_pool_exhaustion.py measured it). `bound_waits` makes
the pool say `PoolExhausted` instead: a `StoreUnavailable`, which the library lets through at once and the API
answers 503 `store_unavailable` with Retry-After; a group-committed batch that meets it fails whole, as for any
other store failure.
"""

from __future__ import annotations

from typing import Any

from psycopg_pool import ConnectionPool, PoolTimeout

from loyalty_core.errors import StoreUnavailable


class PoolExhausted(StoreUnavailable):
    """Every connection of a pool stayed lent out for the whole bounded wait."""


def bound_waits(datastore: Any) -> None:
    """Make a library datastore's pool refuse a caller it kept waiting its whole timeout, without the
    library's retries (SQLite datastores have no pool: nothing to do). Idempotent."""
    pool = getattr(datastore, "pool", None)
    if not isinstance(pool, ConnectionPool) or getattr(pool, "_loyalty_bounded", False):
        return
    waiting = pool.getconn  # psycopg_pool's `connection()` lends through `self.getconn`

    def getconn(timeout: float | None = None) -> Any:
        try:
            return waiting(timeout)
        except PoolTimeout as exc:
            raise PoolExhausted(f"no connection of pool {pool.name!r} came free in {pool.timeout:g} s") from exc

    pool.getconn = getconn  # type: ignore[method-assign]
    pool._loyalty_bounded = True  # type: ignore[attr-defined]  # noqa: SLF001
