"""The read side's query functions, for the API and the staff console (no HTTP here).

`ReadModels.open(settings)` once per process; every method is safe to call from many threads at once
(FastAPI runs plain `def` endpoints in a threadpool): each call borrows a pooled connection for one
read-only transaction. Which generation of a projection is live is cached for a second; if a rebuild
dropped the generation a call was about to read, the call looks the live one up again and retries once.
Reads come from projections, so they may lag the ledger by the worker's lag; a POS that must see its
own write uses the command's result instead.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
import time
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any, Callable, TypeVar
from uuid import UUID

from eventsourcing.persistence import PersistenceError

from loyalty_core.privacy.vault import installed_for
from loyalty_core.program_policy import program_id_for
from loyalty_core.results import Balance
from loyalty_core.settings import Settings
from projections import timeline
from projections.catalog import ReadSide
from projections.config import ReadConfig
from projections.pricing import PointValues
from projections.daybook import NO_STORE
from projections.models import (CampaignDay, CampaignStats, KpiDay, KpiReport, MemberHit, SegmentMember,
                                SegmentPage, rate)
from projections.readstore import Tx, is_missing_table
from projections.search import query_keys
from projections.segments import NAMED, score
from projections.timeline import TimelinePage

T = TypeVar("T")
GENERATION_TTL = 1.0
MAX_LIMIT = 500
_RFM = re.compile(r"^rfm:[1-5]{3}$")


class ReadModels:
    def __init__(self, side: ReadSide, config: ReadConfig, clock: Callable[[], datetime] | None = None):
        self.side, self.config = side, config
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self._lock = threading.Lock()
        self._generations: dict[str, int] = {}
        self._checked = 0.0
        self._views: dict[tuple[str, int], Any] = {}
        self.program_id = program_id_for(getattr(config, "program_code", "CPSG"))
        self._ledger: Any = None

    @classmethod
    def open(cls, settings: Settings, clock: Callable[[], datetime] | None = None) -> ReadModels:
        side = ReadSide.open(settings)
        side.live()  # create the registry and the first generation if this is a new store
        models = cls(side, ReadConfig.of(settings), clock)
        if not installed_for(settings.database_url):  # a reader without this store's service (a tool, a test):
            models._ledger = side.open_ledger(settings)  # names and phones sealed; the store's keys open them
        return models

    def close(self) -> None:
        self.side.close()
        if self._ledger is not None:
            self._ledger.close()

    # --- plumbing -------------------------------------------------------------------------------------
    def _generation(self, name: str, refresh: bool = False) -> int:
        with self._lock:
            if refresh or time.monotonic() - self._checked > GENERATION_TTL:
                self._generations, self._checked = self.side.generations(), time.monotonic()
            return self._generations[name]

    def _read(self, name: str, query: Callable[[Any, Tx], T]) -> T:
        for attempt in (1, 2):
            key = (name, self._generation(name, refresh=attempt == 2))
            view = self._views.get(key)
            if view is None:
                view = self._views[key] = self.side.projection(*key, create=False).view
            try:
                with self.side.store.transaction(write=False) as tx:
                    return query(view, tx)
            except PersistenceError as exc:
                if attempt == 2 or not is_missing_table(exc):
                    raise
        raise AssertionError("unreachable")

    # --- queries --------------------------------------------------------------------------------------
    def get_balance(self, member_id: UUID) -> Balance | None:
        found = self._read("balances", lambda v, tx: v.balances(tx, [member_id]))
        return found[member_id][0] if member_id in found else None

    def list_timeline(self, member_id: UUID, cursor: str | None = None, limit: int = 50,
                      lang: str = "vi") -> TimelinePage:
        before = int(cursor) if cursor else None
        limit = _limit(limit)
        rows = self._read("timeline", lambda v, tx: v.page(tx, member_id, before, limit + 1))
        lines = timeline.lines(member_id, rows[:limit], lang)
        return TimelinePage(lines, str(lines[-1].version) if len(rows) > limit else None)

    def point_values(self) -> PointValues:
        """The program's own point values over time (its events), for pricing liability and cost."""
        values = self._read("kpis", lambda v, tx: v.point_values(tx, self.program_id))
        return PointValues(values, self.config.point_value_vnd)

    def get_campaign_stats(self, campaign_id: str, date_from: date, date_to: date) -> CampaignStats:
        prices = self.point_values()

        def query(v: Any, tx: Tx) -> tuple:
            return (v.daily(tx, campaign_id, date_from, date_to),
                    v.reached(tx, campaign_id, date_from, date_to))

        rows, reached = self._read("campaign_stats", query)
        days = [CampaignDay(day, channel, store or None, int(issued), int(members), int(redemptions),
                            int(redeemed), int(issued) * prices.on(day))
                for day, channel, store, issued, redemptions, redeemed, members in rows]
        issued = sum(d.points_issued for d in days)
        return CampaignStats(campaign_id, date_from, date_to, issued, reached,
                             sum(d.redemptions for d in days), sum(d.points_redeemed for d in days),
                             sum((d.cost_vnd for d in days), Decimal(0)), days)

    def get_rule_stats(self, date_from: date, date_to: date) -> list[tuple[str, int, int]]:
        """(rule id, points awarded, times fired) per earning rule over the range."""
        return self._read("campaign_stats", lambda v, tx: v.rule_totals(tx, date_from, date_to))

    def get_kpis(self, date_from: date, date_to: date, channel: str | None = None,
                 store_id: str | None = None) -> KpiReport:
        store = NO_STORE if store_id == "" else store_id

        def query(v: Any, tx: Tx) -> tuple:
            return (v.days(tx, date_from, date_to, channel, store), v.outstanding_by_day(tx, date_to),
                    v.rates(tx, date_from, date_to, channel, store))

        days, deltas, (active, buyers, repeat, redeemers) = self._read("kpis", query)
        outstanding = _running(deltas)
        prices, found = self.point_values(), {d["day"]: d for d in days}
        kpi_days = []
        for day in sorted(found):
            d = found[day]
            points = _at(outstanding, day)
            kpi_days.append(KpiDay(day, d["enrolled"], d["active_members"], d["purchases"], d["spend"],
                                   d["points_earned"], d["points_redeemed"], d["points_expired"],
                                   d["redemptions"], points, points * prices.on(day)))
        closing, value = _at(outstanding, date_to), prices.on(date_to)
        return KpiReport(date_from, date_to, channel, store_id, sum(d.enrolled for d in kpi_days), active,
                         buyers, repeat, rate(repeat, buyers), redeemers, rate(redeemers, active), closing,
                         closing * value, value, kpi_days)

    def list_segment(self, name: str, limit: int = 100, cursor: str | None = None) -> SegmentPage:
        if name not in NAMED and not _RFM.match(name):
            raise ValueError(f"unknown segment {name!r}: use rfm:RFM (e.g. rfm:545) "
                             f"or one of {', '.join(NAMED)}")
        after, limit, now = (UUID(cursor) if cursor else None), _limit(limit), self.clock()
        rows = self._read("segments", lambda v, tx: v.members(tx, name, after, limit + 1, now,
                                                             self.config.churn_after_days))
        members = [SegmentMember(m, tier, p, s, last, f"{r}{f}{mm}" if r is not None else None)
                   for m, tier, p, s, last, r, f, mm in rows[:limit]]
        return SegmentPage(name, members, str(members[-1].member_id) if len(rows) > limit else None)

    def segments_of(self, member_id: UUID) -> list[str]:
        found = self._read("segments", lambda v, tx: v.facts_and_ranks(tx, member_id))
        if found is None:
            return []
        facts, (buyers, older, fewer, less) = found
        names = []
        if facts["purchases"] > 0:
            r, f, m = score(older, buyers), score(fewer, buyers), score(less, buyers)
            names.append(f"rfm:{r}{f}{m}")
            if m == 5 and f >= 4:
                names.append("vip")
        cutoff = self.clock().timestamp() - self.config.churn_after_days * 86400
        if facts["purchases"] >= 2 and facts["last_purchase_at"].timestamp() < cutoff:
            names.append("churn_risk")
        # A merged duplicate's counts are stored below zero (projections/segments.py `shown`): in no segment.
        online, in_store = max(facts["online_purchases"], 0), max(facts["store_purchases"], 0)
        mix = (("online_only", online and not in_store), ("store_only", in_store and not online),
               ("omnichannel", online and in_store), ("never_purchased", not facts["purchases"]))
        names += [n for n, yes in mix if yes]
        return names

    def search_members(self, q: str, limit: int = 20) -> list[MemberHit]:
        text, digits = query_keys(q or "")
        if len(text) < 2 and not digits:
            return []  # one letter would match half the program
        limit = _limit(limit)

        def query(v: Any, tx: Tx) -> tuple:
            hits = v.find(tx, text, digits, limit)
            return hits, v.identifiers(tx, [m for m, _, _ in hits])

        hits, identifiers = self._read("member_search", query)
        kinds = ("phone", "member_code", "email")
        return [MemberHit(m, name, tier, *(_first(identifiers[m], k) for k in kinds))
                for m, name, tier in hits]


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _first(pairs: list[tuple[str, str]], kind: str) -> str | None:
    return next((value for k, value in pairs if k == kind), None)


def _running(deltas: list[tuple[date, int]]) -> list[tuple[date, int]]:
    total, out = 0, []
    for day, delta in deltas:
        total += delta
        out.append((day, total))
    return out


def _at(running: list[tuple[date, int]], day: date) -> int:
    """Points outstanding at the end of `day`: the running total of the last day on or before it."""
    i = bisect_right([d for d, _ in running], day)
    return running[i - 1][1] if i else 0
