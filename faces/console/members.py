"""The console's member pages: home (search), results, the member page, "why N points?", the actions
and the approvals queue. Routes translate and nothing more: reads are in `member_view`, writes in `actions`.
"""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request
from fastapi.responses import Response

from api.errors import ApiProblem, status_for
from api.routes.stats import as_of, read_models
from faces.console import finding
from faces.console.actions import CONSENT_CHANNELS, Actions, ActionRefused
from faces.console.member_view import earn_explained, member_page
from faces.console.permissions import Can, can
from faces.console.text import translate
from faces.console.web import PREFIX, Forbidden, Session, check_csrf, console, language, render, require
from loyalty_core import approvals as ap
from loyalty_core.errors import LoyaltyError, MemberNotFound

router = APIRouter(prefix=PREFIX, include_in_schema=False)

ACTIONS = {"adjust": Actions.adjust, "reverse-redemption": Actions.reverse_redemption,
           "release": Actions.release, "use-voucher": Actions.use_voucher,
           "cancel-voucher": Actions.cancel_voucher, "profile": Actions.correct_profile,
           "consent": Actions.change_consent, "link": Actions.link_channel_id}


def _lag(request: Request, name: str) -> int | None:
    try:
        api = request.app.state.api
        return as_of(api, read_models(request), name).lag
    except Exception:  # noqa: BLE001 - a read side not built yet: the page still works, without the lag line
        return None


@router.get("/")
def home(request: Request, session: Session) -> Response:
    if not can(session.staff, Can.FIND_MEMBERS):
        target = "/dashboard" if can(session.staff, Can.SEE_DASHBOARD) else "/password"
        return Response(status_code=303, headers={"Location": f"{PREFIX}{target}"})
    return render(request, "home.html", session=session, q="", hits=None)


@router.get("/search")
def search(request: Request, session: Session, q: str = "") -> Response:
    require(session, Can.FIND_MEMBERS)
    q = q.strip()[:finding.MAX_QUERY]
    try:
        models = read_models(request)
    except Exception:  # noqa: BLE001 - name search needs the read side; exact identifiers still work without it
        models = None
    hits = finding.find_members(request.app.state.api, models, q)
    if len(hits) == 1 and request.query_params.get("go") != "0":
        return Response(status_code=303, headers={"Location": f"{PREFIX}/members/{hits[0].member_id}"})
    masked = not can(session.staff, Can.SEE_PERSONAL_DATA)
    return render(request, "home.html", session=session, q=q, hits=hits, masked=masked,
                  lag=_lag(request, "member_search"))


@router.get("/members/{member_id}")
def member(request: Request, member_id: UUID, session: Session, channel: str = "", store: str = "",
           kind: str = "") -> Response:
    require(session, Can.FIND_MEMBERS)
    return _member_page(request, session, member_id, channel=channel[:40], store=store[:40], kind=kind[:40])


def _member_page(request: Request, session: Any, member_id: UUID, status: int = 200, flash: str | None = None,
                 flash_kind: str = "ok", **filters: str) -> Response:
    api = request.app.state.api
    try:
        page = member_page(api, session.staff, member_id, language(request), **filters)
    except MemberNotFound:
        return render(request, "refused.html", status=404, session=session, message="not_found", code="not_found")
    return render(request, "member.html", status=status, session=session, page=page, m=page.member,
                  filters=filters, flash=flash, flash_kind=flash_kind, idem=uuid.uuid4().hex,
                  consent_channels=CONSENT_CHANNELS, threshold=api.service.policy.adjustment_approval_threshold())


@router.get("/members/{member_id}/why/{version}")
def why(request: Request, member_id: UUID, version: int, session: Session) -> Response:
    require(session, Can.FIND_MEMBERS)
    event = earn_explained(request.app.state.api, member_id, version)
    if event is None:
        return render(request, "refused.html", status=404, session=session, message="not_found", code="not_found")
    return render(request, "why.html", session=session, e=event, member_id=member_id,
                  points=getattr(event, "points", 0))


@router.post("/members/{member_id}/{action}")
async def act(request: Request, member_id: UUID, action: str, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.ACT_ON_MEMBERS)
    if action not in ACTIONS:
        return render(request, "refused.html", status=404, session=session, message="not_found", code="not_found")
    app = console(request)
    lang = language(request)
    try:
        done = ACTIONS[action](Actions(app.api, session.staff, form, app.accounts.log), member_id)
    except ActionRefused as refused:
        if refused.status == 403:
            raise Forbidden(action) from None
        return _member_page(request, session, member_id, refused.status,
                            translate(lang, refused.key, **refused.values), "error")
    except (LoyaltyError, ApiProblem) as exc:
        return _member_page(request, session, member_id, _status(exc), _words(exc, lang), "error")
    return _member_page(request, session, member_id, 200, translate(lang, done.key, **done.values))


@router.get("/approvals")
def approvals(request: Request, session: Session) -> Response:
    require(session, Can.DECIDE_APPROVALS)
    return _approvals_page(request, session)


def _approvals_page(request: Request, session: Any, status: int = 200, flash: str | None = None,
                    flash_kind: str = "ok") -> Response:
    from faces.console.permissions import may_act_on_store

    found = ap.list_approvals(request.app.state.api.runtime.store, "pending")
    visible = [a for a in found if may_act_on_store(session.staff, a.request.store_id)]
    return render(request, "approvals.html", status=status, session=session, items=visible, flash=flash,
                  flash_kind=flash_kind, idem=uuid.uuid4().hex)


@router.post("/approvals/{approval_id}/{decision}")
async def decide(request: Request, approval_id: UUID, decision: str, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.DECIDE_APPROVALS)
    if decision not in ("approve", "refuse"):
        return render(request, "refused.html", status=404, session=session, message="not_found", code="not_found")
    app, lang = console(request), language(request)
    try:
        done = Actions(app.api, session.staff, form, app.accounts.log).decide_approval(approval_id,
                                                                                     decision == "approve")
    except ActionRefused as refused:
        if refused.status == 403:
            raise Forbidden(decision) from None
        return _approvals_page(request, session, refused.status, translate(lang, refused.key), "error")
    except (LoyaltyError, ApiProblem) as exc:
        return _approvals_page(request, session, _status(exc), _words(exc, lang), "error")
    return _approvals_page(request, session, 200, translate(lang, done.key))


def _status(exc: Exception) -> int:
    if isinstance(exc, ApiProblem):
        return exc.status
    return status_for(getattr(exc, "code", "invalid_input"))  # the API's own status for each refusal


def _words(exc: Exception, lang: str) -> str:
    if isinstance(exc, ApiProblem):
        return exc.detail
    return getattr(exc, "message", str(exc)) if lang == "en" else getattr(exc, "message_vi", str(exc))
