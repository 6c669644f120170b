"""A request id for every HTTP request: `X-Request-ID` in (when the caller or a proxy sends a sane one) and
out (always), in every log line written while the request runs, and on the events its command writes.

Plain ASGI, like the metrics middleware, so streamed responses are not buffered. A dozen lines of our own
rather than `asgi-correlation-id`: the id must land in `loyalty_core.request_context`, which the service
reads, and that library keeps its own context variable.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from loyalty_core.request_context import current_request_id

HEADER = b"x-request-id"
_SANE = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")
"""What we accept from outside: short, printable, no spaces (it goes into logs and events)."""


class RequestIdMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(HEADER, b"")
        request_id = given.decode() if _SANE.match(given) else uuid.uuid4().hex
        token = current_request_id.set(request_id)

        async def sending(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message = {**message, "headers": [*headers, (HEADER, request_id.encode())]}
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            current_request_id.reset(token)
