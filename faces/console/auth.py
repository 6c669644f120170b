"""Signing in and out of the console, and changing one's password.

The sign-in form has no session to carry a CSRF token, so it uses a double-submit cookie: a random value
set when the form is shown, sent back as a hidden field; a cross-site page can post the form but cannot
read or set the cookie. A refused sign-in says only "wrong name or password" (or "locked"), never which.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.authguard import auth_failures, client_address
from api.errors import ApiProblem
from faces.console.accounts import LOCK_MINUTES, MIN_PASSWORD, AccountRefused
from faces.console.permissions import Can
from faces.console.text import action_label
from faces.console.web import (PREFIX, SESSION_COOKIE, SIGN_IN_CSRF_COOKIE, CsrfRefused, Session, check_csrf,
                               console, current_session, language, redirect, render, require)

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _sign_in_page(request: Request, error: str | None = None, status: int = 200) -> Response:
    token = secrets.token_urlsafe(24)
    notice = "password_changed" if request.query_params.get("changed") else None
    response = render(request, "sign_in.html", status=status, sign_in_csrf=token, error=error, notice=notice,
                      lock_minutes=LOCK_MINUTES)
    response.set_cookie(SIGN_IN_CSRF_COOKIE, token, max_age=3600, path=PREFIX, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")
    return response


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    if current_session(request) is not None:
        return redirect(f"{PREFIX}/")
    return _sign_in_page(request)


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    form = await request.form()
    expected, sent = request.cookies.get(SIGN_IN_CSRF_COOKIE, ""), form.get("csrf")
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused()
    username, password = form.get("username"), form.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return _sign_in_page(request, "wrong", 400)
    app = console(request)
    guard, address = auth_failures(request.app.state.api), client_address(request)
    try:  # failed sign-ins count against the address too, not only the account (api/authguard.py)
        guard.check(address)
    except ApiProblem as refused:
        page = _sign_in_page(request, "too_many", 429)
        page.headers.update(refused.headers)
        return page
    outcome = app.accounts.sign_in(username, password[:200])
    if outcome.session_id is None:
        guard.failed(address)
        return _sign_in_page(request, outcome.refusal, 401 if outcome.refusal == "wrong" else 423)
    response = redirect(f"{PREFIX}/")
    response.set_cookie(SESSION_COOKIE, app.signer.dumps(outcome.session_id), path=PREFIX, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path=PREFIX)
    return response


@router.post("/sign-out")
async def sign_out(request: Request, session: Session) -> Response:
    await check_csrf(request, session)
    raw = request.cookies.get(SESSION_COOKIE, "")
    app = console(request)
    app.accounts.sign_out(str(app.signer.loads(raw)))
    response = redirect(f"{PREFIX}/sign-in")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/password")
def password_form(request: Request, session: Session) -> Response:
    return render(request, "password.html", session=session, min_password=MIN_PASSWORD)


@router.post("/password")
async def change_password(request: Request, session: Session) -> Response:
    form = await check_csrf(request, session)
    current, new, again = form.get("current", ""), form.get("new", ""), form.get("again", "")
    error = None
    if new != again:
        error = "password_mismatch"
    elif len(new) < MIN_PASSWORD:
        error = "password_short"
    if error is None:
        try:
            if console(request).accounts.change_password(session.staff.username, current[:200], new):
                response = redirect(f"{PREFIX}/sign-in?changed=1")
                response.delete_cookie(SESSION_COOKIE, path=PREFIX)
                return response
            error = "password_refused"
        except AccountRefused:
            error = "password_short"
    return render(request, "password.html", status=400, session=session, error=error, min_password=MIN_PASSWORD)



@router.get("/log")
def staff_log(request: Request, session: Session) -> Response:
    """Sign-ins, refusals, lock-outs, password changes and the reasons of actions (auditor, admin)."""
    require(session, Can.READ_STAFF_LOG)
    lang = language(request)
    entries = [{**entry, "label": action_label(lang, entry["action"])}
               for entry in console(request).accounts.recent_log(200)]
    return render(request, "log.html", session=session, entries=entries)
