"""The id of the request a command is being executed for, so the events it writes say which request
caused them.

The API sets it for each HTTP request (`X-Request-ID`, api/request_id.py); the service reads it when it
prepares a command (on the request's own thread, before group commit hands the write to another) and
stamps it on the member events of that command (`MemberEvent.request_id`). Outside a request it is None.
"""

from __future__ import annotations

from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("loyalty_request_id", default=None)
