"""Failed authentications are rate limited per client address: a guessed key costs a wait, not a 401.

Without a limit, 2,000 wrong secrets sent from one address got 2,000 answers as fast as the server could
give them. Now each failed authentication (an unknown or revoked key, a missing one does not count) is
counted against the client's address in a window shared by every API process, like the per-key limits in
`api.ratelimit` (PostgreSQL or Redis, api/shared_state.py); once the window is full every request from that
address is answered 429 with Retry-After *before* its key is looked at, so a key guessed right while blocked
is not confirmed either.
Successful authentications are never counted: a till that authenticates thousands of times a minute is
never blocked by its own traffic.

The address is the one the ASGI server reports (`request.client.host`). Behind a reverse proxy, run
uvicorn with `--proxy-headers --forwarded-allow-ips=<proxy>` so it is the client's and not the proxy's.
The limit is `ApiSettings.auth_failure_limit` (`LOYALTY_API_AUTH_FAILURE_LIMIT`, default `20/minute`,
`off` to disable).
"""

from __future__ import annotations

import threading

import limits

from api.errors import ApiProblem
from api.shared_state import Limiter, local_state

NAMESPACE = "auth-failures"
_open_lock = threading.Lock()


class AuthFailures:
    def __init__(self, spec: str, limiter: Limiter | None = None):
        off = not spec or spec.strip().lower() in ("0", "off", "none", "false")
        self.items = [] if off else limits.parse_many(spec)
        self.limiter = limiter or local_state().limiter

    def check(self, address: str) -> None:
        """Refuse `address` (429 + Retry-After) while its failed authentications fill a window."""
        for item in self.items:
            if not self.limiter.test(item, NAMESPACE, address):
                retry_after = self.limiter.retry_after(item, NAMESPACE, address)
                raise ApiProblem(429, "too_many_failed_authentications",
                                 f"too many failed authentications from this address (limit {item}); "
                                 f"wait before trying again", headers={"Retry-After": str(retry_after)},
                                 retry_after=retry_after)

    def believed_clear(self, address: str) -> bool:
        """`check` would pass without asking the shared store (off, or a recent test found room here)."""
        believes = getattr(self.limiter, "believes_room", None)
        return not self.items or (believes is not None
                                  and all(believes(item, NAMESPACE, address) for item in self.items))

    def failed(self, address: str) -> None:
        for item in self.items:
            self.limiter.hit(item, NAMESPACE, address)


def auth_failures(api: object) -> AuthFailures:
    """The app's guard, made on first use from its settings (the API context holds it)."""
    guard = getattr(api, "auth_failures", None)
    if guard is None:
        with _open_lock:
            guard = getattr(api, "auth_failures", None)
            if guard is None:
                spec = getattr(getattr(api, "settings", None), "auth_failure_limit", "20/minute")
                # The same shared counters as the per-key limits (api/shared_state.py).
                guard = AuthFailures(spec, getattr(getattr(api, "limits", None), "limiter", None))
                setattr(api, "auth_failures", guard)
    return guard  # type: ignore[no-any-return]


def client_address(request: object) -> str:
    client = getattr(request, "client", None)
    return getattr(client, "host", None) or "unknown"
