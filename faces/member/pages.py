"""The signed-in member's pages: home, card, history, rewards and vouchers, stamps, referral, consent,
their data and erasure. Each reads the member id from the session (web.py), never from the URL, so no
page can show another member's data; a voucher page checks the code belongs to the session's member."""

from __future__ import annotations

import csv
import io
import json
import secrets
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response

from api.eventdata import event_json
from api.history import list_history, member_events
from faces.format import moment
from faces.member import views
from faces.member.codes import code128_svg, qr_svg
from faces.member.text import CONSENT_CHANNELS, CONSENT_TEXT_VERSION, translate
from faces.member.web import (
    PREFIX,
    MemberSession,
    Session,
    language,
    member_app,
    redirect,
    render,
    same_origin,
)
from loyalty_core import card_code as cc
from loyalty_core import commands as cmd
from loyalty_core import identifiers as ids
from loyalty_core.errors import LoyaltyError
from loyalty_core.presence import IssueCardSecret

router = APIRouter(prefix=PREFIX, include_in_schema=False)
CARD_LEAD_SECONDS = 5
"""The card shows the next minute's code this long before the minute ends (the till accepts ±1 step)."""
HIDDEN_EVENTS = {"CardSecretIssued"}


def _now(request: Request) -> datetime:
    return member_app(request).service.clock()


def _member(request: Request, session: MemberSession) -> Any:
    return views.current_member(member_app(request).service, session.member_id, _now(request))


def _command_fields(session: Session) -> dict[str, Any]:
    return {"channel": "app", "actor": "member", "idempotency_scope": f"member-app/{session.member_id}"}


@router.get("/")
def home(request: Request, session: MemberSession) -> Response:
    member, lang = _member(request, session), language(request)
    service = member_app(request).service
    return render(request, "home.html", member=member, expiring=views.expiring(member, _now(request)),
                  tier=views.tier_progress(service, member, _now(request), lang))


def _card_values(request: Request, session: MemberSession) -> dict[str, Any]:
    service = member_app(request).service
    member = service.resolve(cmd.MemberRef(member_id=session.member_id))
    if member.card_secret_id is None:
        service.execute(IssueCardSecret(idempotency_key=f"first-card/{session.member_id}",
                                        member=cmd.MemberRef(member_id=session.member_id), **_command_fields(session)))
        member = service.resolve(cmd.MemberRef(member_id=session.member_id))
    shown_at = _now(request) + timedelta(seconds=CARD_LEAD_SECONDS)
    code = service.card_codes.current_code(member, shown_at)
    label = translate(language(request), "card")
    return {"code": code, "qr": qr_svg(code, label), "barcode": code128_svg(code, label),
            "refresh_in": cc.seconds_left(shown_at), "member_code": member.identifier(ids.MEMBER_CODE)}


@router.get("/card")
def card(request: Request, session: MemberSession) -> Response:
    return render(request, "card.html", **_card_values(request, session))


@router.get("/card/code")
def card_code(request: Request, session: MemberSession) -> Response:
    """The card's current pictures, fetched by the card page just before its code changes."""
    values = _card_values(request, session)
    return JSONResponse({"qr": str(values["qr"]), "barcode": str(values["barcode"]), "code": values["code"],
                         "refresh_in": values["refresh_in"]}, headers={"Cache-Control": "no-store"})


@router.get("/history")
def history(request: Request, session: MemberSession, cursor: str | None = None) -> Response:
    lang = language(request)
    try:
        page = list_history(member_app(request).api.runtime, session.member_id, cursor, 30, lang)
    except LoyaltyError:
        return redirect(f"{PREFIX}/history")
    items = [{**item, "why": views.why_lines(item, lang)} for item in page.items if item["type"] not in HIDDEN_EVENTS]
    return render(request, "history.html", items=items, next_cursor=page.next_cursor)


@router.get("/rewards")
def rewards(request: Request, session: MemberSession) -> Response:
    member = _member(request, session)
    return render(request, "rewards.html", rewards=views.rewards(member_app(request).service, language(request)),
                  available=member.points_available, nonce=secrets.token_urlsafe(12))


@router.post("/rewards/{reward_id}/redeem")
def redeem(request: Request, session: MemberSession, reward_id: str,
           nonce: Annotated[str, Form(min_length=8, max_length=40)] = "") -> Response:
    if not same_origin(request) or len(nonce) < 8 or len(reward_id) > 60:
        return redirect(f"{PREFIX}/rewards")
    command = cmd.RedeemPoints(idempotency_key=f"redeem/{nonce}", member=cmd.MemberRef(member_id=session.member_id),
                               reward_id=reward_id, order_ref=f"app-{nonce}", **_command_fields(session))
    try:
        result = member_app(request).service.execute(command)
    except LoyaltyError as refused:
        member = _member(request, session)
        message = refused.message_vi if language(request) == "vi" else refused.message
        return render(request, "rewards.html", 422, rewards=views.rewards(member_app(request).service,
                      language(request)), available=member.points_available, nonce=secrets.token_urlsafe(12),
                      error_text=message)
    return redirect(f"{PREFIX}/vouchers/{result.voucher_code}")


@router.get("/vouchers")
def vouchers(request: Request, session: MemberSession) -> Response:
    member = _member(request, session)
    return render(request, "vouchers.html", vouchers=views.vouchers(member, member_app(request).service,
                                                                    language(request)))


