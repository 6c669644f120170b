"""Prometheus metrics: requests by route and status, their latency, and commands by type and outcome.

Each app has its own registry, so two apps in one process (tests) never share counters. The middleware is
plain ASGI rather than Starlette's BaseHTTPMiddleware, which would buffer the event stream.

Under `loyalty serve --workers N` a scrape reaches one worker, so the supervisor gives every worker
`PROMETHEUS_MULTIPROC_DIR` (prometheus_client's multiprocess mode: each process's counters in a file there)
and the request and command counters are answered summed over all of them, restarted ones included.
"""

from __future__ import annotations

import os
import time
from typing import Any, Awaitable, Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

Scope = dict[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        self.requests = Counter("loyalty_http_requests", "HTTP requests answered",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("loyalty_http_request_duration_seconds", "Time to answer an HTTP request",
                                 ["method", "route", "status"], registry=self.registry,
                                 buckets=(.002, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10))
        self.commands = Counter("loyalty_commands", "Commands executed, by type and outcome "
                                "(accepted, replayed, or the refusal's code)", ["command", "outcome"],
                                registry=self.registry)

    def command(self, name: str, outcome: str) -> None:
        self.commands.labels(name, outcome).inc()

    def render(self) -> bytes:
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        summed = CollectorRegistry()
        multiprocess.MultiProcessCollector(summed)
        return generate_latest(summed) + generate_latest(_Except(self.registry, _SUMMED))  # type: ignore[arg-type]


_SUMMED = {"loyalty_http_requests", "loyalty_http_request_duration_seconds", "loyalty_commands"}


class _Except:
    """A registry's metrics but the named ones (which the multiprocess files answer for every worker)."""

    def __init__(self, registry: CollectorRegistry, names: set[str]) -> None:
        self.registry, self.names = registry, names

    def collect(self) -> Any:
        return (metric for metric in self.registry.collect() if metric.name not in self.names)


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [500]

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            # The route's template, never the raw path: ids in paths would explode the label set.
            name = getattr(route, "path", None) or "unmatched"
            labels = (scope["method"], name, str(status[0]))
            self.metrics.requests.labels(*labels).inc()
            self.metrics.latency.labels(*labels).observe(time.perf_counter() - started)
