"""The program editor (marketing, admin): rules, campaigns, rewards, tiers and expiry edited as forms into a
personal draft, previewed with the simulator and a back-test over real purchases, published with a start
time; and the history of program versions with who changed what.

Forms are read into the API's request bodies here (dd/mm/yyyy dates on Vietnam's clock, comma lists) and
validated by `drafts.validated`; refusals come back as Vietnamese (or English) sentences naming the field.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from faces.console import drafts
from faces.console.backtest import back_test, simulate
from faces.console.permissions import Can
from faces.console.text import translate
from faces.console.web import PREFIX, Session, check_csrf, language, render, require
from faces.format import VIETNAM
from loyalty_core import errors
from loyalty_core import program as prog

router = APIRouter(prefix=PREFIX, include_in_schema=False)

RULE_KINDS = ("points_per_amount", "multiplier", "fixed_bonus", "first_purchase")
REWARD_KINDS = ("discount_percent", "discount_amount", "free_item")
EXPIRY_KINDS = ("per_lot", "end_of_period", "inactivity", "never")
PROBLEM_WORDS = {
    "vi": {"missing": "cần nhập", "string_pattern_mismatch": "chỉ dùng chữ, số và _ . : -",
           "int_parsing": "phải là số nguyên", "int_type": "phải là số nguyên", "string_too_long": "quá dài",
           "string_too_short": "không được để trống", "less_than_equal": "quá lớn", "greater_than_equal": "quá nhỏ",
           "literal_error": "không nằm trong các lựa chọn", "extra_forbidden": "không dùng được ở đây",
           "invalid_date": "ngày phải có dạng dd/mm/yyyy", "invalid_number": "phải là số",
           "invalid_json": "không phải JSON hợp lệ"},
    "en": {"missing": "is required", "string_pattern_mismatch": "letters, digits and _ . : - only",
           "int_parsing": "must be a whole number", "int_type": "must be a whole number",
           "string_too_long": "is too long", "string_too_short": "must not be empty",
           "less_than_equal": "is too large", "greater_than_equal": "is too small",
           "literal_error": "is not one of the choices", "extra_forbidden": "is not allowed here",
           "invalid_date": "dates are dd/mm/yyyy", "invalid_number": "must be a number",
           "invalid_json": "is not valid JSON"},
}


class FormProblem(Exception):
    def __init__(self, field: str, kind: str):
        self.field, self.kind = field, kind


def _day(form: dict[str, str], name: str, end: bool = False) -> str | None:
    text = (form.get(name) or "").strip()
    if not text:
        return None
    try:
        day = datetime.strptime(text, "%d/%m/%Y").date()
    except ValueError:
        raise FormProblem(name, "invalid_date") from None
    start = datetime.combine(day + timedelta(days=1) if end else day, time(0), tzinfo=VIETNAM)
    return start.isoformat()


def _list(form: dict[str, str], name: str) -> list[str] | None:
    items = [part.strip() for part in (form.get(name) or "").split(",") if part.strip()]
    return items or None


def _int(form: dict[str, str], name: str) -> int | None:
    text = (form.get(name) or "").strip().replace(".", "").replace(" ", "")
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise FormProblem(name, "int_parsing") from None


def _money(form: dict[str, str], name: str) -> str | None:
    text = (form.get(name) or "").strip().replace(".", "").replace(" ", "").replace("₫", "")
    if not text:
        return None
    try:
        Decimal(text)
    except InvalidOperation:
        raise FormProblem(name, "invalid_number") from None
    return text


def _clean(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None and v != ""}


def rule_body(form: dict[str, str]) -> dict[str, Any]:
    kind = form.get("kind", "")
    body: dict[str, Any] = {"kind": kind, "rule_id": form.get("rule_id", "").strip(),
                            "priority": _int(form, "priority") if form.get("priority") else 100,
                            "label_vi": form.get("label_vi", "").strip(), "label_en": form.get("label_en", "").strip(),
                            "channels": _list(form, "channels"), "stores": _list(form, "stores"),
                            "days_of_week": [int(d) for d in form.get("days", "").split(",") if d.strip().isdigit()]
                            or None, "starts_at": _day(form, "starts"), "ends_at": _day(form, "ends", end=True),
                            "campaign_id": form.get("campaign_id", "").strip(), "min_spend": _money(form, "min_spend"),
                            "stop": form.get("stop") == "on"}
    if kind == "points_per_amount":
        body.update(points=_int(form, "points"), per_amount=_money(form, "per_amount"))
    elif kind == "multiplier":
        body.update(factor=(form.get("factor") or "").strip().replace(",", "."))
    elif kind in ("fixed_bonus", "first_purchase"):
        body.update(points=_int(form, "points"))
    return _clean(body)


def campaign_body(form: dict[str, str]) -> dict[str, Any]:
    return _clean({"campaign_id": form.get("campaign_id", "").strip(), "name_vi": form.get("name_vi", "").strip(),
                   "name_en": form.get("name_en", "").strip(), "starts_at": _day(form, "starts"),
                   "ends_at": _day(form, "ends", end=True), "budget_points": _int(form, "budget_points"),
                   "exclusive": form.get("exclusive") == "on"})


def reward_body(form: dict[str, str]) -> dict[str, Any]:
    return _clean({"reward_id": form.get("reward_id", "").strip(), "name_vi": form.get("name_vi", "").strip(),
                   "name_en": form.get("name_en", "").strip(), "kind": form.get("kind", ""),
                   "value": _money(form, "value"), "points_cost": _int(form, "points_cost"),
                   "stock": _int(form, "stock")})


def expiry_body(form: dict[str, str]) -> dict[str, Any]:
    return _clean({"kind": form.get("kind", ""), "months": _int(form, "months"), "period": form.get("period"),
                   "periods_after": _int(form, "periods_after")})


MAX_TIER_ROWS = 8
TIER_FIELDS = ("code", "name_vi", "name_en", "threshold", "earn_multiplier", "birthday_bonus_points")


def tiers_body(form: dict[str, str], current: dict[str, Any]) -> dict[str, Any]:
    """The ladder from the tier rows of the form (a row without a code is left out), on top of the current
    ladder's other settings; basis, window and grace from their own fields."""
    tiers = []
    for row in range(MAX_TIER_ROWS):
        code = (form.get(f"tier{row}_code") or "").strip()
        if not code:
            continue
        tiers.append(_clean({"code": code, "name_vi": (form.get(f"tier{row}_name_vi") or "").strip(),
                             "name_en": (form.get(f"tier{row}_name_en") or "").strip(),
                             "threshold": _money(form, f"tier{row}_threshold") or "0",
                             "earn_multiplier": (form.get(f"tier{row}_earn_multiplier") or "1").strip().replace(",", "."),
                             "birthday_bonus_points": _int(form, f"tier{row}_birthday_bonus_points") or 0}))
    body = {**current, "tiers": tiers, "basis": form.get("basis") or current.get("basis", "spend")}
    for name in ("window_months", "grace_days"):
        value = _int(form, name)
        if value is not None:
            body[name] = value
    return body


