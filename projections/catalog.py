"""The read side as a whole: every projection, its live generation, and the database they share.

`ReadSide` is what the worker, the rebuild command and the query functions open. It makes sure the
registry and the live generation's tables exist (the first process to start creates them, under a lock),
and hands out projections bound to the live generation, or to any other generation for a rebuild.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Collection, TypeVar

from eventsourcing.persistence import PersistenceError

from loyalty_core.ledger import LedgerStore, open_store
from loyalty_core.settings import Settings
from projections.balances import BalanceProjection
from projections.base import ReadProjection
from projections.campaigns import CampaignProjection
from projections.kpis import KpiProjection
from messaging.projection import OutboxProjection
from projections.readstore import ReadStore, is_missing_table, open_read_store
from projections.registry import Registry
from projections.search import SearchProjection
from projections.segments import SegmentProjection
from projections.view import GenerationDropped
from projections.timeline import TimelineProjection

PROJECTIONS: dict[str, type[ReadProjection]] = {
    cls.name: cls for cls in (BalanceProjection, TimelineProjection, CampaignProjection, KpiProjection,
                              SegmentProjection, SearchProjection, OutboxProjection)
}


def check_names(names: Collection[str]) -> None:
    """Refuse (ValueError, saying which exist) a list of projection names that is empty or names one that
    does not exist."""
    unknown = sorted(set(names) - set(PROJECTIONS))
    if unknown or not names:
        raise ValueError(f"no projection named {', '.join(unknown) or '(none given)'}; known: "
                         f"{', '.join(PROJECTIONS)}")


T = TypeVar("T")


def _retry_setup(setup: Callable[[], T], attempts: int = 50) -> T:
    """Run the library's idempotent table creation, again if another process raced it.

    The library checks for its tables, then creates them: two processes starting at once can both try
    (PostgreSQL: "tuple concurrently updated" on CREATE OR REPLACE FUNCTION; SQLite: the tracking
    table's first row twice, or a deferred transaction refused at once when another writes first). A
    second attempt finds the tables there.
    """
    for attempt in range(attempts):
        try:
            return setup()
        except PersistenceError:
            if attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Status:
    name: str
    generation: int
    position: int
    head: int

    @property
    def lag(self) -> int:
        """Notifications the projection has not applied yet (receipts and claims included)."""
        return max(self.head - self.position, 0)


class ReadSide:
    def __init__(self, store: ReadStore):
        self.store = store
        self.registry = Registry(store)
        self._ready: set[tuple[str, int]] = set()

    @classmethod
    def open(cls, settings: Settings) -> ReadSide:
        return cls(open_read_store(settings))

    def projection(self, name: str, generation: int, *, create: bool = True) -> ReadProjection:
        projection = PROJECTIONS[name].open(self.store, generation)
        if create and (name, generation) not in self._ready:
            if not self._exists(projection):
                with self.registry.setup_lock():
                    _retry_setup(projection.view.setup)
            self._ready.add((name, generation))
        return projection

    @staticmethod
    def _exists(projection: ReadProjection) -> bool:
        try:
            projection.view.position()
        except GenerationDropped:
            return False
        except PersistenceError as exc:
            if is_missing_table(exc):
                return False
            raise
        return True

    def generations(self) -> dict[str, int]:
        """The live generation of each projection, read from the registry now (created if missing)."""
        try:
            found = self.registry.live()
        except PersistenceError as exc:
            if not is_missing_table(exc):
                raise
            found = {}
        if set(found) != set(PROJECTIONS):
            with self.registry.setup_lock():
                found = self.registry.ensure(list(PROJECTIONS))
        return found

    def live(self) -> dict[str, ReadProjection]:
        """Every projection at its live generation."""
        generations = self.generations()
        return {name: self.projection(name, generations[name]) for name in PROJECTIONS}

    def status(self, head: int, live: dict[str, ReadProjection] | None = None) -> list[Status]:
        projections = (live or self.live()).items()
        return [Status(name, p.view.generation, p.view.position(), head) for name, p in projections]

    def open_ledger(self, settings: Settings) -> LedgerStore:
        """The event store, opened under the setup lock (the library creates its tables on opening)."""
        with self.registry.setup_lock():
            return _retry_setup(lambda: open_store(settings))

    def close(self) -> None:
        self.store.close()
