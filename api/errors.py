"""Problem details (RFC 9457): the one place that turns a refusal into an HTTP status and a body.

Every error the API answers is `application/problem+json` with `type`, `title`, `status`, `detail`, our
stable `code` and, when known, the `field`. Domain refusals keep the code the ledger gave them; the status
comes from one table here, so a route never picks a status for an error. Anything unexpected is logged
with its traceback and answered as a 500 problem that says nothing about the internals.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from http import HTTPStatus
from typing import Any, Mapping
from uuid import UUID

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from loyalty_core.errors import LoyaltyError, StoreUnavailable

log = logging.getLogger("loyalty.api")

PROBLEM_JSON = "application/problem+json"

_STATUS = {
    "identifier_taken": 409,
    "member_erased": 409,
    "reservation_already_captured": 409,
    "reservation_already_released": 409,
    "reservation_expired": 409,
    "redemption_already_reversed": 409,
    "voucher_not_usable": 409,
    "voucher_already_used": 409,
    "voucher_expired": 409,
    "voucher_cancelled": 409,
    "program_already_exists": 409,
    "approval_not_pending": 409,
    # Merging duplicates (loyalty_core/identity/merge_rules.py): the members' state forbids it now.
    "member_already_merged": 409,
    "merge_chain": 409,
    "merge_program_mismatch": 409,
    "merge_open_reservations": 409,
    "merge_conflict": 409,
    "unmerge_blocked": 409,
    # Four eyes: whoever asked for a large adjustment may not also approve it.
    "approval_by_requester": 403,
    "idempotency_request_in_progress": 409,
    # The ledger re-decided many times against concurrent writers; the client retries with the same key.
    "concurrency_conflict": 409,
    "insufficient_points": 422,
    "capture_exceeds_reservation": 422,
    "idempotency_key_reused": 422,
    "refund_exceeds_purchase": 422,
    "currency_mismatch": 422,
    "identifier_not_linked": 422,
    # The database failed or was unreachable: nothing was written, the same request may be retried.
    "store_unavailable": 503,
}


def status_for(code: str) -> int:
    if code in _STATUS:
        return _STATUS[code]
    if code.endswith("_not_found"):
        return 404
    # amount_*, invalid_*, and every other refusal of the input: the request was understood and refused.
    return 422


class Problem(BaseModel):
    """An RFC 9457 problem, with our stable `code`."""

    model_config = ConfigDict(extra="allow")
    type: str
    title: str
    status: int
    detail: str
    code: str
    field: str | None = None


# A reference, not a `model`: FastAPI would file a model's schema under application/json, our problems' type is
# application/problem+json. The one `Problem` component is added to the document by api/contract.py.
PROBLEM_COMPONENT: dict[str, Any] = {**Problem.model_json_schema(), "title": "Problem"}
PROBLEM_RESPONSE: dict[str, Any] = {"content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problems an operation can answer."""
    return {status: {**PROBLEM_RESPONSE, "description": HTTPStatus(status).phrase} for status in statuses}


