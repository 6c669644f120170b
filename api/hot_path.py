"""The two requests a till sends most, answered without FastAPI's router and dependency solving.

`POST /v1/transactions` and `GET /v1/members/{id}/balance` are most of a store's traffic. Profiled under load
(py-spy, 32 connections), routing, the middleware stack inside FastAPI and solving the dependencies of the
route (context, bearer, key, role) took about half of the event loop's CPU for a request whose own work is
a dictionary lookup and an await. This middleware sits inside the request-id, printable-URL and metrics
middlewares (so those still see every request) and answers those two requests itself, with the same pieces
the routes use: the bearer scheme, `_authenticated`, the role check, the route's own answer
(`purchase_answer`, `balance_answer`) and the app's own exception handlers, so an answer, a refusal and its
problem+json are byte for byte what the route gives.

Only the plain case is taken here: a JSON body that the route's model accepts as it is. Anything else (no
or another content type, a body that is not JSON or that the model refuses, an odd member id, a large body)
goes on to FastAPI with the body replayed, before anything was counted or written, so FastAPI answers it
with exactly the error it always gave. `LOYALTY_HOT_PATH=0` turns the middleware off (every request through
FastAPI), as the tests do to compare the two answers.
"""

from __future__ import annotations

import re
from typing import Any, Awaitable, Callable
from uuid import UUID

import orjson
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from api.deps import ApiContext, Caller, _authenticated, _bearer, as_reader, as_writer
from api.routes.members import balance_answer
from api.routes.transactions import purchase_answer
from api.schemas.transactions import PurchaseRequest

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

PURCHASES = "/v1/transactions"
_BALANCE = re.compile(r"^/v1/members/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/balance$")
"""Only the canonical lower-case form: any other spelling FastAPI accepts goes to FastAPI."""
LARGEST_BODY = 256 * 1024
"""A purchase of 500 lines is ~100 KiB; anything larger is read by FastAPI as before."""


class HotPath:
    """ASGI middleware: the till's purchase and balance read, else the app it wraps."""

    def __init__(self, app: Any, owner: Any, context: ApiContext | None) -> None:
        self.app = app
        self.owner = owner  # the FastAPI app: its exception handlers and its routes (for the metrics label)
        self.api = context
        self._routes: dict[tuple[str, str], Any] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            method, path = scope["method"], scope["path"]
            if method == "POST" and path == PURCHASES:
                await self._purchase(scope, receive, send)
                return
            if method == "GET" and path.endswith("/balance"):
                found = _BALANCE.match(path)
                if found is not None:
                    await self._balance(scope, receive, send, UUID(found.group(1)))
                    return
        await self.app(scope, receive, send)

    async def _purchase(self, scope: Scope, receive: Receive, send: Send) -> None:
        read = await _read_body(receive)
        body, whole, _ = read
        request = _json_body(scope, body) if whole else None
        if request is None:  # not the plain case: FastAPI reads the same bytes and answers as it always did
            await self.app(scope, _replaying(read, receive), send)
            return
        await self._answer(scope, receive, send, "POST", PURCHASES, as_writer,
                           lambda caller: purchase_answer(self.api, request, caller))

    async def _balance(self, scope: Scope, receive: Receive, send: Send, member_id: UUID) -> None:
        await self._answer(scope, receive, send, "GET", "/v1/members/{member_id}/balance", as_reader,
                           lambda caller: balance_answer(self.api, member_id))

    async def _answer(self, scope: Scope, receive: Receive, send: Send, method: str, template: str,
                      role_check: Callable[[Any], Awaitable[Caller]],
                      work: Callable[[Caller], Awaitable[Response]]) -> None:
        route = self._route(method, template)
        scope["route"], scope["path_params"] = route, {}
        scope["app"] = self.owner  # as Starlette sets it: a handler may read request.app
        request = Request(scope, receive)
        try:
            # The same dependencies, in the order FastAPI solves them: bearer, key and rate limit, role.
            key = await _authenticated(request, self.api, await _bearer(request))
            response = await work(await role_check(key))
        except Exception as exc:  # noqa: BLE001 - answered by the app's own handler, as the route's would be
            handler = self._handler(exc)
            if handler is None:
                raise  # ServerErrorMiddleware (outside) answers 500 and logs it, as for any route
            response = handler(request, exc)
            if not isinstance(response, Response):  # an async handler
                response = await response
        await response(scope, receive, send)

    def _handler(self, exc: Exception) -> Callable[..., Any] | None:
        handlers = self.owner.exception_handlers
        for cls in type(exc).__mro__:
            if cls is Exception:  # the catch-all belongs to ServerErrorMiddleware, as Starlette arranges it
                return None
            if cls in handlers:
                return handlers[cls]  # type: ignore[no-any-return]
        return None

    def _route(self, method: str, template: str) -> Any:
        """The route FastAPI would have matched (its template labels the metrics). Taken from the routers
        the app includes: FastAPI keeps included routers nested, so `app.routes` does not list it."""
        if self._routes is None:
            from api.routes import members, transactions

            self._routes = {(m, r.path): r for router in (transactions.router, members.router)
                            for r in router.routes for m in getattr(r, "methods", ())}
        return self._routes[(method, template)]


def _json_body(scope: Scope, body: bytes) -> PurchaseRequest | None:
    """The request as the route's model, when FastAPI would read it the same way; else None."""
    if not body or not _is_json(scope):
        return None
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    try:
        return PurchaseRequest.model_validate(data)  # python mode, as FastAPI validates the parsed body
    except (ValidationError, ValueError, TypeError):
        return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json"
    return False


async def _read_body(receive: Receive) -> tuple[bytes, bool, dict[str, Any] | None]:
    """(the bytes read, whether that is the whole body, a message that came instead of more body).

    Stops early past `LARGEST_BODY` or when the client leaves: FastAPI then reads on from where this stopped.
    """
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False, message
        chunk = message.get("body", b"")
        size += len(chunk)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True, None
        if size > LARGEST_BODY:
            return b"".join(chunks), False, None


def _replaying(read: tuple[bytes, bool, dict[str, Any] | None], receive: Receive) -> Receive:
    """`receive` for the app behind: the bytes already read, what came instead, then the client's own."""
    body, whole, instead = read
    queued: list[dict[str, Any]] = [{"type": "http.request", "body": body, "more_body": not whole}]
    if instead is not None:
        queued.append(instead)

    async def replay() -> dict[str, Any]:
        return queued.pop(0) if queued else await receive()

    return replay
