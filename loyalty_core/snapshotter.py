"""Snapshots taken after a group-commit write, on a thread of their own, never on the write path.

A snapshot is proved before it is stored (`LedgerStore.snapshot` folds the stored events again and
compares), so taking one costs a read round trip, a fold of about `snapshot_interval` events, the packing of
the whole state and a write with its own commit. Taken in the group committer's writer thread, as every
committed state that crossed an interval was, each one held up the callers of its batch and the next
batch's write: on a server where members keep buying, 8 % of the busy time (docs/benchmarks.md, issue 17).

A snapshot only makes a later cold load cheaper; a missing one changes no answer. So the writer hands the
state here and goes on. Queued states are kept per member, newest version only (an older one would be
replaced by the next anyway). A failure is logged by the service and forgotten: the next interval tries
again, and a load without a snapshot folds the events. `flush` waits for the queue to empty (tests, and
`close`, which snapshots what is queued before the store closes).
"""

from __future__ import annotations

import logging
import threading
from typing import Callable
from uuid import UUID

from loyalty_core.member import Member

log = logging.getLogger("loyalty.snapshots")

IDLE_SECONDS = 5
"""The thread ends after this long with nothing queued, so an idle or forgotten service holds no thread."""
MAX_QUEUED = 10_000
"""States waiting beyond this are dropped (logged): under a flood the next interval snapshots again."""


class Snapshotter:
    def __init__(self, take: Callable[[Member], None]):
        self._take = take
        self._queued: dict[UUID, Member] = {}
        self._cond = threading.Condition()
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, member: Member) -> None:
        with self._cond:
            if self._closed:
                return
            queued = self._queued.get(member.id)
            if queued is None and len(self._queued) >= MAX_QUEUED:
                log.warning("snapshot of member %s dropped: %d already queued", member.id, MAX_QUEUED)
                return
            if queued is None or queued.version < member.version:
                self._queued[member.id] = member
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="snapshotter", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def flush(self, timeout_s: int = 30) -> bool:
        """Wait until every queued state was snapshotted (or refused); False if it took longer."""
        with self._cond:
            return self._cond.wait_for(lambda: not self._queued and not self._busy, timeout=timeout_s)

    def close(self, timeout_s: int = 30) -> None:
        """Snapshot what is queued, then stop; later submissions are ignored."""
        self.flush(timeout_s)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=timeout_s)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._queued or self._closed, timeout=IDLE_SECONDS)
                if not self._queued:  # closed, or idle: the thread ends (the next submit starts another)
                    self._thread = None
                    return
                member_id = next(iter(self._queued))
                member = self._queued.pop(member_id)
                self._busy = True
            try:
                self._take(member)
            except Exception:  # noqa: BLE001 - a snapshot is an optimisation: never let one stop the rest
                log.exception("snapshot of member %s failed", member.id)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()
