"""A lane: one thread that takes everything queued at that moment and serves it in one round.

The rate-limit hits (api/limit_lane.py), the in-flight keys (api/inflight_lane.py) and the balance reads'
freshness checks (api/read_lane.py) each pay one database round trip per round instead of one per request:
a request queues its item and waits on its future, and the lane's thread drains the queue (up to
`max_round` items) and calls `_round` with them. The thread starts on the first item and stops after
`idle_seconds` with nothing queued, so an idle process holds no thread and no connection.
"""

from __future__ import annotations

import queue
import threading
from abc import ABC, abstractmethod
from typing import Generic, TypeVar

Item = TypeVar("Item")


class Lane(ABC, Generic[Item]):
    thread_name = "lane"
    idle_seconds = 5.0
    max_round = 1000

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[Item] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._running = False

    @abstractmethod
    def _round(self, items: list[Item]) -> None:
        """Serve these items (each one's future answered, whatever happens)."""

    def _quiet(self) -> None:
        """Called when nothing was queued for `_wait_seconds()`, before `_idle`, without the lane's lock: work
        of the lane's own between rounds (none by default)."""

    def _idle(self) -> bool:
        """Called with the lane's lock held when nothing was queued for `_wait_seconds()`: True lets the
        thread stop (the default), False keeps it waiting (a lane with work of its own between rounds)."""
        return True

    def _wait_seconds(self) -> float:
        """How long the thread waits for an item before `_idle` is asked."""
        return self.idle_seconds

    def _enqueue(self, item: Item) -> None:
        self._queue.put(item)
        with self._lock:
            if not self._running:
                self._running = True
                threading.Thread(target=self._run, name=self.thread_name, daemon=True).start()

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._wait_seconds())
            except queue.Empty:
                self._quiet()
                with self._lock:
                    if self._queue.empty() and self._idle():
                        self._running = False
                        return
                continue
            self._round(self._drain([first]))

    def _drain(self, items: list[Item]) -> list[Item]:
        while len(items) < self.max_round:
            try:
                items.append(self._queue.get_nowait())
            except queue.Empty:
                break
        return items

    def _run_once(self) -> None:
        """One round of whatever is queued, in the caller's thread (tests)."""
        items = self._drain([])
        if items:
            self._round(items)
