"""The Idempotency-Key contract (IETF draft) on top of the ledger's receipts.

The ledger already guarantees one effect per key: a command's receipt is written in the same transaction
as its events, and a retry gets the stored result (`replayed`), or `idempotency_key_reused` when the body
differs. What the ledger cannot say is "the first request is still running": a registry of keys in flight
answers that with 409, so a client retrying too eagerly waits instead of racing itself. The registry is
shared by every API process (PostgreSQL or Redis, api/shared_state.py; in memory on SQLite's one process).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any, Iterator

from fastapi import Response
from starlette.concurrency import run_in_threadpool

from api.errors import ApiProblem
from api.inflight_lane import InFlightLane
from api.metrics import Metrics
from api.shared_state import LocalRegistry, PostgresRegistry, Registry, local_state
from loyalty_core.commands import Command
from loyalty_core.errors import LoyaltyError
from loyalty_core.results import Result
from loyalty_core.service import LoyaltyService, receipt_key

REPLAYED_HEADER = "Idempotent-Replayed"


class InFlight:
    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or local_state().registry
        self._lane: InFlightLane | None = None
        if isinstance(self.registry, PostgresRegistry):
            self._lane = self.registry.lane

    async def claim(self, scope: str, key: str) -> str:
        """`hold` for an async route: the key's token, or 409 while another request holds it."""
        if self._lane is not None:
            token = await _settled(self._lane.claim(scope, key))
        elif isinstance(self.registry, LocalRegistry):  # memory: nothing to wait for
            token = self.registry.acquire(scope, key)
        else:
            token = await run_in_threadpool(self.registry.acquire, scope, key)
        if token is None:
            raise _in_progress()
        return token

    async def release(self, scope: str, key: str, token: str) -> None:
        if self._lane is not None:
            await _settled(self._lane.release(scope, key, token))
        elif isinstance(self.registry, LocalRegistry):
            self.registry.release(scope, key, token)
        else:
            await run_in_threadpool(self.registry.release, scope, key, token)

    @contextmanager
    def hold(self, scope: str, key: str) -> Iterator[None]:
        token = self.registry.acquire(scope, key)
        if token is None:
            raise _in_progress()
        try:
            yield
        finally:
            self.registry.release(scope, key, token)


async def _settled(future: Future) -> Any:
    """Await a thread's future from the event loop. Shielded: a request cancelled meanwhile (the client went
    away) must not cancel the future itself, which the committer or the lane is about to answer."""
    return await asyncio.shield(asyncio.wrap_future(future))


def _in_progress() -> ApiProblem:
    return ApiProblem(409, "idempotency_request_in_progress",
                      "a request with this Idempotency-Key is still being processed; retry shortly",
                      headers={"Retry-After": "1"})


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

    async def run_async(self, command: Command) -> Result:
        """`__call__` for an async route: the same in-flight check, metrics and outcome, but under group
        commit the event loop awaits the committer's future instead of a threadpool thread blocking on it
        (one thread hop and one parked thread per request less). The caller sets the replay header."""
        name = type(command).__name__
        service = self.service
        prepared = service.prepare(command)  # the request's canonical form, computed once for the receipt
        token = await self.inflight.claim(prepared.scope, prepared.key)
        try:
            try:
                batcher = service.batcher
                if batcher is not None:
                    result = await _settled(batcher.submit_future(prepared))
                else:
                    result = await run_in_threadpool(service.execute_alone, prepared)
            except LoyaltyError as exc:
                self.metrics.command(name, exc.code)
                raise
            except Exception:
                self.metrics.command(name, "error")
                raise
        finally:
            await self.inflight.release(prepared.scope, prepared.key, token)
        self.metrics.command(name, "replayed" if result.replayed else "accepted")
        return result
