"""Helpers for the read-side tests: a tiny purchase program, catching up, and oracles folded from events.

The oracles read the events through the store's own API and fold them with `loyalty_core` or plain Python,
never with the projections' code, so a projection that is wrong cannot also make its oracle wrong.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Iterator
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import decide
from loyalty_core import events as ev
from loyalty_core.ledger import LedgerStore
from loyalty_core.member import HCM, Member, project_member
from loyalty_core.results import Balance, EarnResult
from loyalty_core.handlers.common import purchase_reference
from loyalty_core.planning import Context, Plan
from loyalty_core.service import LoyaltyService
from loyalty_core.settings import Settings
from projections.worker import Worker

CAMPAIGN = "APP_X2"


def purchase(ctx: Context, c: cmd.RecordPurchase) -> Plan:
    """One point per 10.000 ₫; purchases in the app earn the same again from campaign APP_X2."""
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    spend, occurred_at = Decimal(c.total), c.occurred_at or ctx.now
    base = int(spend // 10_000)
    bonus = base if c.channel == "app" else 0
    reference = purchase_reference(c.channel, c.transaction_ref)
    if base == 0:
        change.add(ev.PurchaseRecorded, transaction_ref=reference, occurred_at=occurred_at, spend=spend)
        return ctx.plan(change, EarnResult(member_id=member.id, balance=Balance.of(change.current),
                                           reference=reference))
    lines = [{"rule_id": "base", "points": base, "description_vi": "Cơ bản", "description_en": "Base"}]
    if bonus:
        lines.append({"rule_id": "app_x2", "points": bonus, "description_vi": "x2", "description_en": "x2"})
    decide.earn(change, points=base + bonus, source="purchase", reference=reference, occurred_at=occurred_at,
                pending_until=None, expires_at=occurred_at + timedelta(days=365), breakdown=lines,
                qualifying_spend=spend, campaign_points={CAMPAIGN: bonus} if bonus else {})
    return ctx.plan(change, EarnResult(member_id=member.id, balance=Balance.of(change.current),
                                       reference=reference, points_earned=base + bonus))


def with_purchases(service: LoyaltyService) -> LoyaltyService:
    service.register(cmd.RecordPurchase, purchase)
    return service


def catch_up(database_url: str, batch_size: int = 1000) -> None:
    worker = Worker(Settings(database_url=database_url), batch_size=batch_size)
    try:
        while worker.cycle()[0]:
            pass
    finally:
        worker.close()


# --- oracles ---------------------------------------------------------------------------------------------


def member_events(store: LedgerStore) -> dict[UUID, list[ev.MemberEvent]]:
    found: dict[UUID, list[ev.MemberEvent]] = defaultdict(list)
    for _, event in store.iter_events():
        if isinstance(event, ev.MemberEvent):
            found[event.originator_id].append(event)
    return found


def members(store: LedgerStore) -> dict[UUID, Member]:
    return {m: project_member(None, events)  # type: ignore[misc]
            for m, events in member_events(store).items()}


def local_day(event: Any) -> Any:
    return (getattr(event, "occurred_at", None) or event.timestamp).astimezone(HCM).date()


def is_purchase(event: Any) -> bool:
    return isinstance(event, ev.PurchaseRecorded) or \
        (isinstance(event, ev.PointsEarned) and event.source == "purchase")


def campaign_totals(store: LedgerStore) -> tuple[int, set[UUID], int, int]:
    """(points issued, members reached, redemptions after reach, points redeemed after reach)."""
    issued, reached, redemptions, redeemed = 0, set(), 0, 0
    for _, event in store.iter_events():
        if isinstance(event, ev.PointsEarned) and event.campaign_points.get(CAMPAIGN, 0) > 0:
            issued += event.campaign_points[CAMPAIGN]
            reached.add(event.originator_id)
        elif isinstance(event, (ev.PointsRedeemed, ev.ReservationCaptured)) and \
                event.originator_id in reached:
            redemptions += 1
            redeemed += event.points
    return issued, reached, redemptions, redeemed


def channel_mix(store: LedgerStore) -> dict[UUID, Counter]:
    mix: dict[UUID, Counter] = defaultdict(Counter)
    for m, events in member_events(store).items():
        mix[m]  # noqa: B018 - every member has an entry
        for event in events:
            if is_purchase(event):
                mix[m]["store" if event.channel == "pos" else "online"] += 1
    return mix


def rfm_scores(store: LedgerStore) -> dict[UUID, str]:
    facts = {}
    for m, events in member_events(store).items():
        buys = [e for e in events if is_purchase(e)]
        if buys:
            spend = sum((e.spend if isinstance(e, ev.PurchaseRecorded) else e.qualifying_spend) for e in buys)
            spend -= sum((e.spend_reversed for e in events if isinstance(e, ev.EarnReversed)), Decimal(0))
            facts[m] = (max(e.occurred_at for e in buys), len(buys), spend)
    n = len(facts)

    def score(i: int, m: UUID) -> int:
        return 1 + 5 * sum(1 for f in facts.values() if f[i] < facts[m][i]) // n

    return {m: f"{score(0, m)}{score(1, m)}{score(2, m)}" for m in facts}


def days_of(store: LedgerStore) -> Iterator[Any]:
    for _, event in store.iter_events():
        if isinstance(event, ev.MemberEvent):
            yield local_day(event)


def at_hcm(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=HCM)
