"""Staff accounts managed by an admin in the console: list them, create one (name, role, stores, a first
password the person changes), unlock one that five wrong passwords locked. Each change is in the staff log
under the admin's name."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from faces.console.accounts import AccountRefused, StaffRole
from faces.console.permissions import Can
from faces.console.text import translate
from faces.console.web import PREFIX, Session, check_csrf, console, language, render, require

router = APIRouter(prefix=PREFIX, include_in_schema=False)


def _page(request: Request, session: Session, status: int = 200, **values: object) -> Response:
    return render(request, "staff.html", status=status, session=session, roles=[r.value for r in StaffRole],
                  accounts=console(request).accounts.list(), **values)


@router.get("/staff")
def staff_accounts(request: Request, session: Session) -> Response:
    require(session, Can.MANAGE_STAFF)
    return _page(request, session)


@router.post("/staff")
async def create_account(request: Request, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.MANAGE_STAFF)
    accounts, lang = console(request).accounts, language(request)
    username = (form.get("username") or "").strip().lower()
    stores = tuple(s for s in re.split(r"[,\s]+", form.get("stores") or "") if s)
    if accounts.exists(username):
        return _page(request, session, 409, flash=translate(lang, "account_exists"), flash_kind="error")
    try:
        accounts.create(username, form.get("password") or "", form.get("role") or "", stores,
                        display_name=(form.get("display_name") or "").strip() or username)
    except AccountRefused as refused:
        return _page(request, session, 422, flash=str(refused), flash_kind="error")
    accounts.log(session.staff.username, "account_created", f"{username} {form.get('role')} {' '.join(stores)}")
    return _page(request, session, flash=translate(lang, "account_created", username=username))


@router.post("/staff/{username}/unlock")
async def unlock(request: Request, username: str, session: Session) -> Response:
    await check_csrf(request, session)
    require(session, Can.MANAGE_STAFF)
    accounts = console(request).accounts
    accounts.unlock(username[:40])
    accounts.log(session.staff.username, "account_unlocked", username[:40])
    return _page(request, session, flash=translate(language(request), "account_unlocked", username=username[:40]))
