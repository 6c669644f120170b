"""The API's settings: the ledger's own `Settings` plus the knobs only the HTTP side has.

Read once at start-up (`ApiSettings.from_env(os.environ)` in `loyalty serve`); tests pass dicts or build
the dataclass directly. Rate limits are per API key, configurable per role, in the `limits` notation
(`"600/minute"`, `"20/second;1000/hour"`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from loyalty_core.settings import Settings

ROLES = ("channel", "staff", "auditor", "analyst", "admin")

DEFAULT_RATE_LIMITS = {
    # A busy till sends a few requests per sale; a web shop or app key serves many customers at once.
    "channel": "1200/minute",
    "staff": "600/minute",
    "auditor": "600/minute",
    "analyst": "300/minute",
    "admin": "600/minute",
}


@dataclass(frozen=True)
class ApiSettings:
    core: Settings = field(default_factory=Settings)
    rate_limits: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    key_cache_seconds: float = 5.0
    """How long a verified key is trusted before it is read again (a revocation from another process
    takes at most this long to bite; one from this process bites at once)."""
    stream_poll_seconds: float = 0.5
    stream_ping_seconds: float = 15.0
    webhook_timeout_seconds: float = 10.0
    webhook_max_attempts: int = 12
    webhook_backoff_seconds: float = 10.0
    webhook_backoff_cap_seconds: float = 3600.0
    webhook_poll_seconds: float = 1.0
    auth_failure_limit: str = "20/minute"
    """Failed authentications allowed per client address (`limits` notation; "off" disables): beyond it,
    429 with Retry-After (api/authguard.py)."""
    webhook_allow_private: bool = False
    """Let webhooks point at loopback, private and link-local addresses (api/webhook_urls.py): a test or an
    on-premises receiver; never on a shared or internet-facing deployment."""
    group_commit: bool = True
    hot_path: bool = True
    """`LOYALTY_HOT_PATH=0`: every request through FastAPI's router, none through api/hot_path.py (A/B runs)."""
    redis_url: str = ""
    environment: str = "production"
    """`LOYALTY_ENV`: `development` (what `make run` sets) accepts the demo keys `make run` prints; any other
    value refuses them (api/key_lifecycle.py)."""
    """`LOYALTY_REDIS_URL` (`redis://host:6379/0`): keep rate-limit counters and in-flight Idempotency-Keys in
    Redis. Unset, they live in PostgreSQL (or, on SQLite's single process, in memory): api/shared_state.py."""
    """Write concurrent commands together (loyalty_core.batching): many HTTP threads, one flush per batch."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> ApiSettings:
        limits = dict(DEFAULT_RATE_LIMITS)
        for role in ROLES:
            limits[role] = environ.get(f"LOYALTY_API_RATE_LIMIT_{role.upper()}", limits[role])

        def number(name: str, default: float) -> float:
            return float(environ.get(name, default))

        return cls(
            core=Settings.from_env(environ).for_role("api"),
            rate_limits=limits,
            key_cache_seconds=number("LOYALTY_API_KEY_CACHE_SECONDS", cls.key_cache_seconds),
            stream_poll_seconds=number("LOYALTY_STREAM_POLL_SECONDS", cls.stream_poll_seconds),
            stream_ping_seconds=number("LOYALTY_STREAM_PING_SECONDS", cls.stream_ping_seconds),
            webhook_timeout_seconds=number("LOYALTY_WEBHOOK_TIMEOUT_SECONDS", cls.webhook_timeout_seconds),
            webhook_max_attempts=int(environ.get("LOYALTY_WEBHOOK_MAX_ATTEMPTS", cls.webhook_max_attempts)),
            webhook_backoff_seconds=number("LOYALTY_WEBHOOK_BACKOFF_SECONDS", cls.webhook_backoff_seconds),
            webhook_backoff_cap_seconds=number("LOYALTY_WEBHOOK_BACKOFF_CAP_SECONDS",
                                               cls.webhook_backoff_cap_seconds),
            webhook_poll_seconds=number("LOYALTY_WEBHOOK_POLL_SECONDS", cls.webhook_poll_seconds),
            group_commit=environ.get("LOYALTY_GROUP_COMMIT", "1").lower() not in ("0", "false", "no", "off"),
            hot_path=environ.get("LOYALTY_HOT_PATH", "1").lower() not in ("0", "false", "no", "off"),
            auth_failure_limit=environ.get("LOYALTY_API_AUTH_FAILURE_LIMIT", cls.auth_failure_limit),
            redis_url=environ.get("LOYALTY_REDIS_URL", "").strip(),
            environment=environ.get("LOYALTY_ENV", "").strip().lower() or cls.environment,
            webhook_allow_private=environ.get("LOYALTY_WEBHOOK_ALLOW_PRIVATE", "0").lower() in ("1", "true", "yes", "on"),
        )

    @classmethod
    def wrap(cls, settings: ApiSettings | Settings | None) -> ApiSettings:
        if isinstance(settings, ApiSettings):
            return settings
        if isinstance(settings, Settings):
            return cls(core=settings)
        return cls()
