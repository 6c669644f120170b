"""Dead letters (admin): events a projection could not apply, listed and retried over HTTP.

The same operations as `loyalty projections dead-letters [retry ID|--all]` (see `projections/deadletter.py`
and `projections/redrive.py`). The API's `/metrics` also shows how many there are per projection
(`loyalty_projection_dead_letters_pending`), read from the table at each scrape: the worker that finds them
is another process, so this is where an alert rule can see them.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from fastapi import APIRouter, Request
from prometheus_client.core import GaugeMetricFamily
from pydantic import BaseModel, Field

from api.deps import Admin, Api, ApiContext
from api.errors import ApiProblem, problems
from api.routes.stats import read_models
from api.schemas.common import Strict
from projections.deadletter import DeadLetters
from projections.redrive import retry

log = logging.getLogger("loyalty.api")
router = APIRouter(prefix="/v1/projections/dead-letters", tags=["operations"], responses=problems(401, 403, 429))


class DeadLetterOut(BaseModel):
    id: str
    projection: str
    generation: int
    notification_id: int
    topic: str
    originator_id: str
    originator_version: int
    error: str
    first_seen: str
    last_seen: str
    attempts: int


class DeadLettersOut(BaseModel):
    dead_letters: list[DeadLetterOut]
    count: int


class RetryIn(Strict):
    ids: list[str] = Field(default_factory=list, max_length=1000)
    """Dead letter ids (`member_search:1234`); with `all`, leave empty."""
    all: bool = False


class RetryOut(BaseModel):
    cleared: list[str]
    failed: dict[str, str]
    stale: list[str]
    unknown: list[str]


@router.get("", responses=problems(503))
def list_dead_letters(request: Request, caller: Admin) -> DeadLettersOut:
    """List the events the live projections set aside, oldest first."""
    side = read_models(request).side
    letters = DeadLetters(side.store).list(live=side.generations())
    return DeadLettersOut(dead_letters=[DeadLetterOut(**letter.to_dict()) for letter in letters],
                          count=len(letters))


@router.post("/retry", responses=problems(400, 422, 503))
def retry_dead_letters(request: Request, api: Api, caller: Admin, body: RetryIn) -> RetryOut:
    """Apply set-aside events again (after the fix); each success removes its dead letter."""
    if body.all == bool(body.ids):
        raise ApiProblem(422, "invalid_input", "give ids, or all: true (not both)", field="ids")
    side = read_models(request).side
    report = retry(side, api.runtime.store, None if body.all else body.ids)
    return RetryOut(**report.to_dict())


class PendingDeadLetters:
    """A Prometheus collector: the dead letters in the table now, per projection."""

    def __init__(self, api: ApiContext) -> None:
        self.api = api

    def collect(self) -> Iterator[Any]:
        gauge = GaugeMetricFamily("loyalty_projection_dead_letters_pending",
                                  "Events projections set aside and nobody has retried yet", labels=["projection"])
        models = getattr(self.api, "read_models", None)  # only once the read side is open: a scrape opens nothing
        if models is not None:
            try:
                for projection, count in DeadLetters(models.side.store).count().items():
                    gauge.add_metric([projection], count)
            except Exception:  # noqa: BLE001 - a scrape must answer even when the read store does not
                log.warning("could not count dead letters for /metrics", exc_info=True)
        yield gauge


def watch(api: ApiContext) -> None:
    api.metrics.registry.register(PendingDeadLetters(api))
