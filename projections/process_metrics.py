"""Prometheus metrics of the background processes: `loyalty worker`, `loyalty webhooks run`, `loyalty
messages run`.

They have no HTTP server of their own, so with `LOYALTY_METRICS_PORT` set each serves its registry on that
port (`serve_metrics`; bind address `LOYALTY_METRICS_ADDR`, default 127.0.0.1, since the endpoint has no
authentication: publish it only on the network Prometheus scrapes from). Every loop counts its steps, what
they handled, and the steps that failed and were retried; the worker adds each projection's lag and
position, the size of the batches it applies, the generation conflicts it met (a rebuild swapping a
projection under it), and the dead letters waiting; the messages dispatcher adds its outbox by status.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Iterable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, ProcessCollector, start_http_server
from prometheus_client.core import GaugeMetricFamily

log = logging.getLogger("loyalty.metrics")


class LoopMetrics:
    """What one background loop did: steps, items handled, failed steps (retried), batch sizes."""

    def __init__(self, process: str, registry: CollectorRegistry | None = None):
        self.process = process
        self.registry = registry or CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.steps = Counter("loyalty_loop_steps", "Steps of the loop", ["process"], registry=self.registry)
        self.handled = Counter("loyalty_loop_handled", "Items handled (events applied, webhooks or messages "
                               "sent)", ["process"], registry=self.registry)
        self.failures = Counter("loyalty_loop_failures", "Steps that failed and are retried (database or "
                                "network trouble)", ["process"], registry=self.registry)
        self.batch = Histogram("loyalty_loop_batch_size", "Items handled per step that handled any",
                               ["process"], registry=self.registry,
                               buckets=(1, 5, 10, 50, 100, 500, 1000, 5000, 10000))
        self.lag = Gauge("loyalty_projection_lag", "Notifications a projection has not applied yet",
                         ["projection"], registry=self.registry)
        self.position = Gauge("loyalty_projection_position", "The last notification a projection applied",
                              ["projection"], registry=self.registry)
        self.conflicts = Counter("loyalty_projection_conflicts", "Cycles that found a projection's generation "
                                 "swapped or its position moved by another process", registry=self.registry)

    def step(self, handled: int) -> None:
        self.steps.labels(self.process).inc()
        if handled:
            self.handled.labels(self.process).inc(handled)
            self.batch.labels(self.process).observe(handled)

    def failed(self) -> None:
        self.failures.labels(self.process).inc()

    def projections(self, statuses: Iterable[Any]) -> None:
        for status in statuses:
            self.lag.labels(status.name).set(status.lag)
            self.position.labels(status.name).set(status.position)

    def conflict(self) -> None:
        self.conflicts.inc()

    def watch(self, name: str, help_text: str, label: str, read: Callable[[], Mapping[str, int]]) -> None:
        """A gauge read at scrape time (dead letters, the outbox by status); a failed read answers empty."""
        self.registry.register(_ReadAtScrape(name, help_text, label, read))


class _ReadAtScrape:
    def __init__(self, name: str, help_text: str, label: str, read: Callable[[], Mapping[str, int]]):
        self.name, self.help_text, self.label, self.read = name, help_text, label, read

    def describe(self) -> list[Any]:
        return []  # unknown until read: keeps registration from calling the database

    def collect(self) -> Iterator[Any]:
        gauge = GaugeMetricFamily(self.name, self.help_text, labels=[self.label])
        try:
            for value, count in self.read().items():
                gauge.add_metric([value], count)
        except Exception:  # noqa: BLE001 - a scrape must answer even when the database does not
            log.warning("could not read %s for /metrics", self.name, exc_info=True)
        yield gauge


def serve_metrics(metrics: LoopMetrics, environ: Mapping[str, str]) -> int | None:
    """Serve `metrics` on LOYALTY_METRICS_PORT (if set); the port, or None."""
    text = environ.get("LOYALTY_METRICS_PORT", "").strip()
    if not text:
        return None
    try:
        port = int(text)
    except ValueError:
        raise ValueError(f"LOYALTY_METRICS_PORT must be a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise ValueError(f"LOYALTY_METRICS_PORT must be a port number, got {port}")
    start_http_server(port, addr=environ.get("LOYALTY_METRICS_ADDR", "127.0.0.1"), registry=metrics.registry)
    log.info("metrics on port %d", port)
    return port
