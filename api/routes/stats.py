"""Statistics (analyst, admin): campaign stats, KPIs and segments from the read side's projections; member
segments (staff too) and member search (staff, admin).

These are screens, not decisions: they read `projections.queries.ReadModels`, which lags the ledger by the
worker's delay, so every answer says `as_of` which log position it reflects. A till that must see its own
write reads the member through the ledger routes instead.

`/v1/members/search` must be matched before `/v1/members/{member_id}`: this router is included ahead of
the members router (api/main.py).
"""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request

from api.deps import Analyst, Api, ApiContext, Caller, allow
from projections.pool_wait import bound_waits
from projections.pools import harden
from api.errors import ApiProblem, problems
from api.keys import Role
from api.schemas.common import Channel, StoreId
from api.schemas.stats import (
    AsOf,
    CampaignStatsOut,
    KpiOut,
    LagOut,
    MemberHitOut,
    MemberSearchOut,
    MemberSegmentsOut,
    ProjectionLag,
    SegmentMemberOut,
    SegmentPageOut,
)
from loyalty_core.errors import MemberNotFound
from loyalty_core.member import HCM
from projections.queries import ReadModels
from projections.segments import NAMED
from projections.view import GenerationDropped

router = APIRouter(prefix="/v1", responses=problems(401, 403, 429))

SegmentReader = Annotated[Caller, Depends(allow(Role.STAFF, Role.ANALYST, Role.ADMIN))]
Searcher = Annotated[Caller, Depends(allow(Role.STAFF, Role.ADMIN))]

#: The longest range one report may cover (a daily series is answered, so keep it to a few years).
MAX_DAYS = 3 * 366
DEFAULT_DAYS = 30
#: Days a report may name at all (a loyalty program's data is never older or newer than this).
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
SEGMENT_PATTERN = r"^(rfm:[1-5]{3}|[a-z_]{1,30})$"

From = Annotated[date | None, Query(alias="from", description="First day (YYYY-MM-DD, Ho Chi Minh date)")]
To = Annotated[date | None, Query(alias="to", description="Last day, included (YYYY-MM-DD)")]


# --- the read side, opened once per app --------------------------------------------------------------------

_open_lock = threading.Lock()


def read_models(request: Request) -> ReadModels:
    """The app's `ReadModels`, opened on first use (an app that never serves statistics opens nothing) and
    closed with the app's other resources (`ApiContext.close`)."""
    return read_models_of(request.app.state.api)


def read_models_of(api: ApiContext) -> ReadModels:
    """`read_models` for code that holds the API context rather than a request (one-time code delivery)."""
    models = getattr(api, "read_models", None)
    if models is None:
        with _open_lock:
            models = getattr(api, "read_models", None)
            if models is None:
                models = ReadModels.open(api.runtime.settings, clock=api.service.clock)
                harden(models.side.store.datastore)  # a database restart costs no failed request
                bound_waits(models.side.store.datastore)  # a full pool is a 503 after its bounded wait
                api.read_models = models  # type: ignore[attr-defined]
    return models  # type: ignore[no-any-return]


Models = Annotated[ReadModels, Depends(read_models)]


def as_of(api: ApiContext, models: ReadModels, name: str) -> AsOf:
    """Where projection `name` stands in the log, read before the query (so the data is at least this new)."""
    head = api.runtime.store.max_notification_id()
    for attempt in (1, 2):
        generation = models.side.generations()[name]
        try:
            position = models.side.projection(name, generation, create=False).view.position()
            break
        except GenerationDropped:  # a rebuild swapped generations just now: read the new one
            if attempt == 2:
                raise
    return AsOf(projection=name, position=position, head=head, lag=max(head - position, 0))


def _range(api: ApiContext, date_from: date | None, date_to: date | None,
           default_from: date | None = None, default_to: date | None = None) -> tuple[date, date]:
    for name, day in (("from", date_from), ("to", date_to)):
        if day is not None and not EARLIEST <= day <= LATEST:
            raise ApiProblem(422, "invalid_input", f"{name} must be between {EARLIEST} and {LATEST}",
                             field=name)
    today = api.service.clock().astimezone(HCM).date()
    date_to = date_to or default_to or today
    if default_from is None or default_from > date_to:
        default_from = date_to - timedelta(days=DEFAULT_DAYS - 1)
    date_from = date_from or default_from
    if date_from > date_to:
        raise ApiProblem(422, "invalid_input", "from must not be after to", field="from")
    if (date_to - date_from).days >= MAX_DAYS:
        raise ApiProblem(422, "invalid_input", f"a report covers at most {MAX_DAYS} days", field="from")
    return date_from, date_to


def _local_day(at: datetime) -> date:
    try:
        return at.astimezone(HCM).date()
    except OverflowError:  # an instant at the very edge of the calendar (year 1 or 9999)
        return EARLIEST if at.year < 2000 else LATEST


