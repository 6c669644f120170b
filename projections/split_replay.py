"""Replaying a long stretch of the log in several processes, the projections split between them.

One process replays at about one core's worth of Python: decoding the log and turning events into rows
is CPU work under one GIL, while PostgreSQL, on another core, stays half idle (measured: a rebuild of all
seven projections kept 37 % of a 2-core machine idle). The projections are independent of each other —
each keeps its own tables and its own tracking position — so a rebuild hands each of a few processes a
group of them, balanced by their measured cost, and each process reads the log and applies only what its
group handles, exactly as `runner.catch_up` does in one process.

Nothing about safety changes: each page of each projection still commits with its position, a process
that dies leaves its projections at their last committed page (the rebuild then fails and is run again,
the unfinished generation dropped as before), and the parent swaps nothing in until every group has
reached the head. SQLite has one writer per file, so there the rebuild stays in one process.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from typing import Any, Callable

from loyalty_core.settings import Settings

#: Below this many notifications to replay, starting processes (each imports the service: ~1 s) costs
#: more than it saves.
SPLIT_FROM = 50_000

#: Seconds a projection took to rebuild alone from a 224,400-notification log on PostgreSQL (2-core
#: machine, 01/12/2026): the weights the groups are balanced by. A projection not listed counts as 4.
RELATIVE_COST = {"messages": 6.2, "timeline": 5.7, "balances": 4.0, "kpis": 4.0, "campaign_stats": 3.6,
                 "member_search": 3.5, "segments": 2.3}
DEFAULT_COST = 4.0

Progress = Callable[[int], None]
"""Called about twice a second with the position every group has reached."""


def groups_by_cost(names: list[str], processes: int) -> list[list[str]]:
    """`names` in at most `processes` non-empty groups of about equal cost (heaviest first, each to the
    lightest group so far)."""
    count = max(1, min(processes, len(names)))
    groups: list[list[str]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for name in sorted(names, key=lambda n: (-RELATIVE_COST.get(n, DEFAULT_COST), n)):
        lightest = loads.index(min(loads))
        groups[lightest].append(name)
        loads[lightest] += RELATIVE_COST.get(name, DEFAULT_COST)
    return [g for g in groups if g]


def worth_splitting(settings: Settings, processes: int, to_replay: int) -> bool:
    return settings.is_postgres and processes > 1 and to_replay >= SPLIT_FROM


def replay_split(settings: Settings, generations: dict[str, int], upto: int, *, processes: int,
                 batch_size: int, progress: Progress | None = None, poll_seconds: float = 0.5) -> int:
    """Bring the projections `generations` (name -> generation) up to notification `upto`, each group in
    a process of its own; the most notifications any group read. Raises the first group's failure (a
    process that died: `BrokenProcessPool`) once every other group has stopped."""
    groups = groups_by_cost(list(generations), processes)
    context = multiprocessing.get_context("spawn")  # a fork would copy this process's pools and threads
    reached = context.Array("q", [0] * len(groups))  # each group's position, for `progress`
    with ProcessPoolExecutor(max_workers=len(groups), mp_context=context, initializer=_share,
                             initargs=(reached,)) as pool:
        futures = [pool.submit(replay_group, settings, {n: generations[n] for n in group}, upto, batch_size, i)
                   for i, group in enumerate(groups)]
        while True:
            done, pending = wait(futures, timeout=poll_seconds, return_when=FIRST_EXCEPTION)
            if progress is not None:
                progress(min(reached[:]))
            failed = [f for f in futures if f.done() and f.exception() is not None]
            if failed:
                for future in pending:
                    future.cancel()
                wait(pending)  # the others stop at the head or fail too; never left writing behind us
                raise failed[0].exception()  # type: ignore[misc]
            if not pending:
                return max(f.result() for f in futures)


_reached: dict[str, Any] = {}


def _share(reached: Any) -> None:
    _reached["array"] = reached


def replay_group(settings: Settings, generations: dict[str, int], upto: int, batch_size: int,
                 slot: int = 0) -> int:
    """In a child process: one group's projections brought up to `upto` (notifications read)."""
    from projections.catalog import ReadSide
    from projections.deadletter import DeadLetters
    from projections.runner import LogReader, catch_up

    def reached(position: int, _head: int, _count: int) -> None:
        if "array" in _reached:
            _reached["array"][slot] = position

    side = ReadSide.open(settings)
    store = side.open_ledger(settings)
    try:
        projections = [side.projection(name, generation) for name, generation in generations.items()]
        reader = LogReader.for_projections(store, projections)
        dead = DeadLetters(side.store)
        dead.ensure()
        return catch_up(reader, projections, upto=upto, batch_size=batch_size, dead_letters=dead,
                        on_batch=reached)
    finally:
        store.close()
        side.close()
