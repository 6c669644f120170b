"""The marketing dashboard: KPIs over a period (per channel and store), daily charts, tier distribution,
campaign pages, segments with CSV / Excel export, and how far the projections lag the ledger (refreshed
live with htmx while the worker catches up).

Everything reads `projections.queries.ReadModels` (the read side), never the ledger: these are screens,
not decisions. A store manager sees only their own stores' figures: the store filter is forced to one of
theirs. Segment exports show the member code and tier, never phone or name, unless the role may see
personal data.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from api.routes.stats import as_of, read_models
from faces.console.permissions import Can
from faces.console.web import PREFIX, Session, language, render, require
from loyalty_core.member import HCM
from projections.segments import NAMED

router = APIRouter(prefix=PREFIX, include_in_schema=False)

CHANNELS = ("pos", "web", "app", "zalo", "shopee", "lazada", "tiki", "tiktok")
MAX_DAYS = 366
EXPORT_LIMIT = 500
EXPORT_PAGES = 200
MAX_STORES = 100


def _day(text: str | None, default: date) -> date:
    try:
        return datetime.strptime((text or "").strip(), "%d/%m/%Y").date() if text else default
    except ValueError:
        return default


def period(request: Request, api: Any) -> tuple[date, date]:
    today = api.service.clock().astimezone(HCM).date()
    date_to = _day(request.query_params.get("to"), today)
    date_from = _day(request.query_params.get("from"), date_to - timedelta(days=29))
    if date_from > date_to:
        date_from = date_to
    return max(date_from, date_to - timedelta(days=MAX_DAYS - 1)), date_to


def _store_filter(session: Any, asked: str | None) -> str | None:
    stores = session.staff.stores
    if not stores:
        return (asked or "").strip()[:40] or None
    return asked if asked in stores else stores[0]


def known_stores(request: Request) -> list[str]:
    """The stores the service knows of: those its API keys and store managers are limited to."""
    api, accounts = request.app.state.api, request.app.state.console.accounts
    stores = {s for key in api.tables.list_keys() if not key.get("revoked_at") for s in key["stores"]}
    stores |= {s for account in accounts.list() for s in account["stores"]}
    return sorted(stores)


def tier_distribution(models: Any) -> list[tuple[str, int]]:
    """Members per tier, from the segments projection's facts (one row per member)."""
    return models._read("segments", lambda v, tx: [(str(t), int(n)) for t, n in tx.run(
        v.sql("SELECT tier, COUNT(*) FROM {segment_facts} GROUP BY tier ORDER BY tier"), [])])


@router.get("/dashboard")
def dashboard(request: Request, session: Session) -> Response:
    require(session, Can.SEE_DASHBOARD)
    api, models = request.app.state.api, read_models(request)
    date_from, date_to = period(request, api)
    channel = request.query_params.get("channel") or None
    channel = channel if channel in CHANNELS else None
    store = _store_filter(session, request.query_params.get("store"))
    report = models.get_kpis(date_from, date_to, channel=channel, store_id=store)
    per_channel = [(c, models.get_kpis(date_from, date_to, channel=c, store_id=store)) for c in CHANNELS]
    per_channel = [(c, r) for c, r in per_channel if r.active_members or r.enrolled or any(d.purchases for d in r.days)]
    stores = list(session.staff.stores) or known_stores(request)
    per_store = [(s, models.get_kpis(date_from, date_to, channel=channel, store_id=s)) for s in stores[:MAX_STORES]]
    per_store = [(s, r) for s, r in per_store if r.active_members or r.enrolled or any(d.purchases for d in r.days)]
    program = api.service.policy.book.current() if _has_program(api) else None
    return render(request, "dashboard.html", session=session, report=report, per_channel=per_channel,
                  per_store=per_store, date_from=date_from, date_to=date_to, channel=channel, store=store,
                  channels=CHANNELS,
                  tiers=[(_tier_name(program, code, language(request)), n) for code, n in tier_distribution(models)], segments=NAMED, campaigns=program.campaigns if program else [],
                  lag=as_of(api, models, "kpis"),
                  query=urlencode({k: v for k, v in (("from", date_from.strftime("%d/%m/%Y")),
                                                     ("to", date_to.strftime("%d/%m/%Y")), ("channel", channel),
                                                     ("store", store)) if v}))


