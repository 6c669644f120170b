"""The Idempotency-Key contract (IETF draft) on top of the ledger's receipts.

The ledger already guarantees one effect per key: a command's receipt is written in the same transaction
as its events, and a retry gets the stored result (`replayed`), or `idempotency_key_reused` when the body
differs. What the ledger cannot say is "the first request is still running": a registry of keys in flight
answers that with 409, so a client retrying too eagerly waits instead of racing itself. The registry is
shared by every API process (PostgreSQL or Redis, api/shared_state.py; in memory on SQLite's one process).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from fastapi import Response

from api.errors import ApiProblem
from api.metrics import Metrics
from api.shared_state import Registry, local_state
from loyalty_core.commands import Command
from loyalty_core.errors import LoyaltyError
from loyalty_core.results import Result
from loyalty_core.service import LoyaltyService, receipt_key

REPLAYED_HEADER = "Idempotent-Replayed"


class InFlight:
    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or local_state().registry

    @contextmanager
    def hold(self, scope: str, key: str) -> Iterator[None]:
        token = self.registry.acquire(scope, key)
        if token is None:
            raise ApiProblem(
                409,
                "idempotency_request_in_progress",
                "a request with this Idempotency-Key is still being processed; retry shortly",
                headers={"Retry-After": "1"},
            )
        try:
            yield
        finally:
            self.registry.release(scope, key, token)


class CommandRunner:
    """Runs one command through the service: the in-flight check, metrics, and the replay header."""

    def __init__(self, service: LoyaltyService, metrics: Metrics, inflight: InFlight | None = None):
        self.service = service
        self.metrics = metrics
        self.inflight = inflight or InFlight()

    def __call__(self, command: Command, response: Response | None = None) -> Result:
        name = type(command).__name__
        scope, key = receipt_key(command)
        with self.inflight.hold(scope, key):
            try:
                result = self.service.execute(command)
            except LoyaltyError as exc:
                self.metrics.command(name, exc.code)
                raise
            except Exception:
                self.metrics.command(name, "error")
                raise
        self.metrics.command(name, "replayed" if result.replayed else "accepted")
        if result.replayed and response is not None:
            response.headers[REPLAYED_HEADER] = "true"
        return result
