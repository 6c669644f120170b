"""A rebuild replayed in several processes (projections/split_replay.py): the same answers as one process,
and a replaying process killed half-way leaves the live generation serving and the next rebuild whole."""

from __future__ import annotations

import multiprocessing
import os
import signal

import psycopg
import pytest

from loyalty_core.settings import Settings
from projections import split_replay
from projections.catalog import PROJECTIONS, ReadSide
from projections.queries import ReadModels
from projections.rebuild import rebuild
from tests.builders import ledger
from tests.integration.test_projections_runtime import _answers, _history
from tests.integration.test_projections_support import catch_up, members, with_purchases


def _a_live_read_side(url: str, clock) -> tuple[dict, ReadModels, tuple]:
    """A history written and projected by the worker: (members folded, read models, their answers)."""
    with ledger(url, clock=clock) as service:
        _history(with_purchases(service))
        folded = members(service.store)
    catch_up(url)
    models = ReadModels.open(Settings(database_url=url), clock=clock)
    return folded, models, _answers(models, folded)


def test_the_projections_are_split_into_groups_of_about_equal_cost():
    names = list(split_replay.RELATIVE_COST) + ["new_projection"]
    for processes in (1, 2, 3, 4, 16):
        groups = split_replay.groups_by_cost(names, processes)
        assert sorted(n for g in groups for n in g) == sorted(names)  # each once
        assert len(groups) == min(processes, len(names)) and all(groups)
        costs = [sum(split_replay.RELATIVE_COST.get(n, split_replay.DEFAULT_COST) for n in g) for g in groups]
        heaviest = max(split_replay.RELATIVE_COST.values())
        assert max(costs) - min(costs) <= heaviest  # greedy: never more than one projection apart
    assert split_replay.groups_by_cost(["timeline"], 4) == [["timeline"]]


def test_a_short_log_or_sqlite_replays_in_the_rebuilding_process():
    pg = Settings(database_url="postgresql://x@h/db")
    assert split_replay.worth_splitting(pg, 2, split_replay.SPLIT_FROM)
    assert not split_replay.worth_splitting(pg, 2, split_replay.SPLIT_FROM - 1)
    assert not split_replay.worth_splitting(pg, 1, 10 * split_replay.SPLIT_FROM)
    assert not split_replay.worth_splitting(Settings(database_url="sqlite:///x.db"), 2, 10 * split_replay.SPLIT_FROM)
    with pytest.raises(ValueError, match="LOYALTY_REBUILD_PROCESSES"):
        Settings.from_env({"LOYALTY_REBUILD_PROCESSES": "0"})
    assert Settings.from_env({"LOYALTY_REBUILD_PROCESSES": "3"}).rebuild_processes == 3


@pytest.mark.postgres
def test_a_rebuild_in_two_processes_answers_as_the_live_projections_did(postgres_url, clock, monkeypatch):
    monkeypatch.setattr(split_replay, "SPLIT_FROM", 1)
    folded, models, before = _a_live_read_side(postgres_url, clock)
    positions: list[int] = []
    heads: list[int] = []
    report = rebuild(Settings(database_url=postgres_url), list(PROJECTIONS), batch_size=7, processes=2,
                     on_start=heads.append, on_batch=lambda at, head, _: positions.append(at))
    assert report.processes == 2 and report.generations == {name: 2 for name in PROJECTIONS}
    assert report.notifications > 0 and report.dead_letters == 0
    # The replaying processes did the work (and said so), not the rebuilding process's last catch-up.
    assert positions == sorted(positions) and positions[-1] == heads[0] > 0
    assert _answers(models, folded) == before
    models.close()


@pytest.mark.postgres
def test_a_replaying_process_killed_half_way_swaps_nothing_and_the_next_rebuild_is_whole(postgres_url, clock,
                                                                                       monkeypatch):
    monkeypatch.setattr(split_replay, "SPLIT_FROM", 1)
    settings = Settings(database_url=postgres_url)
    folded, models, before = _a_live_read_side(postgres_url, clock)
    blocker = psycopg.connect(postgres_url.split("?")[0])
    killed: list[int] = []

    def hold_the_timeline(_head: int) -> None:
        # The new timeline table exists now: lock it so its group stays half-way until killed.
        side = ReadSide.open(settings)
        table = side.projection("timeline", 2, create=False).view.tables["timeline"]
        side.close()
        blocker.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")

    def kill_the_replayers(_at: int, _head: int, _count: int) -> None:
        if not killed:
            for child in multiprocessing.active_children():
                os.kill(child.pid, signal.SIGKILL)
                killed.append(child.pid)
            blocker.rollback()

    try:
        with pytest.raises(Exception) as failure:
            rebuild(settings, list(PROJECTIONS), batch_size=7, processes=2, on_start=hold_the_timeline,
                    on_batch=kill_the_replayers)
    finally:
        blocker.close()
    assert killed and "terminated abruptly" in str(failure.value)
    side = ReadSide.open(settings)
    assert side.generations() == {name: 1 for name in PROJECTIONS}  # nothing swapped in
    side.close()
    assert _answers(models, folded) == before  # the live generation answers as before
    report = rebuild(settings, list(PROJECTIONS), batch_size=7, processes=2)
    assert report.generations == {name: 3 for name in PROJECTIONS}  # the abandoned generation 2 dropped
    assert _answers(models, folded) == before
    models.close()


@pytest.mark.postgres
def test_a_split_rebuild_never_holds_more_connections_than_its_budget(postgres_url, clock, monkeypatch):
    """The budget counts the replaying processes only (loyalty_core/connection_budget.py): the rebuilding
    process must hold none of its own while they run."""
    import uuid

    from loyalty_core.connection_budget import process_most
    from tests.e2e.test_connection_budget import Sampler

    monkeypatch.setattr(split_replay, "SPLIT_FROM", 1)
    folded, models, before = _a_live_read_side(postgres_url, clock)
    models.close()
    prefix = f"split{uuid.uuid4().hex[:6]}"
    settings = Settings(database_url=postgres_url, application_name=prefix).for_role("rebuild")
    sampler = Sampler(postgres_url, prefix)
    sampler.start()
    try:
        report = rebuild(settings, list(PROJECTIONS), batch_size=3, processes=2)
    finally:
        sampler.stop.set()
        sampler.join(5)
    assert report.processes == 2
    assert set(sampler.most) == {f"{prefix}-rebuild:ledger", f"{prefix}-rebuild:read"}, sampler.most
    assert sum(sampler.most.values()) <= process_most(settings, "rebuild") == 8, sampler.most
