"""The connection budget: the most PostgreSQL connections each kind of process may hold, from its settings.

Every process opens a few connection pools (the event store's, the read side's, the API's own tables') and
each pool grows on demand to a maximum set in `Settings` (`for_role` picks the sizes for the process). This
module lists which pools each process opens, so the sum of their maxima is the most that process can ever
hold; `tests/e2e/test_connection_budget.py` checks the list against pg_stat_activity for a real `loyalty
serve` and `loyalty worker` under load, and that a whole deployment fits in PostgreSQL's default
`max_connections` (docs/operations.md "Connection budget").
"""

from __future__ import annotations

from typing import Mapping

from loyalty_core.settings import Settings

POOLS_BY_ROLE: dict[str, tuple[str, ...]] = {
    # `in_flight`: the in-flight lane's own connection, which holds the Idempotency-Keys' advisory locks
    # (api/inflight_lane.py).
    "api": ("ledger", "read", "tables", "in_flight"),
    # `loyalty worker`: the runtime's event store (scheduled work), the read side, and the read side's own
    # handle on the event store (opened under the setup lock).
    "worker": ("ledger", "ledger", "read"),
    "rebuild": ("ledger", "read"),
    "webhooks": ("ledger", "tables"),
    "messages": ("ledger", "read"),
}
"""Which pools each kind of process opens (a pool named twice is opened twice)."""

POSTGRES_DEFAULT_MAX_CONNECTIONS = 100
POSTGRES_RESERVED_CONNECTIONS = 3
"""`superuser_reserved_connections`: kept for an administrator, never available to the service."""


def pool_size(settings: Settings, pool: str) -> int:
    """The most connections one pool of this kind opens under these (role-sized) settings."""
    return {"ledger": settings.pool_size, "read": settings.read_pool_size,
            "tables": settings.tables_pool_size, "in_flight": 1}[pool]


def process_most(settings: Settings, role: str) -> int:
    """The most connections one process of `role` can hold; for a rebuild, the processes it replays in
    together (the rebuilding process closes its own pools while they run: projections/rebuild.py)."""
    sized = settings.for_role(role)
    each = sum(pool_size(sized, pool) for pool in POOLS_BY_ROLE[role])
    return each * settings.rebuild_processes if role == "rebuild" else each


def deployment_most(settings: Settings, processes: Mapping[str, int]) -> int:
    """The most connections a deployment of `processes` (role -> how many) can hold at once."""
    return sum(count * process_most(settings, role) for role, count in processes.items())


COMPOSE_WITH_FOUR_APIS: dict[str, int] = {"api": 4, "worker": 1, "webhooks": 1, "messages": 1, "rebuild": 1}
"""docker-compose.yml's stack scaled to four API processes, while an operator runs a rebuild."""
