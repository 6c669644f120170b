"""Per-key rate limits, configurable per role (`limits` notation), counted where every API process sees
them: PostgreSQL or Redis (api/shared_state.py), so N processes never give a key N times its limit; in
memory only on SQLite, which runs one process."""

from __future__ import annotations

from typing import Mapping

import limits

from api.errors import ApiProblem
from api.shared_state import Limiter, local_state


class RateLimits:
    def __init__(self, per_role: Mapping[str, str], limiter: Limiter | None = None):
        self.items = {role: limits.parse_many(spec) for role, spec in per_role.items() if spec}
        self.limiter = limiter or local_state().limiter

    def check(self, role: str, key_id: str, own_limit: str | None = None) -> None:
        """Count one request for `key_id` against its own limit if it has one, else its role's; refuse with
        429 and Retry-After when a window is full."""
        items = limits.parse_many(own_limit) if own_limit else self.items.get(role, ())
        for item in items:
            if not self.limiter.hit(item, role, key_id):
                retry_after = self.limiter.retry_after(item, role, key_id)
                raise ApiProblem(429, "rate_limited", f"rate limit of {item} for this key exceeded",
                                 headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
