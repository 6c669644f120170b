"""The event stream (level-2 tills and apps): server-sent events tailed from the ledger's event log.

The log is polled (`notifications(start, limit)`), because SQLite has no push and one loop is simpler
than two. Each SSE `id` is the event's position in the log, so a client that reconnects with
`Last-Event-ID` continues exactly where it stopped. A channel key sees the events of its own stores (or,
without stores, of its channel), plus the events of members it asks for by id, which it could read anyway.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, AsyncIterator
from uuid import UUID

import anyio

from api.deps import Caller
from api.eventdata import event_json, is_member_event
from loyalty_core.ledger import LedgerStore

PAGE = 200


@dataclass(frozen=True)
class StreamFilter:
    caller: Caller
    member_ids: frozenset[UUID]
    store_ids: frozenset[str]

    def shows(self, event: Any) -> bool:
        if not is_member_event(event):
            return False
        if event.originator_id in self.member_ids:
            return True
        if not self.caller.may_see_store(event.store_id, event.channel):
            return False
        if self.member_ids or self.store_ids:
            return event.store_id in self.store_ids
        return True


def _read(store: LedgerStore, after: int, wanted: StreamFilter) -> tuple[int, list[dict[str, Any]]]:
    page = store.notifications(after + 1, PAGE)
    out = []
    for notification in page:
        event = store.decode(notification)
        if wanted.shows(event):
            out.append({"id": str(notification.id), "event": type(event).__name__,
                        "data": json.dumps(event_json(event), ensure_ascii=False)})
    return (page[-1].id if page else after), out


async def tail(store: LedgerStore, after: int, wanted: StreamFilter, poll_seconds: float,
               ) -> AsyncIterator[dict[str, Any]]:
    position = after
    while True:
        position_before = position
        position, events = await anyio.to_thread.run_sync(_read, store, position, wanted)
        for item in events:
            yield item
        if position == position_before:
            await anyio.sleep(poll_seconds)
