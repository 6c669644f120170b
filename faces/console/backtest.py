"""Previewing a program draft before it is published: the simulator ("this basket would earn…") and the
back-test (the draft replayed over the last N days of real purchases).

Both run the rules engine (`loyalty_core.program.evaluate_purchase`, pure) on the current program and on
the draft, side by side, and write nothing. The back-test reads the purchases from the event log (the
earns and zero-point purchases the ledger recorded, found from the first event of the period by a binary
search on notification ids, so its cost is that of the period, not of the whole log) and each member as
they were just before that purchase (`load_member_at`: tier, purchase count, birthday). The ledger keeps a
purchase's qualifying spend but not its lines, so rules limited to SKUs or categories are evaluated on the
whole spend as a basket without lines: the page says so. Campaigns the draft adds are treated as running
over the whole period (a Tết campaign is back-tested on last month's shoppers), each with its own budget.

Tier moves are counted among the members who bought in the period: the tier their figures qualify for
under the current ladder and under the draft's (with the draft's extra points when the ladder counts points).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core import events as ev
from loyalty_core import program as prog
from loyalty_core.program.tiers import qualifying_tier

MAX_DAYS = 366
MAX_PURCHASES = 20_000


@dataclass
class BackTest:
    days: int
    purchases: int = 0
    points_now: int = 0
    points_draft: int = 0
    points_actual: int = 0
    members_reached_now: int = 0
    members_reached_draft: int = 0
    liability_added_vnd: Decimal = Decimal(0)
    tier_ups: int = 0
    tier_downs: int = 0
    capped: bool = False
    per_day: dict[str, list[int]] = field(default_factory=dict)

    @property
    def difference(self) -> int:
        return self.points_draft - self.points_now


def simulate(policy: Any, program: prog.ProgramState, total: Decimal, channel: str, store_id: str | None,
             tier: str, at: datetime) -> prog.EarnDecision:
    """What a member of `tier` would earn for a basket of `total` VND at `at` under `program`."""
    purchase = prog.Purchase(transaction_ref="simulation", channel=channel, store_id=store_id, occurred_at=at,
                             currency=program.currency, total=total)
    facts = prog.MemberFacts(member_id=UUID(int=0), tier=tier, birthday_month=None, enrolled_at=at - timedelta(days=365),
                             purchase_count=1)
    return prog.evaluate_purchase(purchase, program, facts, _budgets(program))


def back_test(api: Any, current: prog.ProgramState, draft: prog.ProgramState, added_campaigns: set[str],
              days: int, point_value_vnd: Decimal) -> BackTest:
    store, now = api.runtime.store, api.service.clock()
    days = max(1, min(int(days), MAX_DAYS))
    since = now - timedelta(days=days)
    draft = _campaigns_over(draft, added_campaigns, since, now)
    budgets_now, budgets_draft = _budgets(current), _budgets(draft)
    result = BackTest(days)
    reached_now: set[UUID] = set()
    reached_draft: set[UUID] = set()
    delta_by_member: dict[UUID, int] = {}
    for _, event in store.iter_events(start=first_notification_since(store, since)):
        if not _is_purchase(event) or event.timestamp < since:
            continue
        if result.purchases >= MAX_PURCHASES:
            result.capped = True
            break
        member = store.load_member_at(event.originator_id, event.originator_version - 1)
        if member is None:
            continue
        purchase = _purchase_of(event, current.currency)
        facts = api.service.policy.facts(member)
        now_points = _points(purchase, current, facts, budgets_now)
        draft_points = _points(purchase, draft, facts, budgets_draft)
        result.purchases += 1
        result.points_actual += getattr(event, "points", 0)
        result.points_now += now_points
        result.points_draft += draft_points
        day = purchase.occurred_at.date().isoformat()
        result.per_day.setdefault(day, [0, 0])
        result.per_day[day][0] += now_points
        result.per_day[day][1] += draft_points
        if now_points > 0:
            reached_now.add(member.id)
        if draft_points > 0:
            reached_draft.add(member.id)
        delta_by_member[member.id] = delta_by_member.get(member.id, 0) + draft_points - now_points
    result.members_reached_now, result.members_reached_draft = len(reached_now), len(reached_draft)
    result.liability_added_vnd = Decimal(result.difference) * point_value_vnd
    result.tier_ups, result.tier_downs = _tier_moves(api, current, draft, delta_by_member, now)
    return result


def first_notification_since(store: Any, since: datetime) -> int:
    """The id from which every event at or after `since` lies (binary search on notification ids)."""
    low, high = 1, store.max_notification_id() + 1
    while low < high:
        middle = (low + high) // 2
        page = store.notifications(middle, 1)
        if not page:
            high = middle
        elif store.decode(page[0]).timestamp < since:
            low = page[0].id + 1
        else:
            high = middle
    return low


def _is_purchase(event: Any) -> bool:
    return isinstance(event, ev.PurchaseRecorded) or (isinstance(event, ev.PointsEarned) and event.source == "purchase")


def _purchase_of(event: Any, currency: str) -> prog.Purchase:
    spend = event.spend if isinstance(event, ev.PurchaseRecorded) else event.qualifying_spend
    return prog.Purchase(transaction_ref=event.reference if hasattr(event, "reference") else event.transaction_ref,
                         channel=event.channel, store_id=event.store_id, occurred_at=event.occurred_at,
                         currency=currency, total=spend)


def _points(purchase: prog.Purchase, program: prog.ProgramState, facts: Any, budgets: dict[str, int]) -> int:
    try:
        decision = prog.evaluate_purchase(purchase, program, facts, budgets)
    except prog.ProgramError:  # a purchase the program cannot price (another currency): it earns nothing
        return 0
    for campaign_id, used in decision.budget_used.items():
        if campaign_id in budgets:
            budgets[campaign_id] -= used
    return max(int(decision.points), 0)


def _budgets(program: prog.ProgramState) -> dict[str, int]:
    return {c.campaign_id: c.budget_points for c in program.campaigns if c.budget_points is not None}


def _campaigns_over(draft: prog.ProgramState, added: set[str], since: datetime, now: datetime) -> prog.ProgramState:
    if not added:
        return draft
    campaigns = tuple(dataclasses.replace(c, starts_at=since, ends_at=now + timedelta(seconds=1), ended_at=None)
                      if c.campaign_id in added else c for c in draft.campaigns)
    return dataclasses.replace(draft, campaigns=campaigns)


def _tier_moves(api: Any, current: prog.ProgramState, draft: prog.ProgramState, deltas: dict[UUID, int],
                now: datetime) -> tuple[int, int]:
    old, new = current.tiers, draft.tiers
    if old is None or new is None:
        return 0, 0
    ups = downs = 0
    for member_id, delta in deltas.items():
        member = api.runtime.store.load_member(member_id)
        if member is None:
            continue
        figures = dict(prog.window_figures(member.purchases, old, now))
        before = qualifying_tier(old, figures)
        after_figures = dict(prog.window_figures(member.purchases, new, now))
        if new.basis == "points_earned":
            after_figures["points_earned"] = after_figures.get("points_earned", 0) + delta
        after = qualifying_tier(new, after_figures)
        if after == before:
            continue
        rank_before = new.rank(before) if new.tier(before) else old.rank(before)
        if new.rank(after) > rank_before:
            ups += 1
        else:
            downs += 1
    return ups, downs
