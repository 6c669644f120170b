"""What a read-side projection is: the library's `Projection`, applied a batch at a time.

A projection turns a batch of member events into calls on its view, inside the transaction that also
moves its tracking position (`View.batch`), so each event is applied exactly once. `process_event` keeps
the library's one-event contract, so the stock `ProjectionRunner` could drive these classes on
PostgreSQL; we run them through `projections.runner`, which applies a thousand events per transaction.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from typing import Any, ClassVar, Sequence

from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection

from projections.codec import topics_of
from projections.readstore import ReadStore, Tx


class ReadProjection(Projection[Any]):
    handles: ClassVar[tuple[type, ...]] = ()
    """Event classes this projection reads; everything else is skipped before it reaches `apply`."""
    views: ClassVar[dict[str, type]] = {}
    """The view class per dialect ("sqlite", "postgres")."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.topics = tuple(topics_of(cls.handles))

    @classmethod
    def open(cls, store: ReadStore, generation: int) -> ReadProjection:
        return cls(cls.views[store.dialect](store, generation))

    @abstractmethod
    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        """Write what `events` (notification id, event), in log order, change. Called inside the batch."""

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:  # type: ignore[override]
        with self.view.batch(None, tracking.notification_id) as tx:
            self.apply(tx, [(tracking.notification_id, domain_event)])


def distinct(values: Sequence[Any]) -> list[Any]:
    return list(dict.fromkeys(values))
