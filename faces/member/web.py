"""The member app's plumbing: its context on the app, templates, language, and the member's session.

A member session is a random token in its own cookie (`loyalty_member`, path `/app`, HttpOnly,
SameSite=Lax), stored hashed in `member_app_sessions`; it has nothing to do with API keys or any staff
console session, so neither can be used as the other. A session starts unbound (the phone is proven but
not yet a member: the enrolment step) and is bound to one member id; every page reads that id from the
session and never from the URL.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from uuid import UUID

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.otp import OneTimeCodes
from faces import format as fmt
from faces.member.store import MemberAppTables
from faces.member.text import translate

SESSION_COOKIE = "loyalty_member"
LANG_COOKIE = "loyalty_member_lang"
SESSION_SECONDS = 30 * 24 * 3600
ENROL_SECONDS = 3600
PREFIX = "/app"
HERE = Path(__file__).parent

# Everything a page loads is our own; the card and progress bar need inline SVG and style attributes only.
# `frame-ancestors` is left open on purpose: the app may be embedded as a Zalo Mini App page.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                        trim_blocks=True, lstrip_blocks=True)
fmt.register_filters(templates)


@dataclass
class MemberApp:
    api: Any
    tables: MemberAppTables
    codes: OneTimeCodes

    @property
    def service(self) -> Any:
        return self.api.runtime.service


@dataclass(frozen=True)
class Session:
    token: str
    member_id: UUID | None
    phone: str


def member_app(request: Request) -> MemberApp:
    return request.app.state.member_app  # type: ignore[no-any-return]


def language(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in fmt.LANGUAGES:
        return asked
    return request.cookies.get(LANG_COOKIE) if request.cookies.get(LANG_COOKIE) in fmt.LANGUAGES else "vi"


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = language(request)
    body = templates.get_template(template).render(
        lang=lang, t=lambda key, **kw: translate(lang, key, **kw), prefix=PREFIX, path=request.url.path,
        **values)
    response = HTMLResponse(body, status_code=status, headers=PAGE_HEADERS)
    if request.query_params.get("lang") in fmt.LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, path=PREFIX, samesite="lax")
    return response


def redirect(to: str) -> RedirectResponse:
    return RedirectResponse(to, status_code=303)


def session_of(request: Request) -> Session | None:
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > 100:
        return None
    row = member_app(request).tables.get_session(token, time.time())
    if row is None:
        return None
    return Session(token, UUID(row["member_id"]) if row["member_id"] else None, row["phone"])


class NeedsSignIn(Exception):
    """A member page was asked for without a member session: answered with a redirect (see install)."""

    def __init__(self, to: str):
        super().__init__(to)
        self.to = to


def _require_member(request: Request) -> Session:
    session = session_of(request)
    if session is None:
        raise NeedsSignIn(f"{PREFIX}/sign-in")
    if session.member_id is None:
        raise NeedsSignIn(f"{PREFIX}/enrol")
    return session


MemberSession = Annotated[Session, Depends(_require_member)]


def start_session(request: Request, response: Any, member_id: UUID | None, phone: str) -> None:
    token = secrets.token_urlsafe(32)
    now = time.time()
    # A proven phone that is not a member yet gets an hour to fill in the enrolment form, not a month.
    lifetime = SESSION_SECONDS if member_id else ENROL_SECONDS
    member_app(request).tables.put_session(token, str(member_id) if member_id else None, phone, now,
                                           now + lifetime)
    response.set_cookie(SESSION_COOKIE, token, max_age=lifetime, path=PREFIX, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")


def end_session(request: Request, response: Any) -> None:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        member_app(request).tables.drop_session(token)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)


def same_origin(request: Request) -> bool:
    """A form post must come from our own pages (SameSite=Lax already drops the cookie cross-site)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    return origin.rstrip("/") == f"{request.url.scheme}://{request.url.netloc}"


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"
