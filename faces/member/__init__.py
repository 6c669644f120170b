"""The member's own app, under `/app/`: sign in with an OTP, show the rotating card at the till, follow
points, tier, history, rewards and vouchers, manage consent, download or erase one's data.

A mobile-first web app (installable: manifest and service worker at `/app/`), light enough for a cheap
Android phone on 3G or a Zalo Mini App page: server-rendered HTML, one small stylesheet, one small script,
codes drawn as inline SVG, no framework. Vietnamese first, English switchable (`?lang=en`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from api.otp import Sender, one_time_codes
from faces.member.store import MemberAppTables
from faces.member.web import PREFIX, MemberApp, NeedsSignIn

STATIC = Path(__file__).parent / "static"


def install(app: Any, send: Sender | None = None) -> None:
    from faces.member import auth, pages

    api = app.state.api
    tables = MemberAppTables(api.tables)
    codes = one_time_codes(api)
    if send is not None:
        codes.send = send
    app.state.member_app = MemberApp(api=api, tables=tables, codes=codes)
    app.mount(f"{PREFIX}/static", StaticFiles(directory=STATIC), name="member_app_static")

    @app.exception_handler(NeedsSignIn)
    async def _sign_in_first(request: Request, exc: NeedsSignIn) -> Response:
        return RedirectResponse(exc.to, status_code=303)

    @app.get(PREFIX, include_in_schema=False)
    def _app_root() -> Response:
        return RedirectResponse(f"{PREFIX}/", status_code=308)

    # The service worker must be served from /app/ itself so that its scope covers the whole app.
    @app.get(f"{PREFIX}/sw.js", include_in_schema=False)
    def _service_worker() -> Response:
        return FileResponse(STATIC / "sw.js", media_type="text/javascript",
                            headers={"Service-Worker-Allowed": f"{PREFIX}/", "Cache-Control": "no-cache"})

    @app.get(f"{PREFIX}/manifest.webmanifest", include_in_schema=False)
    def _manifest() -> Response:
        return FileResponse(STATIC / "manifest.webmanifest", media_type="application/manifest+json")

    app.include_router(auth.router)
    app.include_router(pages.router)
