"""The batched runner: read the notification log a page at a time and apply each page to every projection.

Why not the library's `ProjectionRunner`: it needs `subscribe()`, which the SQLite recorder does not
have, and it commits once per event (≈ 800 events/s here) while the log reads at tens of thousands a
second. Here a page of the log (`recorder.select_notifications`) is decoded once, then each projection
applies the events it handles inside one transaction that also moves its tracking position to the last
id of the page (`View.batch`). A crash at any point leaves either the whole page applied or none of it.

The next page is read and decoded on a second thread while the current one is applied, and on
PostgreSQL each projection applies its part on a thread of its own: much of the time goes in database
round trips, which release the GIL, so the waits overlap.

An event a projection cannot apply does not stop it: the page is applied again one event per transaction,
and the event that fails is recorded as a dead letter instead, in a transaction that moves the position
past it (`projections.deadletter`); so is a notification that cannot even be decoded. A failure of the database
itself is not the event's fault and fails the page as before, to be tried again.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, NamedTuple, Sequence

from eventsourcing.persistence import Notification

from eventsourcing.utils import get_topic

from loyalty_core.ledger import LedgerStore
from projections.base import ReadProjection
from projections.codec import Decoder, topics_of
from projections.deadletter import DeadLetters, is_poison
from projections.view import GenerationDropped, PositionMoved

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

    def page(self, after: int, upto: int) -> Page:
        """The wanted events with ids in (after, upto], decoded, and how many there were. Receipts and
        claims, about half of the log, are filtered out by the database and never cross the wire."""
        notifications = self.store.recorder.select_notifications(start=after + 1, stop=upto,
                                                                 limit=upto - after, topics=self.topics)
        try:
            return Page(self.decoder.decode_page(notifications), len(notifications), [])
        except Exception:  # noqa: BLE001 - one notification cannot be read: find it, keep the others
            return self._page_one_by_one(notifications)

    def _page_one_by_one(self, notifications: Sequence[Notification]) -> Page:
        decoded: list[tuple[int, Any]] = []
        unreadable: list[tuple[Notification, Exception]] = []
        for notification in notifications:
            try:
                event = self.decoder.decode(notification)
            except Exception as exc:  # noqa: BLE001 - set aside as a dead letter by each projection
                unreadable.append((notification, exc))
                continue
            if event is not None:
                decoded.append((notification.id, event))
        return Page(decoded, len(notifications), unreadable)


class Page(NamedTuple):
    events: list[tuple[int, Any]]
    """(notification id, event) for each wanted notification, in log order."""
    count: int
    unreadable: list[tuple[Notification, Exception]]
    """Notifications of a wanted topic that could not be decoded, with why."""


def catch_up(reader: LogReader, projections: Sequence[ReadProjection], *, upto: int | None = None,
             batch_size: int = 1000, stop: threading.Event | None = None,
             on_batch: OnBatch | None = None, dead_letters: DeadLetters | None = None) -> int:
    """Apply everything up to `upto` (default: the head now) to each projection; notifications read."""
    if dead_letters is None and projections:
        dead_letters = DeadLetters(projections[0].view.store)
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
            page = ahead.result()
            count = page.count
            if end < head:
                ahead_from, ahead = end, reading.submit(reader.page, end, min(end + batch_size, head))
            applied = [applying.submit(_apply, p, handles[i], page, positions[i], end, dead_letters)
                       for i, p in enumerate(projections)]
            positions = [future.result() for future in applied]
            read += end - after
            after = min([*positions, end])
            if on_batch is not None:
                on_batch(after, head, count)
    return read


def _apply(projection: ReadProjection, handles: frozenset[type], page: Page, position: int, last: int,
           dead_letters: DeadLetters | None) -> int:
    if position >= last:
        return position
    events = [(i, e) for i, e in page.events if i > position and type(e) in handles]
    unreadable = [(n, exc) for n, exc in page.unreadable if n.id > position and n.topic in projection.topics]
    try:
        if unreadable and dead_letters is not None:
            raise _Unreadable()
        with projection.view.batch(position, last) as tx:
            projection.apply(tx, events)
    except PositionMoved:
        # Another worker applied these events first; carry on from wherever it got to.
        return projection.view.position()
    except GenerationDropped:
        raise
    except Exception as exc:  # noqa: BLE001 - sorted below: the event's fault, or the database's
        if dead_letters is None or not is_poison(exc):
            raise
        return _apply_one_by_one(projection, events, unreadable, position, last, dead_letters)
    return last


class _Unreadable(Exception):
    """The page holds a notification this projection wants and nobody can decode."""


def _apply_one_by_one(projection: ReadProjection, events: list[tuple[int, Any]],
                      unreadable: list[tuple[Notification, Exception]], position: int, last: int,
                      dead_letters: DeadLetters) -> int:
    """The page again, one event per transaction that also moves the position to that event: an event
    that fails is rolled back and recorded as a dead letter instead, again with the position moved. A
    crash anywhere leaves the position at the last event applied or set aside, and no event counted twice.
    (Savepoints inside one transaction would not do: the PostgreSQL views stage rows in temporary tables
    that are emptied only at commit.)"""
    dead_letters.ensure()  # outside any batch: SQLite has one writer, and that is the batch
    name, generation = projection.name, projection.view.generation
    todo = sorted([(n.id, None, n, exc) for n, exc in unreadable] + [(i, e, None, None) for i, e in events],
                  key=lambda item: item[0])
    at = position
    try:
        for notification_id, event, notification, failure in todo:
            if event is not None:
                failure = _apply_alone(projection, at, notification_id, event)
                if failure is None:
                    at = notification_id
                    continue
            topic, origin = ((notification.topic, notification) if notification is not None
                             else (get_topic(type(event)), event))
            with projection.view.batch(at, notification_id) as tx:
                dead_letters.record(tx, name, generation, notification_id, topic, origin.originator_id,
                                    origin.originator_version, failure)
            at = notification_id
        if at < last:
            with projection.view.batch(at, last):
                pass
    except PositionMoved:
        return projection.view.position()
    return last


def _apply_alone(projection: ReadProjection, after: int, notification_id: int, event: Any) -> Exception | None:
    """Apply one event in its own batch; the event's own failure is returned, the database's raised."""
    try:
        with projection.view.batch(after, notification_id) as tx:
            projection.apply(tx, [(notification_id, event)])
    except (PositionMoved, GenerationDropped):
        raise
    except Exception as exc:  # noqa: BLE001 - sorted: the event's fault is returned, the database's raised
        if not is_poison(exc):
            raise
        return exc
    return None
