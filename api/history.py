"""A member's timeline, newest first, a page at a time, each event with the line a CSKH agent reads.

This is the one function the history route calls. It reads the member's own events, not the read side's
timeline projection, so a history read right after a command shows it (read your writes, no projection
lag), and renders each event with the read side's own text function (`projections.timeline.lines`, which
uses `projections/timeline_text.py`), so the words are exactly those of `ReadModels.list_timeline`:
Vietnamese by default, English with `lang="en"`. The cost is O(member events) per page, which a member's
history keeps small. The cursor is opaque to clients: it is the version to continue below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.eventdata import event_json, is_member_event, points_delta
from loyalty_core.errors import InvalidInput, MemberNotFound
from loyalty_core.runtime import Runtime
from projections import timeline


@dataclass(frozen=True)
class HistoryPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def list_history(runtime: Runtime, member_id: UUID, cursor: str | None, limit: int,
                 lang: str = "vi") -> HistoryPage:
    before = _parse_cursor(cursor)
    events = member_events(runtime, member_id)
    if not events:
        raise MemberNotFound(f"no member {member_id}", member_id=str(member_id))
    newer_first = [e for e in reversed(events) if before is None or e.originator_version < before]
    page = newer_first[:limit]
    lines = timeline.lines(member_id, [_timeline_row(e) for e in page], lang)
    items = [{**event_json(e), "points": points_delta(e), "text": line.text, "at_local": line.at_local,
              "channel_label": line.channel_label} for e, line in zip(page, lines, strict=True)]
    more = len(newer_first) > limit
    return HistoryPage(items=items, next_cursor=f"v{page[-1].originator_version}" if more and page else None)


def _timeline_row(event: Any) -> tuple:
    """The row the timeline projection stores for an event (`TimelineView.rows`), without the database."""
    return (event.originator_version, event.timestamp, type(event).__name__, event.channel, event.store_id,
            event.actor, timeline.facts_of(event))


def member_events(runtime: Runtime, member_id: UUID) -> list[Any]:
    """A member's events in order; nothing for an id that is not a member's (a claim's or a receipt's)."""
    events = runtime.store.member_events(member_id)
    return events if events and is_member_event(events[0]) else []


def _parse_cursor(cursor: str | None) -> int | None:
    if cursor is None:
        return None
    if len(cursor) < 2 or cursor[0] != "v" or not cursor[1:].isdigit() or len(cursor) > 12:
        raise InvalidInput("cursor is not one this API gave out", field="cursor")
    return int(cursor[1:])