BODIES = {"rule": rule_body, "campaign": campaign_body, "reward": reward_body, "expiry": expiry_body,
          "remove_rule": lambda form: {"rule_id": form.get("rule_id", "")}}


# --- pages ------------------------------------------------------------------------------------------------


def _current(api: Any) -> prog.ProgramState | None:
    try:
        api.service.policy.book.refresh(force=True)
        return api.service.policy.book.current()
    except Exception:  # noqa: BLE001 - no program installed yet
        return None


def _page(request: Request, session: Any, status: int = 200, **values: Any) -> Response:
    api = request.app.state.api
    store = drafts.Drafts(api.tables)
    current = _current(api)
    changes = store.get(session.staff.username)
    preview, problem = current, values.pop("problem", None)
    if current is not None and changes:
        try:
            preview, _ = drafts.apply(current, changes, api.service.clock(), session.staff.actor)
        except errors.LoyaltyError as exc:
            problem = problem or _refusal_words(exc, language(request))
    history = list(api.runtime.store.events.get(api.service.policy.program_id)) if current else []
    return render(request, "editor.html", status=status, session=session, current=current, preview=preview,
                  changes=changes, history=list(reversed(history))[:50], problem=problem,
                  rule_kinds=RULE_KINDS, reward_kinds=REWARD_KINDS, expiry_kinds=EXPIRY_KINDS, idem=uuid.uuid4().hex,
                  tier_rows=MAX_TIER_ROWS,
                  **values)


@router.get("/program")
def editor(request: Request, session: Session) -> Response:
    require(session, Can.EDIT_PROGRAM)
    return _page(request, session)


@router.post("/program/draft/{op}")
async def add_change(request: Request, op: str, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.EDIT_PROGRAM)
    lang = language(request)
    if op not in BODIES and op != "tiers":
        return _page(request, session, 404, problem=translate(lang, "not_found"))
    try:
        api = request.app.state.api
        current = _current(api)
        if op == "tiers":
            ladder = json.loads(json.dumps(current.tiers.to_dict(), default=str)) if current else {}
            change = drafts.validated(op, tiers_body(form, ladder))
        else:
            change = drafts.validated(op, BODIES[op](form))
        if current is not None:  # the program's own checks too, so a draft never holds a change it would refuse
            drafts.apply(current, [*drafts.Drafts(api.tables).get(session.staff.username), change],
                         api.service.clock(), session.staff.actor)
        drafts.Drafts(api.tables).add(session.staff.username, change)
    except FormProblem as bad:
        return _page(request, session, 422, problem=_field_words(lang, bad.field, bad.kind, ""), form=form, op=op)
    except drafts.DraftRefused as refused:
        words = "; ".join(_field_words(lang, f, kind, detail) for f, kind, detail in refused.problems)
        return _page(request, session, 422, problem=words, form=form, op=op)
    except errors.LoyaltyError as exc:
        return _page(request, session, 422, problem=_refusal_words(exc, lang), form=form, op=op)
    return _page(request, session, flash=translate(lang, "draft_saved"))


