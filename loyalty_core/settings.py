"""Configuration, read once from the environment at start-up.

`LOYALTY_DATABASE_URL` chooses the store for every command and process: `sqlite:///path/to/loyalty.db`
or `postgresql://user@host:port/dbname`; unset, a SQLite file under `./data/`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Mapping
from urllib.parse import parse_qs, unquote, urlparse

DEFAULT_DATABASE_URL = "sqlite:///data/loyalty.db"


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    program_code: str = "CPSG"
    aggregate_cache_size: int = 10_000
    snapshot_interval: int = 100
    pool_size: int = 8
    """`LOYALTY_POOL_SIZE`: the most PostgreSQL connections this process's event store pool opens (the API's
    request threads share it). Every pool keeps one connection open and grows on demand; see
    docs/operations.md "Connection budget" for what each process opens."""
    read_pool_size: int = 3
    """`LOYALTY_READ_POOL_SIZE`: the most connections of the API's read-side pool (statistics, timelines)."""
    tables_pool_size: int = 3
    """`LOYALTY_TABLES_POOL_SIZE`: the most connections of the API's own tables' pool (keys, idempotency,
    webhooks, rate limits: on PostgreSQL every authenticated request counts its limit here). 4 until the
    in-flight keys moved to a connection of their own (api/inflight_lane.py): the process's budget is the
    same."""
    worker_pool_size: int = 2
    """`LOYALTY_WORKER_POOL_SIZE`: the most connections of each pool of `loyalty worker` and of a rebuild
    (one thread each: two is enough for a transaction plus the setup lock)."""
    rebuild_processes: int = 2
    """`LOYALTY_REBUILD_PROCESSES`: how many processes a rebuild of a long log (50,000 notifications or more,
    PostgreSQL) replays in, the projections split between them; 1 replays in the rebuilding process itself.
    Each holds the rebuild's pools (docs/operations.md "Connection budget"); more than the cores left to
    Python by PostgreSQL gains nothing."""
    dispatcher_pool_size: int = 2
    """`LOYALTY_DISPATCHER_POOL_SIZE`: the most connections of each pool of the webhook and message
    dispatchers."""
    pool_timeout_seconds: int = 10
    """`LOYALTY_POOL_TIMEOUT_SECONDS`: the longest a request waits for a PostgreSQL connection of a pool (all
    lent out, or the server slow to accept one) before it is refused as `store_unavailable` (503, Retry-After),
    so more requests than the pools serve queue for a bounded time instead of hanging."""
    lock_timeout_seconds: int = 5
    """`LOYALTY_LOCK_TIMEOUT_SECONDS`: the longest a write waits for the events table's lock (another
    transaction holding it: a stuck writer, a maintenance `LOCK TABLE`) before it gives up; the write is
    rolled back whole and its callers get `store_unavailable` (503, Retry-After). 0 waits for ever."""
    application_name: str = "loyalty"
    """`LOYALTY_APPLICATION_NAME`: the prefix of every connection's PostgreSQL `application_name`, followed
    by the process role and the pool (`loyalty-worker:ledger`), so pg_stat_activity shows who holds what."""
    role: str = "cli"
    """The process this is (api, worker, rebuild, webhooks, messages, cli): chosen by the command, never
    by the environment; `for_role` sizes the pools for it."""
    point_value_vnd: Decimal = Decimal(100)
    """What one point is worth when spent, for the read side's liability and campaign cost; keep it equal
    to the program's `point_value` (the demo program's is 100 ₫)."""
    churn_after_days: int = 90
    checkpoint_every: int = 10_000
    """How many events the audit hash chain links between two checkpoints."""
    card_key: str = field(default="", repr=False)
    """`LOYALTY_CARD_KEY`: the secret member card codes derive from (`loyalty_core.card_code`), at least 16
    characters, the same in every API process. Unset, each process makes a random one: fine for one
    process (cards just show a fresh code after a restart), wrong behind a load balancer."""

    kek_file: str = ""
    """`LOYALTY_KEK_FILE`: a file holding the secret personal data is sealed under (docs/privacy.md)."""
    kek: str = field(default="", repr=False)
    """`LOYALTY_KEK`: the same secret given directly (prefer the file)."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        return cls(
            database_url=environ.get("LOYALTY_DATABASE_URL") or DEFAULT_DATABASE_URL,
            program_code=environ.get("LOYALTY_PROGRAM", "CPSG"),
            aggregate_cache_size=int(environ.get("LOYALTY_CACHE_SIZE", "10000")),
            snapshot_interval=int(environ.get("LOYALTY_SNAPSHOT_INTERVAL", "100")),
            pool_size=_positive(environ, "LOYALTY_POOL_SIZE", 8),
            read_pool_size=_positive(environ, "LOYALTY_READ_POOL_SIZE", 3),
            tables_pool_size=_positive(environ, "LOYALTY_TABLES_POOL_SIZE", 3),
            worker_pool_size=_positive(environ, "LOYALTY_WORKER_POOL_SIZE", 2),
            dispatcher_pool_size=_positive(environ, "LOYALTY_DISPATCHER_POOL_SIZE", 2),
            rebuild_processes=_positive(environ, "LOYALTY_REBUILD_PROCESSES", 2, unit="processes", most=16),
            pool_timeout_seconds=_seconds(environ, "LOYALTY_POOL_TIMEOUT_SECONDS", 10, least=1),
            lock_timeout_seconds=_seconds(environ, "LOYALTY_LOCK_TIMEOUT_SECONDS", 5, least=0),
            application_name=environ.get("LOYALTY_APPLICATION_NAME") or "loyalty",
            point_value_vnd=Decimal(environ.get("LOYALTY_POINT_VALUE_VND", "100")),
            churn_after_days=int(environ.get("LOYALTY_CHURN_AFTER_DAYS", "90")),
            checkpoint_every=int(environ.get("LOYALTY_CHECKPOINT_EVERY", "10000")),
            card_key=environ.get("LOYALTY_CARD_KEY", ""),
            kek_file=environ.get("LOYALTY_KEK_FILE", ""),
            kek=environ.get("LOYALTY_KEK", ""),
        )

    def for_role(self, role: str) -> Settings:
        """These settings for one kind of process: its pools sized to what that process really does."""
        if role == "api":
            return replace(self, role=role)
        size = {"worker": self.worker_pool_size, "rebuild": self.worker_pool_size,
                "webhooks": self.dispatcher_pool_size, "messages": self.dispatcher_pool_size}.get(role, 2)
        return replace(self, role=role, pool_size=size, read_pool_size=size, tables_pool_size=size)

    def connection_name(self, pool: str) -> str:
        """The `application_name` of this process's connections of one pool (ledger, read, tables)."""
        return f"{self.application_name}-{self.role}:{pool}"[:63]  # PostgreSQL keeps 63 bytes

    @property
    def is_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql://", "postgres://"))