@router.get("/dashboard/lag")
def lag(request: Request, session: Session) -> Response:
    """The projections' lag, as a fragment that htmx swaps in every few seconds."""
    require(session, Can.SEE_DASHBOARD)
    api, models = request.app.state.api, read_models(request)
    head = api.runtime.store.max_notification_id()
    return render(request, "_lag.html", session=session, statuses=models.side.status(head), head=head)


@router.get("/campaigns/{campaign_id}")
def campaign(request: Request, campaign_id: str, session: Session) -> Response:
    require(session, Can.SEE_DASHBOARD)
    api, models = request.app.state.api, read_models(request)
    found = api.service.policy.book.current().campaign(campaign_id[:100]) if _has_program(api) else None
    if found is None:
        return render(request, "refused.html", status=404, session=session, message="not_found", code="not_found")
    today = api.service.clock().astimezone(HCM).date()
    first = found.starts_at.astimezone(HCM).date()
    last = min((found.effective_end - timedelta(microseconds=1)).astimezone(HCM).date(), max(today, first))
    stats = models.get_campaign_stats(campaign_id, max(first, last - timedelta(days=MAX_DAYS - 1)), last)
    days: dict[date, list[int]] = {}
    for d in stats.days:
        if session.staff.stores and d.store_id not in session.staff.stores:
            continue
        days.setdefault(d.day, [0, 0, 0])
        days[d.day][0] += d.points_issued
        days[d.day][1] += d.members_reached
        days[d.day][2] += d.redemptions
    if session.staff.stores:  # a store manager's page counts their stores only (members reached: per day)
        stats = dataclasses.replace(stats, points_issued=sum(v[0] for v in days.values()),
                                    redemptions=sum(v[2] for v in days.values()), members_reached=None,
                                    cost_vnd=sum((d.cost_vnd for d in stats.days if d.store_id in session.staff.stores),
                                                 Decimal(0)))
    return render(request, "campaign.html", session=session, c=found, stats=stats, days=sorted(days.items()),
                  lag=as_of(api, models, "campaign_stats"))


@router.get("/segments/{name}.{fmt}")
def export_segment(request: Request, name: str, fmt: str, session: Session) -> Response:
    require(session, Can.EXPORT_SEGMENTS)
    if name not in NAMED or fmt not in ("csv", "xlsx"):
        return render(request, "refused.html", status=404, session=session, message="not_found", code="not_found")
    rows = list(_segment_rows(request, name))
    header = ["member_id", "member_code", "tier", "purchases", "spend_vnd", "last_purchase"]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
        return Response("\ufeff" + out.getvalue(), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="segment-{name}.csv"'})
    return StreamingResponse(io.BytesIO(_xlsx(name, header, rows)),
                             media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                             headers={"Content-Disposition": f'attachment; filename="segment-{name}.xlsx"'})


def _segment_rows(request: Request, name: str) -> Any:
    from faces.format import day

    api, models = request.app.state.api, read_models(request)
    cursor = None
    for _ in range(EXPORT_PAGES):
        page = models.list_segment(name, limit=EXPORT_LIMIT, cursor=cursor)
        for m in page.members:
            code = _member_code(api, m.member_id)
            yield [str(m.member_id), code, m.tier, m.purchases, int(m.spend_vnd),
                   day(m.last_purchase_at) if m.last_purchase_at else ""]
        cursor = page.next_cursor
        if cursor is None:
            return


def _member_code(api: Any, member_id: Any) -> str:
    member = api.runtime.store.load_member(member_id)
    return (member.identifier("member_code") if member else None) or ""


def _xlsx(name: str, header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    sheet.column_dimensions["A"].width = 38
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _tier_name(program: Any, code: str, lang: str) -> str:
    tier = program.tiers.tier(code) if program is not None else None
    return code if tier is None else (tier.name_en if lang == "en" else tier.name_vi)


def _has_program(api: Any) -> bool:
    try:
        api.service.policy.book.current()
        return True
    except Exception:  # noqa: BLE001 - no program installed yet: the dashboard shows no campaigns
        return False