@router.post("/program/draft-drop/{index}")
async def drop_change(request: Request, index: int, session: Session) -> Response:
    await check_csrf(request, session)
    require(session, Can.EDIT_PROGRAM)
    drafts.Drafts(request.app.state.api.tables).drop(session.staff.username, index)
    return _page(request, session)


@router.post("/program/discard")
async def discard(request: Request, session: Session) -> Response:
    await check_csrf(request, session)
    require(session, Can.EDIT_PROGRAM)
    drafts.Drafts(request.app.state.api.tables).discard(session.staff.username)
    return _page(request, session)


@router.post("/program/simulate")
async def simulate_basket(request: Request, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.EDIT_PROGRAM)
    api, lang = request.app.state.api, language(request)
    current = _current(api)
    try:
        total = Decimal(_money(form, "total") or "0")
        at = datetime.fromisoformat(_day(form, "on") or api.service.clock().isoformat()) + timedelta(hours=12)
    except (FormProblem, ValueError):
        return _page(request, session, 422, problem=_field_words(lang, "total", "invalid_number", ""))
    changes = drafts.Drafts(api.tables).get(session.staff.username)
    if current is None:
        return _page(request, session, 422, problem=translate(lang, "no_program"))
    try:
        draft, _ = drafts.apply(current, changes, api.service.clock(), session.staff.actor)
        channel, store, tier = form.get("channel") or "pos", (form.get("store") or "").strip() or None, form.get("tier")
        tier = tier if current.tiers.tier(tier or "") else current.tiers.tiers[0].code
        results = [(name, simulate(api.service.policy, program, total, channel, store, tier, at))
                   for name, program in (("current", current), ("with_draft", draft))]
    except errors.LoyaltyError as exc:
        return _page(request, session, 422, problem=_refusal_words(exc, lang))
    return _page(request, session, simulation=results, basket=form)


@router.post("/program/backtest")
async def run_back_test(request: Request, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.EDIT_PROGRAM)
    api, lang = request.app.state.api, language(request)
    current = _current(api)
    if current is None:
        return _page(request, session, 422, problem=translate(lang, "no_program"))
    try:
        days = _int(form, "days") or 30
    except FormProblem as bad:
        return _page(request, session, 422, problem=_field_words(lang, bad.field, bad.kind, ""))
    changes = drafts.Drafts(api.tables).get(session.staff.username)
    try:
        draft, _ = drafts.apply(current, changes, api.service.clock(), session.staff.actor)
    except errors.LoyaltyError as exc:
        return _page(request, session, 422, problem=_refusal_words(exc, lang))
    added = {c.body["campaign_id"] for c in changes if c.op == "campaign"}
    result = back_test(api, current, draft, added, days, draft.point_value)
    return _page(request, session, backtest=result)


@router.post("/program/publish")
async def publish(request: Request, session: Session) -> Response:
    form = await check_csrf(request, session)
    require(session, Can.EDIT_PROGRAM)
    api, lang = request.app.state.api, language(request)
    store = drafts.Drafts(api.tables)
    changes = store.get(session.staff.username)
    try:
        starts = _day(form, "starts")
        starts_at = datetime.fromisoformat(starts) if starts else None
        version = drafts.publish(api, session.staff.username, session.staff.actor, form.get("idem", "")[:64] or "-",
                                 changes, starts_at)
    except FormProblem as bad:
        return _page(request, session, 422, problem=_field_words(lang, bad.field, bad.kind, ""))
    except errors.LoyaltyError as exc:
        return _page(request, session, 422, problem=_refusal_words(exc, lang))
    store.discard(session.staff.username)
    return _page(request, session, flash=f"{translate(lang, 'published')} {translate(lang, 'version')} {version}")


def _field_words(lang: str, field: str, kind: str, detail: str) -> str:
    words = PROBLEM_WORDS.get(lang, PROBLEM_WORDS["vi"]).get(kind) or detail or kind
    return f"{translate(lang, field) if translate(lang, field) != field else field}: {words}"


def _refusal_words(exc: errors.LoyaltyError, lang: str) -> str:
    return f"{exc.message}" if lang == "en" else f"{exc.message_vi} ({exc.message})"
