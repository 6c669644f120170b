"""A member's timeline, newest first, a page at a time.

This is the one function the history route calls. Until the read side's `projections.queries.list_timeline`
lands it folds the member's own events (always current, O(events) per page); swapping it for the projection
changes this module only. The cursor is opaque to clients: today it is the version to continue below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from api.eventdata import event_json, is_member_event, points_delta
from loyalty_core.errors import InvalidInput, MemberNotFound
from loyalty_core.runtime import Runtime


@dataclass(frozen=True)
class HistoryPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


def list_history(runtime: Runtime, member_id: UUID, cursor: str | None, limit: int) -> HistoryPage:
    before = _parse_cursor(cursor)
    events = member_events(runtime, member_id)
    if not events:
        raise MemberNotFound(f"no member {member_id}", member_id=str(member_id))
    newer_first = [e for e in reversed(events) if before is None or e.originator_version < before]
    page = newer_first[:limit]
    items = [{**event_json(e), "points": points_delta(e)} for e in page]
    more = len(newer_first) > limit
    return HistoryPage(items=items, next_cursor=f"v{page[-1].originator_version}" if more and page else None)


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
