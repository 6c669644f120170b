"""Rebuild: replay the whole log into a fresh generation of tables, swap it in, drop the old one.

While the new generation fills, the old one keeps answering queries and the worker keeps it current.
When the new one has reached the head of the log, the registry's `live` is switched in one transaction;
the worker picks the new generation up on its next cycle and carries it on from where the rebuild
stopped. The old tables are then dropped: PostgreSQL waits for queries still reading them, and a query
that looked the name up just before the swap retries with the new one (`queries.ReadModels`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

from loyalty_core.ledger import LedgerStore
from loyalty_core.settings import Settings
from projections.catalog import ReadSide, check_names
from projections.deadletter import DeadLetters
from projections.runner import LogReader, OnBatch, catch_up
from projections.split_replay import groups_by_cost, replay_split, worth_splitting

REBUILD_BATCH = 5000


@dataclass
class RebuildReport:
    generations: dict[str, int] = field(default_factory=dict)
    """Projection name -> the generation now live."""
    notifications: int = 0
    seconds: float = 0.0
    dead_letters: int = 0
    """Events the new generations could not apply and set aside (listed by `projections dead-letters`)."""
    processes: int = 1
    """How many processes replayed the log (projections/split_replay.py)."""

    @property
    def per_second(self) -> int:
        return int(self.notifications / self.seconds) if self.seconds else 0


def rebuild(settings: Settings, names: list[str], *, batch_size: int = REBUILD_BATCH,
            on_start: Callable[[int], None] | None = None, on_batch: OnBatch | None = None,
            processes: int | None = None) -> RebuildReport:
    """`processes`: how many processes replay a long log (default `settings.rebuild_processes`); the
    projections are split between them (projections/split_replay.py). While they replay, this process
    holds no connection, so the rebuild as a whole never holds more than `processes` times its pools."""
    check_names(names)
    processes = settings.rebuild_processes if processes is None else processes
    report = RebuildReport()
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:
        side.live()  # the registry and its rows exist before a generation is taken
        for name in names:
            generation, abandoned = side.registry.start_build(name)
            if abandoned is not None:  # an earlier rebuild died half-way: its tables are garbage
                side.projection(name, abandoned, create=False).view.drop()
            report.generations[name] = generation
        for name, generation in report.generations.items():
            side.projection(name, generation)  # the new tables exist before anything replays into them
        head = store.max_notification_id()
        if on_start is not None:
            on_start(head)
        started = time.perf_counter()
        split = worth_splitting(settings, processes, head) and len(names) > 1
        if not split:
            report.notifications = _replay_here(side, store, report, head, batch_size, on_batch)
            report.seconds = time.perf_counter() - started
            _finish(side, store, report, batch_size)
            return report
    finally:
        store.close()  # the split replay below holds no connection of this process meanwhile
        side.close()
    report.processes = len(groups_by_cost(names, processes))

    def progress(position: int) -> None:
        if on_batch is not None:
            on_batch(position, head, 0)

    report.notifications = replay_split(settings, report.generations, head, processes=processes,
                                        batch_size=batch_size, progress=progress)
    report.seconds = time.perf_counter() - started
    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:
        _finish(side, store, report, batch_size)
        return report
    finally:
        store.close()
        side.close()


def _replay_here(side: ReadSide, store: LedgerStore, report: RebuildReport, head: int, batch_size: int,
                 on_batch: OnBatch | None) -> int:
    projections = [side.projection(name, g) for name, g in report.generations.items()]
    dead = DeadLetters(side.store)
    dead.ensure()
    # An event a projection cannot apply is set aside as a dead letter; the rebuild goes on and swaps.
    return catch_up(LogReader.for_projections(store, projections), projections, upto=head,
                    batch_size=batch_size, on_batch=on_batch, dead_letters=dead)


def _finish(side: ReadSide, store: LedgerStore, report: RebuildReport, batch_size: int) -> None:
    """Apply whatever arrived during the replay (so the swap hands the worker as little as possible), swap
    every new generation in and drop the old ones."""
    projections = [side.projection(name, g) for name, g in report.generations.items()]
    dead = DeadLetters(side.store)
    dead.ensure()
    catch_up(LogReader.for_projections(store, projections), projections, batch_size=batch_size,
             dead_letters=dead)
    for name, generation in report.generations.items():
        old = side.registry.swap(name, generation)
        if old != generation:
            side.projection(name, old, create=False).view.drop()
            dead.drop_generation(name, old)
    report.dead_letters = len(dead.list(live=report.generations))
