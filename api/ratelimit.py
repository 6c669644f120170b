"""Per-key rate limits, configurable per role (`limits` notation), counted where every API process sees
them: PostgreSQL or Redis (api/shared_state.py), so N processes never give a key N times its limit; in
memory only on SQLite, which runs one process."""

from __future__ import annotations

import asyncio
from typing import Mapping, Sequence

import limits
from starlette.concurrency import run_in_threadpool

from api.errors import ApiProblem
from api.shared_state import Limiter, local_state


class RateLimits:
    def __init__(self, per_role: Mapping[str, str], limiter: Limiter | None = None):
        self.items = {role: limits.parse_many(spec) for role, spec in per_role.items() if spec}
        self.limiter = limiter or local_state().limiter

    def check(self, role: str, key_id: str, own_limit: str | None = None) -> None:
        """Count one request for `key_id` against its own limit if it has one, else its role's; refuse with
        429 and Retry-After when a window is full."""
        for item in self._items(role, own_limit):
            if not self.limiter.hit(item, role, key_id):
                self._refuse(item, self.limiter.retry_after(item, role, key_id))

    async def check_async(self, role: str, key_id: str, own_limit: str | None = None) -> None:
        """`check` for the event loop, with the limiter's lane: each hit waits for the lane's next round
        trip (shared by every request waiting) instead of holding a thread and a connection of its own. In
        order, as `check` does: a window that refuses stops the windows after it being counted."""
        lane = self.limiter.lane  # type: ignore[attr-defined]
        for item in self._items(role, own_limit):
            # Shielded: a request cancelled meanwhile must not cancel the future the lane is about to answer.
            if not await asyncio.shield(asyncio.wrap_future(lane.hit(item, role, key_id))):
                self._refuse(item, await run_in_threadpool(self.limiter.retry_after, item, role, key_id))

    @property
    def has_lane(self) -> bool:
        """PostgreSQL: the limiter counts through a lane (`check_async`); else hits go through `check`."""
        return hasattr(self.limiter, "lane")

    def _items(self, role: str, own_limit: str | None) -> Sequence[limits.RateLimitItem]:
        return limits.parse_many(own_limit) if own_limit else self.items.get(role, ())

    @staticmethod
    def _refuse(item: limits.RateLimitItem, retry_after: int) -> None:
        raise ApiProblem(429, "rate_limited", f"rate limit of {item} for this key exceeded",
                         headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
