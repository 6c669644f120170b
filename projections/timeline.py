"""The member timeline: every member event as one line, across channels, newest first.

Rows are append-only (one per member event, keyed by member and version) and hold the event's facts as
JSON; `timeline_text` writes the sentence when the line is read. On PostgreSQL the rows go in with COPY,
several times faster than INSERT, which matters when a rebuild writes a million of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence
from uuid import UUID

import orjson

from loyalty_core.privacy.fields import PROTECTED, protect, reveal
from loyalty_core.privacy.vault import current as current_vault
from projections.base import ReadProjection
from projections.codec import member_event_classes
from projections.readstore import Tx
from projections.timeline_text import Words, sentence
from projections.view import PostgresView, SQLiteView, View

_BASE = {"originator_id", "originator_version", "timestamp", "channel", "store_id", "actor"}
_COLUMNS = ("member_id", "version", "seq", "at", "kind", "channel", "store_id", "actor", "facts")


@dataclass(frozen=True)
class TimelineLine:
    member_id: UUID
    version: int
    at: datetime
    at_local: str
    """dd/mm/yyyy hh:mm on the Ho Chi Minh clock."""
    kind: str
    channel: str
    channel_label: str
    store_id: str | None
    actor: str
    text: str


@dataclass(frozen=True)
class TimelinePage:
    lines: list[TimelineLine]
    next_cursor: str | None
    """Pass back as `cursor` for the next (older) page; None when there is nothing older."""


def facts_of(event: Any) -> bytes:
    state, cls = vars(event), type(event)
    vault = current_vault()
    if vault is not None and cls in PROTECTED:  # personal fields kept sealed, as in the event store
        state = protect(cls, state, vault.seal)
    facts = {k: v for k, v in state.items() if k not in _BASE}
    return orjson.dumps(facts, default=str)  # Decimal as its exact string


_PROTECTED_BY_NAME = {cls.__name__: cls for cls in PROTECTED}


def opened(member_id: UUID, kind: str, facts: dict[str, Any]) -> dict[str, Any]:
    """The facts with their sealed personal fields opened ("đã xoá" once the member was erased)."""
    cls, vault = _PROTECTED_BY_NAME.get(kind), current_vault()
    if cls is None or vault is None:
        return facts
    state = {**facts, "originator_id": member_id}
    reveal(cls, state, vault.unseal)
    del state["originator_id"]
    return state


class TimelineView(View):
    name = "timeline"
    TABLES = {"timeline": "member_id {uuid} NOT NULL, version {int} NOT NULL, seq {int} NOT NULL, "
                          "at {ts} NOT NULL, kind {text} NOT NULL, channel {text} NOT NULL, store_id {text}, "
                          "actor {text} NOT NULL, facts {blob} NOT NULL, PRIMARY KEY (member_id, version)"}

    def rows(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> list[tuple]:
        return [(tx.uid(e.originator_id), e.originator_version, seq, tx.ts(e.timestamp), type(e).__name__,
                 e.channel, e.store_id, e.actor, facts_of(e)) for seq, e in events]

    def append(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        tx.append(self.tables["timeline"], _COLUMNS, self.rows(tx, events))  # COPY on PostgreSQL

    def page(self, tx: Tx, member_id: UUID, before: int | None, limit: int) -> list[tuple]:
        sql = ("SELECT version, at, kind, channel, store_id, actor, facts FROM {timeline} WHERE member_id = ?"
               + (" AND version < ?" if before is not None else "") + " ORDER BY version DESC LIMIT ?")
        params = [tx.uid(member_id), *([before] if before is not None else []), limit]
        return [(v, tx.to_ts(at), *rest) for v, at, *rest in tx.run(self.sql(sql), params)]

    def count(self, tx: Tx) -> int:
        return int(tx.run(self.sql("SELECT count(*) FROM {timeline}"))[0][0])


class SQLiteTimelineView(TimelineView, SQLiteView):
    pass


class PostgresTimelineView(TimelineView, PostgresView):
    pass


class TimelineProjection(ReadProjection):
    name = "timeline"
    handles = member_event_classes()
    views = {"sqlite": SQLiteTimelineView, "postgres": PostgresTimelineView}
    view: TimelineView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        self.view.append(tx, events)


def lines(member_id: UUID, rows: list[tuple], lang: str) -> list[TimelineLine]:
    words = Words(lang)
    return [TimelineLine(member_id=member_id, version=int(version), at=at, at_local=words.when(at),
                         kind=kind, channel=channel, channel_label=words.channel(channel), store_id=store_id,
                         actor=actor,
                         text=sentence(kind, opened(member_id, kind, orjson.loads(bytes(facts))), words.lang))
            for version, at, kind, channel, store_id, actor, facts in rows]
