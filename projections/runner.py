"""The batched runner: read the notification log a page at a time and apply each page to every projection.

Why not the library's `ProjectionRunner`: it needs `subscribe()`, which the SQLite recorder does not
have, and it commits once per event (≈ 800 events/s here) while the log reads at tens of thousands a
second. Here a page of the log (`recorder.select_notifications`) is decoded once, then each projection
applies the events it handles inside one transaction that also moves its tracking position to the last
id of the page (`View.batch`). A crash at any point leaves either the whole page applied or none of it.

The next page is read and decoded on a second thread while the current one is applied, and on
PostgreSQL each projection applies its part on a thread of its own: much of the time goes in database
round trips, which release the GIL, so the waits overlap.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from loyalty_core.ledger import LedgerStore
from projections.base import ReadProjection
from projections.codec import Decoder, topics_of
from projections.view import PositionMoved

OnBatch = Callable[[int, int, int], None]
"""Called after each page with (position reached, head, notifications in the page)."""


@dataclass
class LogReader:
    """The store's notification log, decoded for a set of projections."""

    store: LedgerStore
    decoder: Decoder
    topics: list[str]

    @classmethod
    def for_projections(cls, store: LedgerStore, projections: Sequence[ReadProjection]) -> LogReader:
        handled = {c for p in projections for c in p.handles}
        return cls(store, Decoder(store.mapper, handled), topics_of(handled))

    def head(self) -> int:
        return self.store.max_notification_id()

    def page(self, after: int, upto: int) -> tuple[list[tuple[int, Any]], int]:
        """The wanted events with ids in (after, upto], decoded, and how many there were. Receipts and
        claims, about half of the log, are filtered out by the database and never cross the wire."""
        notifications = self.store.recorder.select_notifications(start=after + 1, stop=upto,
                                                                 limit=upto - after, topics=self.topics)
        return self.decoder.decode_page(notifications), len(notifications)


def catch_up(reader: LogReader, projections: Sequence[ReadProjection], *, upto: int | None = None,
             batch_size: int = 1000, stop: threading.Event | None = None,
             on_batch: OnBatch | None = None) -> int:
    """Apply everything up to `upto` (default: the head now) to each projection; notifications read."""
    positions = [p.view.position() for p in projections]
    head = reader.head() if upto is None else upto
    after = min(positions, default=head)
    handles = [frozenset(p.handles) for p in projections]
    read = 0
    # One thread reads and decodes the next page; on PostgreSQL one per projection applies the current page
    # in its own transaction. The threads mostly wait on the database, which releases the GIL, so their
    # waits overlap. SQLite has one writer per file: there the projections take turns.
    postgres = bool(projections) and projections[0].view.store.dialect == "postgres"
    appliers = len(projections) if postgres else 1
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="log-reader") as reading, \
            ThreadPoolExecutor(max_workers=appliers, thread_name_prefix="apply") as applying:
        ahead_from, ahead = -1, None
        while after < head and not (stop is not None and stop.is_set()):
            end = min(after + batch_size, head)
            if ahead is None or ahead_from != after:  # first page, or a projection fell back (a race)
                ahead = reading.submit(reader.page, after, end)
            decoded, count = ahead.result()
            if end < head:
                ahead_from, ahead = end, reading.submit(reader.page, end, min(end + batch_size, head))
            applied = [applying.submit(_apply, p, handles[i], decoded, positions[i], end)
                       for i, p in enumerate(projections)]
            positions = [future.result() for future in applied]
            read += end - after
            after = min([*positions, end])
            if on_batch is not None:
                on_batch(after, head, count)
    return read


def _apply(projection: ReadProjection, handles: frozenset[type], decoded: list[tuple[int, Any]],
           position: int, last: int) -> int:
    if position >= last:
        return position
    events = [(i, e) for i, e in decoded if i > position and type(e) in handles]
    try:
        with projection.view.batch(position, last) as tx:
            projection.apply(tx, events)
    except PositionMoved:
        # Another worker applied these events first; carry on from wherever it got to.
        return projection.view.position()
    return last
