"""`GET /v1/stream`: server-sent events of the ledger, as they are recorded, filtered to what the key sees.

The one `async` endpoint: it holds a connection open and polls the log in a worker thread between sleeps.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Header, Query
from sse_starlette import EventSourceResponse

from api.deps import Api, Reader
from api.errors import ApiProblem, problems
from api.schemas.common import StoreId
from api.stream import StreamFilter, tail

router = APIRouter(prefix="/v1", tags=["stream"], responses=problems(401, 403, 429))


@router.get("/stream", response_class=EventSourceResponse, responses={
    200: {"description": "text/event-stream: one `data:` JSON event per ledger event, `id:` its log position",
          "content": {"text/event-stream": {"schema": {"type": "string"}}}}, **problems(422)})
async def stream_events(
    api: Api,
    caller: Reader,
    member_id: Annotated[list[UUID], Query(max_length=50)] = [],  # noqa: B006
    store_id: Annotated[list[StoreId], Query(max_length=50)] = [],  # noqa: B006
    since: Annotated[int | None, Query(ge=0, le=2**62)] = None,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID", max_length=20)] = None,
) -> EventSourceResponse:
    """Stream member events as they happen (resume with Last-Event-ID)."""
    for store in store_id:
        if not caller.may_see_store(store, caller.key.channel):
            raise ApiProblem(
                403, "store_not_allowed", f"this key may not follow store {store!r}", field="store_id"
            )
    after = since
    if last_event_id is not None and last_event_id.isdigit():
        after = int(last_event_id)
    if after is None:
        after = api.runtime.store.max_notification_id()
    wanted = StreamFilter(caller, frozenset(member_id), frozenset(store_id))
    return EventSourceResponse(
        tail(api.runtime.store, after, wanted, api.settings.stream_poll_seconds),
        ping=int(api.settings.stream_ping_seconds) or None,
    )
