"""Per-key rate limits, configurable per role, in memory (the `limits` library's moving window).

In memory means per process: with N server processes a key gets up to N times its limit. That is the
documented trade-off for not needing Redis; the limits exist to stop a runaway till or script, not to bill.
"""

from __future__ import annotations

import math
import time
from typing import Mapping

import limits
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from api.errors import ApiProblem


class RateLimits:
    def __init__(self, per_role: Mapping[str, str]):
        self.items = {role: limits.parse_many(spec) for role, spec in per_role.items() if spec}
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def check(self, role: str, key_id: str) -> None:
        """Count one request for `key_id`; refuse with 429 and Retry-After when a window is full."""
        for item in self.items.get(role, ()):
            if not self.limiter.hit(item, role, key_id):
                reset_at, _ = self.limiter.get_window_stats(item, role, key_id)
                retry_after = max(1, math.ceil(reset_at - time.time()))
                raise ApiProblem(429, "rate_limited", f"rate limit of {item} for this key exceeded",
                                 headers={"Retry-After": str(retry_after)}, retry_after=retry_after)
