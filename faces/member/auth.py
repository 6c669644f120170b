"""Sign in with a phone number and a one-time code; enrol on the way if the phone is new.

`/app/sign-in` asks for the phone and sends a code; `/app/sign-in/code` checks it. A known phone gets a
session bound to its member at once; a new phone gets an unbound session and the enrolment form (name,
birthday, consent per channel, with the consent text's version recorded), and becomes a member there.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from api.otp import RateLimited
from faces.member.text import CONSENT_CHANNELS, CONSENT_TEXT_VERSION
from faces.member.web import (
    PREFIX,
    SESSION_COOKIE,
    SESSION_SECONDS,
    client_address,
    end_session,
    member_app,
    redirect,
    render,
    same_origin,
    session_of,
    start_session,
)
from loyalty_core import commands as cmd
from loyalty_core import identifiers as ids
from loyalty_core.errors import IdentifierTaken, InvalidInput, LoyaltyError
from loyalty_core.privacy import lookup

router = APIRouter(prefix=PREFIX, include_in_schema=False)

Text = Annotated[str, Form(max_length=200)]


def _phone(raw: str) -> str | None:
    try:
        return ids.normalise_phone(raw)
    except InvalidInput:
        return None


def _member_for_phone(service: Any, phone: str) -> Any:
    claim = service.store.load_claim(ids.claim_id(ids.PHONE, phone))
    return claim.member_id if claim is not None and claim.member_id is not None else None


@router.get("/sign-in")
def sign_in_page(request: Request, ref: str | None = None) -> Response:
    """Ask for the phone number."""
    return render(request, "sign_in.html", ref=(ref or "")[:20])


@router.post("/sign-in")
def send_code(request: Request, phone: Text = "", ref: Text = "") -> Response:
    """Send a one-time code to the phone."""
    normalised = _phone(phone) if same_origin(request) else None
    if normalised is None:
        return render(request, "sign_in.html", 422, error="bad_phone", phone=phone, ref=ref[:20])
    try:
        member_app(request).codes.issue(normalised, normalised, client_address(request))
    except RateLimited as limited:
        return render(request, "sign_in.html", 429, error="too_many", seconds=limited.retry_after, phone=phone,
                      ref=ref[:20])
    return render(request, "code.html", phone=normalised, ref=ref[:20])


@router.post("/sign-in/code")
def check_code(request: Request, phone: Text = "", code: Text = "", ref: Text = "") -> Response:
    """Check the code; sign in, or go on to enrolment for a new phone."""
    normalised = _phone(phone)
    app = member_app(request)
    if normalised is None or not same_origin(request) or not app.codes.check(normalised, code):
        return render(request, "code.html", 422, error="bad_code", phone=normalised or "", ref=ref[:20])
    member_id = _member_for_phone(app.service, normalised)
    response = redirect(f"{PREFIX}/" if member_id else f"{PREFIX}/enrol" + (f"?ref={ref[:20]}" if ref else ""))
    start_session(request, response, member_id, normalised)
    return response


@router.get("/enrol")
def enrol_page(request: Request, ref: str | None = None) -> Response:
    """The enrolment form, for a proven phone that is not a member yet."""
    session = session_of(request)
    if session is None:
        return redirect(f"{PREFIX}/sign-in")
    if session.member_id is not None:
        return redirect(f"{PREFIX}/")
    return render(request, "enrol.html", phone=session.phone, ref=(ref or "")[:20], channels=CONSENT_CHANNELS)


@router.post("/enrol")
def enrol(request: Request, name: Text = "", birthday: Text = "", ref: Text = "", zalo: Text = "",
          sms: Text = "", email: Text = "") -> Response:
    """Become a member with the proven phone."""
    session = session_of(request)
    if session is None or not same_origin(request):
        return redirect(f"{PREFIX}/sign-in")
    if session.member_id is not None:
        return redirect(f"{PREFIX}/")
    app = member_app(request)
    consent = {"zalo": zalo == "on", "sms": sms == "on", "email": email == "on"}
    referrer = cmd.MemberRef(member_code=ref.strip()) if ref.strip() else None
    command = cmd.EnrollMember(idempotency_key=_enrol_key(session.phone), idempotency_scope="member-app",
                               channel="app", actor="member", phone=session.phone, name=name.strip() or None,
                               birthday=_iso_birthday(birthday), consent=consent, referred_by=referrer)
    try:
        member_id = app.service.execute(command).member_id
    except IdentifierTaken:  # enrolled at a till meanwhile: this phone is a member now
        member_id = _member_for_phone(app.service, session.phone)
    except LoyaltyError as refused:
        return render(request, "enrol.html", 422, error_text=refused.message_vi if _vi(request) else refused.message,
                      phone=session.phone, ref=ref[:20], channels=CONSENT_CHANNELS, name=name, birthday=birthday)
    app.tables.bind_session(session.token, str(member_id), time.time() + SESSION_SECONDS)
    response = redirect(f"{PREFIX}/")
    # The cookie was set for the hour the enrolment form may take; now it lives as long as a member's.
    response.set_cookie(SESSION_COOKIE, session.token, max_age=SESSION_SECONDS, path=PREFIX, httponly=True,
                        samesite="lax", secure=request.url.scheme == "https")
    app.tables.record_consent(str(member_id), consent, CONSENT_TEXT_VERSION,
                              datetime.now(UTC).isoformat(), "enrolment")
    return response


def _enrol_key(phone: str) -> str:
    """One enrolment per proven number, named by its keyed hash: the receipt's key (and the id derived from
    it) must not be the phone itself, nor an unkeyed hash anyone could compute from every phone."""
    if not lookup.installed():
        return f"enrol/{phone}"  # no store open: there is no receipt to protect
    return "enrol/" + lookup.digest("enrol-key", phone).hex()


def _iso_birthday(text: str) -> str | None:
    """`dd/mm/yyyy` as typed in Vietnam to ISO `yyyy-mm-dd`; anything else is passed on for the ledger to refuse."""
    text = text.strip()
    try:
        return datetime.strptime(text, "%d/%m/%Y").date().isoformat() if text else None
    except ValueError:
        return text


def _vi(request: Request) -> bool:
    from faces.member.web import language

    return language(request) == "vi"


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    """End this session."""
    response = redirect(f"{PREFIX}/sign-in")
    if same_origin(request):
        end_session(request, response)
    return response