@router.get("/vouchers/{code}")
def voucher(request: Request, session: MemberSession, code: str) -> Response:
    member = _member(request, session)
    mine = {v["code"]: v for v in views.vouchers(member, member_app(request).service, language(request))}
    found = mine.get(code.strip().upper()[:20])
    if found is None:  # unknown, or another member's: the same answer, so codes cannot be probed
        return render(request, "not_found.html", 404)
    label = translate(language(request), "voucher")
    return render(request, "voucher.html", voucher=found, qr=qr_svg(found["code"], label),
                  barcode=code128_svg(found["code"], label))


@router.get("/stamps")
def stamps(request: Request, session: MemberSession) -> Response:
    member = _member(request, session)
    return render(request, "stamps.html", cards=views.stamp_cards(member_app(request).service, member,
                                                                  language(request)))


@router.get("/referral")
def referral(request: Request, session: MemberSession) -> Response:
    member = _member(request, session)
    code = member.identifier(ids.MEMBER_CODE)
    link = f"{request.url.scheme}://{request.url.netloc}{PREFIX}/sign-in?ref={code}"
    return render(request, "referral.html", code=code, link=link, qr=qr_svg(link, code or ""))


@router.get("/consent")
def consent_page(request: Request, session: MemberSession, saved: int = 0) -> Response:
    member = _member(request, session)
    return render(request, "consent.html", consent=member.consent, channels=CONSENT_CHANNELS, saved=bool(saved),
                  version=CONSENT_TEXT_VERSION)


@router.post("/consent")
def change_consent(request: Request, session: MemberSession, zalo: Annotated[str, Form(max_length=5)] = "",
                   sms: Annotated[str, Form(max_length=5)] = "", email: Annotated[str, Form(max_length=5)] = "",
                   nonce: Annotated[str, Form(max_length=40)] = "") -> Response:
    if not same_origin(request):
        return redirect(f"{PREFIX}/consent")
    wanted = {"zalo": zalo == "on", "sms": sms == "on", "email": email == "on"}
    member = _member(request, session)
    changes = {k: v for k, v in wanted.items() if member.consent.get(k, False) != v}
    if changes:
        member_app(request).service.execute(cmd.ChangeConsent(
            idempotency_key=f"consent/{nonce or secrets.token_urlsafe(12)}",
            member=cmd.MemberRef(member_id=session.member_id), consent=changes, **_command_fields(session)))
        member_app(request).tables.record_consent(str(session.member_id), changes, CONSENT_TEXT_VERSION,
                                                  datetime.now(UTC).isoformat(), "app")
    return redirect(f"{PREFIX}/consent?saved=1")


def _export(request: Request, session: MemberSession) -> dict[str, Any]:
    app = member_app(request)
    member = _member(request, session)
    events = [event_json(e) for e in member_events(app.api.runtime, session.member_id)
              if type(e).__name__ not in HIDDEN_EVENTS]
    return {
        "exported_at": datetime.now(UTC).isoformat(),
        "member": {"member_id": str(member.id), "name": member.name, "birthday": member.birthday,
                   "tier": member.tier, "enrolled_at": member.enrolled_at.isoformat(),
                   "identifiers": [{"kind": k, "value": v} for k, v in member.identifiers],
                   "consent": member.consent},
        "balance": {"available": member.points_available, "pending": member.points_pending,
                    "reserved": member.points_reserved},
        "lots": [{"lot_id": lot.lot_id, "remaining": lot.remaining, "expires_at": lot.expires_at.isoformat()
                  if lot.expires_at else None} for lot in member.lots.values()],
        "vouchers": views.vouchers(member, app.service, "vi"),
        "consent_records": app.tables.consents(str(session.member_id)),
        "erasure_request": app.tables.erasure_request(str(session.member_id)),
        "events": events,
    }


@router.get("/data")
def data_page(request: Request, session: MemberSession) -> Response:
    request_row = member_app(request).tables.erasure_request(str(session.member_id))
    return render(request, "data.html", erasure=request_row, requested_on=moment(request_row["requested_at"])
                  if request_row else None)


@router.get("/data/export.json")
def export_json(request: Request, session: MemberSession) -> Response:
    body = json.dumps(_export(request, session), ensure_ascii=False, indent=2, default=str)
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": 'attachment; filename="my-loyalty-data.json"', "Cache-Control": "no-store"})


@router.get("/data/export.csv")
def export_csv(request: Request, session: MemberSession) -> Response:
    lang = language(request)
    page = list_history(member_app(request).api.runtime, session.member_id, None, 200, lang)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["recorded_at", "type", "points", "text"])
    for item in page.items:
        if item["type"] not in HIDDEN_EVENTS:
            writer.writerow([item["recorded_at"], item["type"], item["points"], item["text"]])
    return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="my-loyalty-history.csv"', "Cache-Control": "no-store"})


@router.post("/data/erasure")
def ask_erasure(request: Request, session: MemberSession) -> Response:
    """Record the member's request; the privacy work (crypto-shredding) acts on these requests."""
    if same_origin(request):
        member_app(request).tables.request_erasure(str(session.member_id), datetime.now(UTC).isoformat())
    return redirect(f"{PREFIX}/data")