# --- statistics --------------------------------------------------------------------------------------------


@router.get("/stats/kpis", tags=["statistics"], responses=problems(422))
def get_kpis(api: Api, caller: Analyst, models: Models, date_from: From = None, date_to: To = None,
             channel: Annotated[Channel | None, Query()] = None,
             store_id: Annotated[StoreId | None, Query()] = None) -> KpiOut:
    """KPIs over a range of days (default: the last 30): enrolments, active members, purchases, spend,
    points earned / redeemed / expired, repeat-purchase and redemption rates, points outstanding and the
    liability they represent."""
    date_from, date_to = _range(api, date_from, date_to)
    position = as_of(api, models, "kpis")
    report = models.get_kpis(date_from, date_to, channel=channel, store_id=store_id)
    return KpiOut.of(report, position)


@router.get("/stats/campaigns/{campaign_id}", tags=["statistics"], responses=problems(404, 422))
def get_campaign_stats(
    api: Api, caller: Analyst, models: Models,
    campaign_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,99}$")],
    date_from: From = None, date_to: To = None,
) -> CampaignStatsOut:
    """A campaign's points issued, members reached, redemptions by reached members and cost, per day,
    channel and store (default range: the campaign's own window, up to today)."""
    campaign = api.service.policy.book.current().campaign(campaign_id)
    if campaign is None:
        raise ApiProblem(404, "campaign_not_found", f"no campaign {campaign_id}")
    today = api.service.clock().astimezone(HCM).date()
    first = _local_day(campaign.starts_at)
    last = _local_day(campaign.effective_end - timedelta(microseconds=1))
    default_to = min(last, max(today, first), LATEST)
    default_from = max(first, EARLIEST, default_to - timedelta(days=MAX_DAYS - 1))
    date_from, date_to = _range(api, date_from, date_to, default_from=default_from, default_to=default_to)
    position = as_of(api, models, "campaign_stats")
    return CampaignStatsOut.of(models.get_campaign_stats(campaign_id, date_from, date_to), position)


@router.get("/stats/segments/{name}", tags=["statistics"], responses=problems(404, 422))
def list_segment(
    api: Api, caller: Analyst, models: Models,
    name: Annotated[str, Path(pattern=SEGMENT_PATTERN,
                              description="`rfm:545`, or one of: " + ", ".join(NAMED))],
    cursor: Annotated[UUID | None, Query(description="`next_cursor` of the previous page")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> SegmentPageOut:
    """The members in a segment, a page at a time (scores are computed as of now)."""
    if not name.startswith("rfm:") and name not in NAMED:
        raise ApiProblem(404, "segment_not_found", f"no segment {name!r}: use rfm:RFM (e.g. rfm:545) or one "
                         f"of {', '.join(NAMED)}")
    position = as_of(api, models, "segments")
    page = models.list_segment(name, limit=limit, cursor=str(cursor) if cursor else None)
    return SegmentPageOut(name=page.name, members=[SegmentMemberOut.of(m) for m in page.members],
                          next_cursor=page.next_cursor, as_of=position)


@router.get("/stats/lag", tags=["statistics"])
def get_lag(api: Api, caller: Analyst, models: Models) -> LagOut:
    """How far each projection is behind the event log."""
    head = api.runtime.store.max_notification_id()
    try:
        statuses = models.side.status(head)
    except GenerationDropped:  # a rebuild swapped generations just now
        statuses = models.side.status(head)
    return LagOut(head=head, projections=[ProjectionLag(name=s.name, generation=s.generation,
                                                        position=s.position, lag=s.lag) for s in statuses])


# --- members (read side) ------------------------------------------------------------------------------------


@router.get("/members/search", tags=["members"], responses=problems(422))
def search_members(
    api: Api, caller: Searcher, models: Models,
    q: Annotated[str, Query(min_length=1, max_length=100, description="Part of a phone number (0901…, "
                                                                      "84901…), a name without or with "
                                                                      "diacritics, a member code, an email")],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> MemberSearchOut:
    """Find members by part of a phone number, name, member code or email (from the read side: a member
    enrolled a moment ago may not be found yet)."""
    position = as_of(api, models, "member_search")
    return MemberSearchOut(items=[MemberHitOut.of(h) for h in models.search_members(q, limit=limit)],
                           as_of=position)


@router.get("/members/{member_id}/segments", tags=["members"], responses=problems(404, 422))
def member_segments(member_id: UUID, api: Api, caller: SegmentReader, models: Models) -> MemberSegmentsOut:
    """The segments a member is in now (RFM score, vip, churn risk, where they buy)."""
    if api.runtime.store.load_member(member_id) is None:
        raise MemberNotFound(f"no member {member_id}", member_id=str(member_id))
    position = as_of(api, models, "segments")
    return MemberSegmentsOut(member_id=member_id, segments=models.segments_of(member_id), as_of=position)
