"""The console's plumbing: its context on the app, templates, language, the signed-in person and CSRF.

A staff session is a random id, signed (itsdangerous, with a per-store secret from `staff_secrets`) into
the `loyalty_staff` cookie (path `/console`, HttpOnly, SameSite=Lax) and stored hashed server-side
(`StaffAccounts`): a forged or stale cookie finds no row. Every form that changes something carries the
session's CSRF token (synchroniser pattern); the sign-in form, which has no session yet, uses a double-submit
cookie. A request without the right token is refused with 403 before anything runs.
"""

from __future__ import annotations

import hmac
from datetime import datetime, timezone
from decimal import Decimal
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape

from faces import format as fmt
from faces.console.accounts import SESSION_HOURS, StaffAccounts, StaffSession
from faces.console.permissions import Can, can, mask_phone, mask_text
from faces.console.text import translate

PREFIX = "/console"
SESSION_COOKIE = "loyalty_staff"
LANG_COOKIE = "loyalty_staff_lang"
SIGN_IN_CSRF_COOKIE = "loyalty_staff_signin"
HERE = Path(__file__).parent

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)
fmt.register_filters(templates)
templates.filters.update(mask_text=mask_text, mask_phone=mask_phone,
                         percent=lambda rate: f"{Decimal(rate) * 100:.1f} %".replace(".", ","),
                         moment_epoch=lambda at: fmt.moment(datetime.fromtimestamp(float(at), timezone.utc)))


@dataclass
class Console:
    api: Any
    accounts: StaffAccounts
    signer: URLSafeTimedSerializer

    @property
    def service(self) -> Any:
        return self.api.runtime.service


class NeedsSignIn(Exception):
    """Raised by a page for a visitor with no valid session: answered with a redirect to the sign-in page."""

    def __init__(self, to: str):
        self.to = to


class Forbidden(Exception):
    """Raised when the signed-in person's role or stores do not allow what was asked: a 403 page."""

    def __init__(self, reason: str):
        self.reason = reason


class CsrfRefused(Exception):
    """A form arrived without the session's CSRF token: 403, nothing done."""


def console(request: Request) -> Console:
    return request.app.state.console  # type: ignore[no-any-return]


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in fmt.LANGUAGES:
        return asked
    return request.cookies.get(LANG_COOKIE) if request.cookies.get(LANG_COOKIE) in fmt.LANGUAGES else "vi"


def current_session(request: Request) -> StaffSession | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw or len(raw) > 500:
        return None
    app = console(request)
    try:
        session_id = app.signer.loads(raw, max_age=SESSION_HOURS * 3600)
    except BadSignature:
        return None
    return app.accounts.session(str(session_id))


def signed_in(request: Request) -> StaffSession:
    session = current_session(request)
    if session is None:
        raise NeedsSignIn(f"{PREFIX}/sign-in")
    return session


Session = Annotated[StaffSession, Depends(signed_in)]


def require(session: StaffSession, what: Can) -> None:
    if not can(session.staff, what):
        raise Forbidden(what.value)


async def check_csrf(request: Request, session: StaffSession) -> dict[str, str]:
    """The form's fields, after checking its CSRF token against the session's (raises `CsrfRefused`)."""
    form = await request.form()
    token = form.get("csrf")
    if not isinstance(token, str) or not hmac.compare_digest(token.encode(), session.csrf.encode()):
        raise CsrfRefused()
    return {k: v for k, v in form.items() if isinstance(v, str)}


def render(request: Request, template: str, status: int = 200, session: StaffSession | None = None,
           **values: Any) -> HTMLResponse:
    lang = language(request)
    body = templates.get_template(template).render(
        lang=lang, t=lambda key, **kw: translate(lang, key, **kw), prefix=PREFIX, path=request.url.path,
        session=session, staff=session.staff if session else None, csrf=session.csrf if session else "",
        can=lambda what: session is not None and can(session.staff, Can(what)), **values)
    response = HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})
    if request.query_params.get("lang") in fmt.LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, path="/", samesite="lax")
    return response


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)
