"""A request id for every HTTP request: `X-Request-ID` in (when the caller or a proxy sends a sane one) and
out (always), in every log line written while the request runs, and on the events its command writes.

Plain ASGI, like the metrics middleware, so streamed responses are not buffered. A dozen lines of our own
rather than `asgi-correlation-id`: the id must land in `loyalty_core.request_context`, which the service
reads, and that library keeps its own context variable.
"""

from __future__ import annotations

import random
import re
import uuid
from typing import Any

from loyalty_core.request_context import current_request_id

HEADER = b"x-request-id"
_SANE = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")
"""What we accept from outside: short, printable, no spaces (it goes into logs and events)."""


def new_request_id() -> str:
    """A random version-4 UUID (hex), drawn from the process's seeded generator, not from the OS.

    `uuid.uuid4()` reads `os.urandom`, which lets go of the GIL for the system call; in the event loop's
    thread, under load, getting it back meant waiting for the deciding and writing threads' time slices:
    3.5 % of a busy server's samples sat in that one call (docs/benchmarks.md, issue 17). A request id only
    needs to be unique, not unguessable; `random` is reseeded in every forked child, so worker processes
    never share a sequence."""
    return uuid.UUID(int=random.getrandbits(128), version=4).hex


class RequestIdMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = dict(scope.get("headers") or ()).get(HEADER, b"")
        request_id = given.decode() if _SANE.match(given) else new_request_id()
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
