"""Printable URLs only: a control character in a request's path or query string is refused before routing.

Request bodies are checked field by field (`api.schemas.common.Strict`, and the ledger's own
`loyalty_core.text` for every command). Query and path parameters never reach a model as a whole, and a
NUL in a search query would reach PostgreSQL, which refuses it with an error the route never expected.
One check at the door covers every parameter of every route and page with the same `invalid_text` code.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from api.errors import problem_response
from loyalty_core.text import bad_character, message


class PrintableUrlMiddleware:
    """Pure ASGI (no body buffering): looks at the path and the query string, nothing else."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            found = _bad_part(scope)
            if found is not None and scope["type"] == "http":
                part, bad = found
                response = problem_response(422, "invalid_text", message(part, bad), field=part)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _bad_part(scope: dict[str, Any]) -> tuple[str, str] | None:
    path = scope.get("path", "")
    bad = bad_character(path)
    if bad is not None:
        return "path", bad
    raw = scope.get("query_string", b"").decode("latin-1")
    query = unquote(raw.replace("+", " "), errors="replace")
    bad = bad_character(query)
    return ("query", bad) if bad is not None else None
