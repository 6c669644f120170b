"""The parts of the OpenAPI document that integrators generate clients from, kept stable on purpose.

- Every operation's `operationId` is its route function's name in camelCase (`record_purchase` →
  `recordPurchase`), not FastAPI's default of name, path and method, so a generated client's method names
  survive a path's change and read like the API's own words. Two routes with one name would collide; a test
  keeps them unique.
- Every operation carries a whole-request example (api/openapi_examples.py), so "Try it out" works as it is.
- Every problem response refers to one `Problem` schema in `components/schemas` (`api/errors.py`
  `problems()`), instead of a copy of it inlined in each of hundreds of responses, so a client generates
  one Problem type.
"""

from __future__ import annotations

from typing import Any, Callable

from fastapi import FastAPI
from fastapi.routing import APIRoute

from api import openapi_examples
from api.errors import PROBLEM_COMPONENT


#: Route functions whose name another module also uses: (module, function) -> the name to publish.
RENAMED = {("api.routes.messages", "list_dead_letters"): "list_message_dead_letters"}


def operation_id(route: APIRoute) -> str:
    name = RENAMED.get((getattr(route.endpoint, "__module__", ""), route.name), route.name)
    first, *rest = name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def install_problem_component(app: FastAPI) -> None:
    """Add the shared `Problem` schema and the request examples to the document FastAPI builds (once, then
    cached by FastAPI)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            schema.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_COMPONENT
            openapi_examples.apply(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