def _positive(environ: Mapping[str, str], name: str, default: int, *, unit: str = "connections",
              most: int = 200) -> int:
    text = environ.get(name) or str(default)
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of {unit}, got {text!r}") from None
    if not 1 <= value <= most:
        raise ValueError(f"{name} must be between 1 and {most} {unit}, got {value}")
    return value


def _seconds(environ: Mapping[str, str], name: str, default: int, least: int) -> int:
    text = environ.get(name) or str(default)
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number of seconds, got {text!r}") from None
    if not least <= value <= 3600:
        raise ValueError(f"{name} must be between {least} and 3600 seconds, got {value}")
    return value


def store_env(settings: Settings, pool_size: int | None = None) -> dict[str, str]:
    """The eventsourcing environment for the configured store (never the silent in-memory default).

    A pool keeps one connection open and opens more on demand up to `pool_size` (the ledger's size unless
    given); psycopg_pool closes the extra ones after ten idle minutes."""
    most = settings.pool_size if pool_size is None else pool_size
    url = urlparse(settings.database_url)
    env = {
        # The library's aggregate cache stays off: see state_caches.MemberCache for why.
        "IS_SNAPSHOTTING_ENABLED": "y",
    }
    if url.scheme == "sqlite":
        if url.netloc:
            raise ValueError("use sqlite:///relative/path.db or sqlite:////absolute/path.db")
        # sqlite:///data/x.db is relative to the working directory, sqlite:////tmp/x.db absolute.
        path = Path(unquote(url.path[1:]))
        path.parent.mkdir(parents=True, exist_ok=True)
        env.update({"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(path),
                    "SQLITE_LOCK_TIMEOUT": "30"})
    elif url.scheme in ("postgresql", "postgres"):
        query = parse_qs(url.query)
        env.update({
            "PERSISTENCE_MODULE": "eventsourcing.postgres",
            "POSTGRES_DBNAME": url.path.lstrip("/") or "postgres",
            "POSTGRES_HOST": url.hostname or "127.0.0.1",
            "POSTGRES_PORT": str(url.port or 5432),
            "POSTGRES_USER": unquote(url.username or "postgres"),
            "POSTGRES_PASSWORD": unquote(url.password or ""),
            "POSTGRES_POOL_SIZE": "1",
            "POSTGRES_MAX_OVERFLOW": str(most - 1),
            # The library's pool waits this long for a connection (lent out or being opened), then fails.
            "POSTGRES_CONNECT_TIMEOUT": str(settings.pool_timeout_seconds),
            "POSTGRES_LOCK_TIMEOUT": str(settings.lock_timeout_seconds),
            # Check a pooled connection before lending it: after a database restart an idle process
            # would otherwise fail its next requests on connections the server already closed.
            "POSTGRES_PRE_PING": "y",
        })
        if "schema" in query:
            env["POSTGRES_SCHEMA"] = query["schema"][0]
    else:
        raise ValueError(f"LOYALTY_DATABASE_URL must start with sqlite:/// or postgresql://, got {url.scheme!r}")
    return env
