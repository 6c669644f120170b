"""Balance reads on PostgreSQL for the event loop: every cached member waiting is checked in one round trip.

A balance read must show the member as stored now, also when another process wrote it: the cached state
(`LedgerStore.members`) is fast-forwarded with any newer events. `load_member` asks the database once per
read, from a threadpool thread with a pool checkout of its own; under 32 tills that was most of a read's
cost. Here a read whose member is cached waits on the event loop for one lane thread that takes every read
waiting at that moment and asks for all their members' newer events in one statement
(`LedgerStore.fresh_members`). Its answers go back to the event loop in one wake-up per round, not one per
read.

Read-your-writes holds as on the old path: a read is queued after its caller's write was committed, and a
round asks the database only after it took its reads from the queue, so it sees that write (or another
process's). A member not cached (first read, unknown id, evicted) is answered None: the route then loads it
the usual way. A database that fails answers every read of the round `StoreUnavailable` (503), never a 500.
The lane is the reads' shared connection, so a read waits for it as long as a request may wait for a pooled
connection (`LOYALTY_POOL_TIMEOUT_SECONDS`) and is then answered 503 with Retry-After: a stalled database
(a table lock, a hung server) holds up every read behind its round, and none may hang
(tests/faults/test_pool_exhaustion.py).

The thread starts on the first read and stops after `IDLE_SECONDS` idle.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from eventsourcing.persistence import PersistenceError

from api.lane import Lane
from loyalty_core.errors import StoreUnavailable
from loyalty_core.member import Member

log = logging.getLogger("loyalty.api.reads")

IDLE_SECONDS = 5.0
MAX_ROUND = 1000


@dataclass
class _Read:
    cached: Member
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future


class FreshnessLane(Lane[_Read]):
    thread_name, idle_seconds, max_round = "read-lane", IDLE_SECONDS, MAX_ROUND

    def __init__(self, store: Any, wait_seconds: float):
        super().__init__()
        self.store, self.wait_seconds = store, wait_seconds

    async def fresh(self, member_id: UUID) -> Member | None:
        """The member as stored now, or None when it is not cached here (the caller loads it itself)."""
        cached = self.store.members.get(member_id)
        if cached is None:
            return None
        loop = asyncio.get_running_loop()
        read = _Read(cached, loop, loop.create_future())
        self._enqueue(read)
        try:
            # Cancelled when the wait is over or the request goes away: the lane skips a cancelled future.
            return await asyncio.wait_for(read.future, self.wait_seconds)  # type: ignore[no-any-return]
        except asyncio.TimeoutError:
            raise StoreUnavailable(f"the store did not answer a balance read within {self.wait_seconds:g} s") \
                from None

    def _round(self, reads: list[_Read]) -> None:
        answers: dict[UUID, Member | BaseException]
        try:
            answers = dict(self.store.fresh_members([read.cached for read in reads]))
        except StoreUnavailable as exc:
            answers = {read.cached.id: exc for read in reads}
        except PersistenceError as exc:  # e.g. the table is gone: not the caller's fault, retry later
            failure = StoreUnavailable(f"the store is unavailable: {type(exc).__name__}")
            failure.__cause__ = exc
            answers = {read.cached.id: failure for read in reads}
        except BaseException as exc:  # never leave a read waiting
            log.exception("the read lane failed a round of %d reads", len(reads))
            answers = {read.cached.id: exc for read in reads}
        by_loop: dict[asyncio.AbstractEventLoop, list[_Read]] = {}
        for read in reads:
            by_loop.setdefault(read.loop, []).append(read)
        for loop, waiting in by_loop.items():  # one wake-up of each event loop for the whole round
            try:
                loop.call_soon_threadsafe(_answer, waiting, answers)
            except RuntimeError:  # that loop was closed meanwhile: nobody waits there any more
                pass



def _answer(reads: list[_Read], answers: dict[UUID, Member | BaseException]) -> None:
    for read in reads:
        if read.future.done():
            continue
        answer = answers[read.cached.id]
        if isinstance(answer, BaseException):
            read.future.set_exception(answer)
        else:
            read.future.set_result(answer)


def read_lane(api: Any) -> FreshnessLane | None:
    """The app's lane on PostgreSQL (created on first use), None on SQLite (reads go the usual way)."""
    lane = getattr(api, "_read_lane", None)
    if lane is None:
        settings = api.runtime.settings
        if not settings.is_postgres:
            return None
        lane = api._read_lane = FreshnessLane(api.runtime.store, settings.pool_timeout_seconds)
    return lane  # type: ignore[no-any-return]
