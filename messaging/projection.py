"""The outbox projection: reads member events and decides, once, which messages they deserve.

It is a read-side projection like the others (`projections.base`): each batch of events turns into outbox
rows written in the same transaction that moves its tracking position, so a crash loses or repeats nothing.
Its only table is the outbox itself, which is not generation-named: a rebuild replays every event into the
same table, where each message id already exists, so nothing is decided (or sent) a second time.
"""

from __future__ import annotations

from typing import Any, Sequence

from loyalty_core import events as ev
from messaging.kinds import HANDLED, drafts_for
from messaging.outbox import Outbox
from projections.base import ReadProjection
from projections.readstore import Tx
from projections.view import PostgresView, SQLiteView, View


class OutboxView(View):
    name = "messages"
    TABLES: dict[str, str] = {}

    def setup(self) -> None:
        Outbox(self.store).ensure()
        super().setup()

    def add(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        drafts = [d for position, event in events for d in drafts_for(event, position)]
        if drafts:
            Outbox(self.store).add(tx, drafts)
        erased = [e.originator_id for _, e in events if isinstance(e, ev.PersonalDataErased)]
        if erased:
            Outbox(self.store).forget(tx, erased)
            self.store.checkpoint_due = True


class SQLiteOutboxView(OutboxView, SQLiteView):
    pass


class PostgresOutboxView(OutboxView, PostgresView):
    pass


class OutboxProjection(ReadProjection):
    name = "messages"
    handles = (*HANDLED, ev.PersonalDataErased)
    views = {"sqlite": SQLiteOutboxView, "postgres": PostgresOutboxView}
    view: OutboxView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        self.view.add(tx, events)
