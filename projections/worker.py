"""The worker: keeps every projection up to date and runs scheduled work.

Each cycle reads the registry (a rebuild may have swapped in a new generation), applies everything up
to the head of the log in batches, runs `scheduled_work(now)` if given, and logs
each projection's lag. It sleeps `poll_interval` only when a cycle found nothing to do. Every step is safe
to interrupt at any instant (SIGKILL included) and to run twice at once: a batch and its tracking position
commit together, and a batch whose starting position moved is refused (`View.batch`).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timezone
from typing import Callable, Collection

from eventsourcing.persistence import PersistenceError

from loyalty_core.ledger import LedgerStore
from loyalty_core.settings import Settings
from projections.catalog import ReadSide, Status, check_names
from projections.config import ReadConfig
from projections.deadletter import DeadLetters
from projections.member_due import DueIndex
from projections.pools import harden
from projections.process_metrics import LoopMetrics
from projections.eventrows import open_event_rows
from projections.readstore import is_missing_table
from projections.runner import LogReader, catch_up
from projections.view import GenerationDropped, PositionMoved

log = logging.getLogger("loyalty.worker")

#: Notifications a page when the worker is behind (a page only holds what is there: caught up, it is a few).
#: Large pages share each page's fixed costs — a transaction per projection, thread hand-offs, the temporary
#: tables — over more events: a 30,800-notification backlog caught up 1.3× as fast with 5,000 as with 1,000
#: (docs/benchmarks.md). SQLite keeps 1,000: its one writer is shared with the API's writes.
BATCH_POSTGRES, BATCH_SQLITE = 5000, 1000


def default_batch(settings: Settings) -> int:
    return BATCH_POSTGRES if settings.is_postgres else BATCH_SQLITE


ScheduledWork = Callable[[datetime], object]
OnCycle = Callable[[list[Status]], object]


class Worker:
    """One worker's connections and state; `cycle()` does one round of work."""

    def __init__(self, settings: Settings, batch_size: int | None = None,
                 scheduled_work: ScheduledWork | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
                 metrics: LoopMetrics | None = None, projections: Collection[str] | None = None):
        """`projections`: the names this worker keeps (default every one). One worker is one core's worth
        of Python; a second worker on the other projections (`loyalty worker --projections`) uses a second
        core, each keeping its own projections' positions."""
        if projections is not None:
            check_names(projections)
        self.only = None if projections is None else frozenset(projections)
        self.config = ReadConfig.of(settings)
        self.side = ReadSide.open(settings)
        self.store: LedgerStore = self.side.open_ledger(settings)
        harden(self.side.store.datastore)  # after a database restart, the next cycle gets live connections
        harden(getattr(self.store.recorder, "datastore", None))
        self.rows = open_event_rows(self.side.store)
        self.batch_size = batch_size or default_batch(settings)
        self.scheduled_work, self.clock = scheduled_work, clock
        self._reader: LogReader | None = None
        if getattr(scheduled_work, "index", False) is None:  # WakeUps: its index lives in our read store
            scheduled_work.index = DueIndex(self.side.store)  # type: ignore[union-attr]
        self.dead_letters = DeadLetters(self.side.store)
        """Events a projection could not apply are set aside here; the cycle goes on with the others."""
        self.metrics = metrics
        if metrics is not None:
            metrics.watch("loyalty_projection_dead_letters_pending",
                          "Events projections set aside and nobody has retried yet", "projection",
                          self.dead_letters.count)

    def cycle(self, stop: threading.Event | None = None) -> tuple[int, list[Status]]:
        """(notifications applied, each projection's status afterwards)."""
        live = self.side.live()
        if self.only is not None:
            live = {name: p for name, p in live.items() if name in self.only}
        projections = list(live.values())
        if self._reader is None:
            self._reader = LogReader.for_projections(self.store, projections)
        try:
            applied = catch_up(self._reader, projections, batch_size=self.batch_size, stop=stop,
                               dead_letters=self.dead_letters)
            if self.side.store.checkpoint_due:  # an erasure was applied (projections/search.py)
                self.side.store.checkpoint()
        except (GenerationDropped, PositionMoved, PersistenceError) as exc:
            if isinstance(exc, PersistenceError) and not is_missing_table(exc):
                raise
            # A rebuild swapped a generation in and dropped the one this cycle was using.
            log.info("a projection moved under us (%s); picking up the new generation", exc)
            if self.metrics is not None:
                self.metrics.conflict()
            applied = 1  # not idle: go round again at once
        if self.scheduled_work is not None:
            self._run_scheduled()
        head = self.store.max_notification_id()
        try:
            return applied, self.side.status(head, live)
        except GenerationDropped:  # swapped during this cycle: report the new generation
            return applied, [s for s in self.side.status(head) if self.only is None or s.name in self.only]

    def _run_scheduled(self) -> None:
        try:
            self.scheduled_work(self.clock())  # type: ignore[misc]
        except Exception:  # noqa: BLE001 - a failing job must not stop the projections
            log.exception("scheduled work failed; projections carry on")

    def close(self) -> None:
        self.rows.close()
        self.side.close()
        self.store.close()


def run_worker(settings: Settings, stop_event: threading.Event, poll_interval: float = 1.0,
               scheduled_work: ScheduledWork | None = None, *, batch_size: int | None = None,
               on_cycle: OnCycle | None = None, metrics: LoopMetrics | None = None,
               projections: Collection[str] | None = None) -> None:
    """Keep the read side current until `stop_event` is set (counting into `metrics` if given); only the
    named `projections` if given."""
    worker = Worker(settings, batch_size=batch_size, scheduled_work=scheduled_work, metrics=metrics,
                    projections=projections)
    try:
        while not stop_event.is_set():
            started = time.perf_counter()
            try:
                applied, statuses = worker.cycle(stop_event)
            except Exception:  # noqa: BLE001 - a database hiccup: log, wait, try again
                log.exception("worker cycle failed; retrying")
                if metrics is not None:
                    metrics.failed()
                stop_event.wait(poll_interval)
                continue
            if metrics is not None:
                metrics.step(applied)
                metrics.projections(statuses)
            _report(statuses, applied, time.perf_counter() - started)
            if on_cycle is not None:
                on_cycle(statuses)
            if not applied:
                stop_event.wait(poll_interval)
    finally:
        worker.close()


def _report(statuses: list[Status], applied: int, seconds: float) -> None:
    lags = ", ".join(f"{s.name}={s.lag}" for s in statuses)
    level = logging.INFO if applied else logging.DEBUG
    log.log(level, "applied %d notifications in %.2fs; lag: %s", applied, seconds, lags)