class ApiProblem(Exception):
    """A refusal that belongs to the HTTP side (authentication, roles, rate limits, idempotency headers)."""

    def __init__(self, status: int, code: str, detail: str, *, field: str | None = None,
                 headers: Mapping[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.field = status, code, detail, field
        self.headers = dict(headers or {})
        self.extra = extra


def problem_response(status: int, code: str, detail: str, *, field: str | None = None,
                     headers: Mapping[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": f"urn:loyalty:problem:{code}", "title": HTTPStatus(status).phrase,
                            "status": status, "detail": detail, "code": code}
    if field:
        body["field"] = field
    body.update({k: _plain(v) for k, v in extra.items() if k not in body and v is not None})
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=dict(headers or {}))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


# --- handlers ------------------------------------------------------------------------------------------


def _loyalty_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, LoyaltyError) or hasattr(exc, "code")
    details = dict(getattr(exc, "details", {}) or {})
    field = details.pop("field", None)
    message = getattr(exc, "message", str(exc))
    retry_after = getattr(exc, "retry_after_seconds", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    if isinstance(exc, StoreUnavailable):  # the caller learns "retry"; the operator must learn why (disk full...)
        log.warning("store unavailable on %s %s: %s", request.method, request.url.path,
                    " <- ".join(str(e) for e in _causes(exc)))
    return problem_response(status_for(exc.code), exc.code, message, field=field,  # type: ignore[attr-defined]
                            headers=headers, detail_vi=getattr(exc, "message_vi", None), **details)


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and len(chain) < 5:
        chain.append(current)
        current = current.__cause__
    return chain


def _api_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiProblem)
    return problem_response(exc.status, exc.code, exc.detail, field=exc.field, headers=exc.headers,
                            **exc.extra)


# Pydantic error types that mean the same thing as one of the ledger's own codes.
_VALIDATION_CODES = {
    "extra_forbidden": "unknown_field",
    "less_than_equal": "amount_too_large",
    "less_than": "amount_too_large",
    "greater_than": "amount_must_be_positive",
    "greater_than_equal": "amount_must_be_positive",
    "invalid_text": "invalid_text",
    "implausible_date": "implausible_date",
}


def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(400, "malformed_json", "the request body is not valid JSON")
    for e in errors:
        loc = tuple(str(part).lower() for part in e.get("loc", ()))
        if loc == ("header", "idempotency-key") and e.get("type") == "missing":
            return problem_response(
                400,
                "idempotency_key_required",
                "this request changes state: send an Idempotency-Key header",
                field="Idempotency-Key",
            )
    first = errors[0] if errors else {}
    if first.get("type") == "invalid_text":  # the model names the field inside it that holds the bad text
        inner = (first.get("ctx") or {}).get("field")
        first = {**first, "loc": (*first.get("loc", ()), *[part for part in str(inner or "").split(".") if part])}
    listed = [
        {"field": _field(e.get("loc", ())), "type": e.get("type"), "message": e.get("msg")}
        for e in errors[:20]
    ]
    return problem_response(
        422,
        _VALIDATION_CODES.get(str(first.get("type")), "invalid_input"),
        str(first.get("msg", "invalid request")),
        field=_field(first.get("loc", ())),
        errors=listed,
    )


def _field(loc: Any) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


def _http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 400: "bad_request"}.get(
        exc.status_code, "http_error"
    )
    return problem_response(exc.status_code, code, str(exc.detail), headers=getattr(exc, "headers", None))


def _store_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # The database failed or went away under a read (a write is already StoreUnavailable in the ledger):
    # the request may be retried as it is, so say so instead of a 500.
    log.warning("store unavailable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    return problem_response(503, "store_unavailable", "the store is unavailable; retry shortly",
                            headers={"Retry-After": str(StoreUnavailable.retry_after_seconds)},
                            detail_vi=StoreUnavailable.message_vi)


def _store_failures() -> tuple[type[Exception], ...]:
    """The driver and library errors that mean "the database is not answering", never "bad input"."""
    import sqlite3

    from eventsourcing import persistence

    found: list[type[Exception]] = [persistence.OperationalError, persistence.InterfaceError,
                                    persistence.ConnectionPoolClosedError, sqlite3.OperationalError]
    try:
        import psycopg
        import psycopg_pool

        found += [psycopg.OperationalError, psycopg.InterfaceError, psycopg_pool.PoolTimeout]
    except ImportError:  # pragma: no cover - SQLite-only installs
        pass
    return tuple(found)


def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(
        500, "internal_error", "an unexpected error occurred; a retry with the same Idempotency-Key is safe"
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(LoyaltyError, _loyalty_error)
    app.add_exception_handler(ApiProblem, _api_problem)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_exception)
    for failure in _store_failures():
        app.add_exception_handler(failure, _store_unavailable)
    app.add_exception_handler(Exception, _unexpected)
    try:  # The program's refusals mirror LoyaltyError (code, message, details): the same handler serves.
        from loyalty_core.program.errors import ProgramError
    except ImportError:  # pragma: no cover - the program package is optional for the API
        return
    app.add_exception_handler(ProgramError, _loyalty_error)
