"""The staff console and the marketing dashboard, under `/console/`; the landing page at `/` and the
offline Swagger UI at `/docs`.

Customer service finds a member by any spelling of a phone or name, reads the member's balances, lots,
vouchers and cross-channel timeline, and corrects things with a reason; store managers do the same for their
stores; marketing watches KPIs and campaigns and edits the program (draft, preview, back-test, publish).
Every change is an ordinary idempotent command through the application service, recorded with the person
as its actor. Server-rendered Jinja2 pages, htmx for live refresh and Chart.js for charts, all vendored
(static/vendor/README.md): stores run offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from itsdangerous import URLSafeTimedSerializer

from faces.console.accounts import StaffAccounts
from faces.console.web import PREFIX, Console, CsrfRefused, Forbidden, NeedsSignIn, current_session, render

STATIC = Path(__file__).parent / "static"


def install(app: Any) -> None:
    from faces.console import auth, dashboard, editor, landing, members, staff_admin, webhooks

    api = app.state.api
    accounts = StaffAccounts(api.tables)
    signer = URLSafeTimedSerializer(accounts.secret("console_session"), salt="staff-session")
    app.state.console = Console(api=api, accounts=accounts, signer=signer)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="console_static")

    @app.exception_handler(NeedsSignIn)
    async def _sign_in_first(request: Request, exc: NeedsSignIn) -> Response:
        return RedirectResponse(exc.to, status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        return _refusal(request, "forbidden", exc.reason)

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, exc: CsrfRefused) -> Response:
        return _refusal(request, "csrf", "csrf")

    @app.get(PREFIX, include_in_schema=False)
    def _console_root() -> Response:
        return RedirectResponse(f"{PREFIX}/", status_code=308)

    for module in (landing, auth, members, dashboard, editor, staff_admin, webhooks):
        app.include_router(module.router)


def _refusal(request: Request, message: str, code: str) -> HTMLResponse:
    try:
        session = current_session(request)
    except Exception:  # noqa: BLE001 - a refusal page must render even if the session table cannot be read
        session = None
    return render(request, "refused.html", status=403, session=session, message=message, code=code)
