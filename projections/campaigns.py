"""Campaign statistics per local day, channel and store: points issued, members reached, redemptions.

Points issued come from `PointsEarned.campaign_points` (what each campaign's rules awarded after budgets and
caps). A member is *reached* by a campaign when it awards them points. A redemption counts for every
campaign that had reached the member before it (earlier in the log), on the day, channel and store of the
redemption: "of the members this campaign reached, how many came back and spent points". Cost is points
issued at the configured point value; it is computed when read, so changing the value needs no rebuild.
Reach is kept per member so that "members reached" over any range of days is an exact distinct count.
Rule lines (`PointsEarned.breakdown`) are summed per rule the same way.

Points issued are net of refunds. Each earn's campaign points are kept (`campaign_earnings`); a refund of
that purchase (`EarnReversed`) cancels the same share of each campaign's points as of the earn's points,
cumulatively (so several partial refunds add up exactly, with no rounding drift), on the day, channel and
store of the refund. Cost is priced with the program's own point value in force each day (the KPI
projection keeps the program's point values; see `projections/queries.py`).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any, Sequence
from uuid import UUID

from loyalty_core import events as ev
from projections.base import ReadProjection, distinct
from projections.daybook import Counters, local_day, where
from projections.readstore import Tx
from projections.view import PostgresView, SQLiteView, View

_DAILY = ("points_issued", "earnings", "redemptions", "points_redeemed")
_RULES = ("points", "lines")


class CampaignView(View):
    name = "campaign_stats"
    TABLES = {
        "campaign_daily": "campaign_id {text} NOT NULL, day {day} NOT NULL, channel {text} NOT NULL, "
                          "store_id {text} NOT NULL, points_issued {int} NOT NULL, earnings {int} NOT NULL, "
                          "redemptions {int} NOT NULL, points_redeemed {int} NOT NULL, "
                          "PRIMARY KEY (campaign_id, day, channel, store_id)",
        "campaign_reach": "campaign_id {text} NOT NULL, day {day} NOT NULL, channel {text} NOT NULL, "
                          "store_id {text} NOT NULL, member_id {uuid} NOT NULL, "
                          "PRIMARY KEY (campaign_id, day, channel, store_id, member_id)",
        "campaign_earnings": "member_id {uuid} NOT NULL, reference {text} NOT NULL, campaign_id {text} NOT NULL, "
                             "points {int} NOT NULL, earned {int} NOT NULL, cancelled {int} NOT NULL, "
                             "PRIMARY KEY (member_id, reference, campaign_id)",
        "rule_daily": "rule_id {text} NOT NULL, day {day} NOT NULL, channel {text} NOT NULL, "
                      "store_id {text} NOT NULL, points {int} NOT NULL, lines {int} NOT NULL, "
                      "PRIMARY KEY (rule_id, day, channel, store_id)",
    }
    INDEXES = ["CREATE INDEX IF NOT EXISTS campaign_reach_{g}_member ON {campaign_reach} (member_id)"]

    def campaigns_of(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, set[str]]:
        found: dict[UUID, set[str]] = defaultdict(set)
        for chunk in tx.chunks(member_ids):
            where_sql, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            sql = self.sql("SELECT DISTINCT member_id, campaign_id FROM {campaign_reach} WHERE ") + where_sql
            for member_id, campaign_id in tx.run(sql, params):
                found[tx.to_uid(member_id)].add(campaign_id)  # type: ignore[index]
        return found

    def earnings(self, tx: Tx, keys: Sequence[tuple[UUID, str]]) -> dict[tuple[UUID, str], dict[str, list[int]]]:
        """(member, reference) -> campaign -> [points, points the earn awarded, points cancelled so far]."""
        found: dict[tuple[UUID, str], dict[str, list[int]]] = defaultdict(dict)
        for member_id, reference in keys:
            rows = tx.run(self.sql("SELECT campaign_id, points, earned, cancelled FROM {campaign_earnings} "
                                   "WHERE member_id = ? AND reference = ?"), [tx.uid(member_id), reference])
            for campaign_id, points, earned, cancelled in rows:
                found[(member_id, reference)][campaign_id] = [int(points), int(earned), int(cancelled)]
        return found

    def keep_earnings(self, tx: Tx, earnings: dict[tuple[UUID, str], dict[str, list[int]]]) -> None:
        tx.upsert(self.tables["campaign_earnings"],
                  ("member_id", "reference", "campaign_id", "points", "earned", "cancelled"),
                  [(tx.uid(m), ref, c, *values) for (m, ref), by in earnings.items() for c, values in by.items()],
                  "ON CONFLICT (member_id, reference, campaign_id) DO UPDATE SET cancelled = excluded.cancelled")

    def add(self, tx: Tx, daily: Counters, reach: set[tuple], rules: Counters) -> None:
        tx.upsert(self.tables["campaign_daily"], ("campaign_id", "day", "channel", "store_id", *_DAILY),
                  [(c, tx.day(d), ch, st, *rest) for c, d, ch, st, *rest in daily.rows()],
                  "ON CONFLICT (campaign_id, day, channel, store_id) DO UPDATE SET "
                  + ", ".join(f"{c} = t.{c} + excluded.{c}" for c in _DAILY))
        tx.upsert(self.tables["campaign_reach"], ("campaign_id", "day", "channel", "store_id", "member_id"),
                  [(c, tx.day(d), ch, st, tx.uid(m)) for c, d, ch, st, m in reach], "ON CONFLICT DO NOTHING")
        tx.upsert(self.tables["rule_daily"], ("rule_id", "day", "channel", "store_id", *_RULES),
                  [(r, tx.day(d), ch, st, *rest) for r, d, ch, st, *rest in rules.rows()],
                  "ON CONFLICT (rule_id, day, channel, store_id) DO UPDATE SET "
                  "points = t.points + excluded.points, lines = t.lines + excluded.lines")

    def daily(self, tx: Tx, campaign_id: str, date_from: date, date_to: date) -> list[tuple]:
        sql = ("SELECT d.day, d.channel, d.store_id, d.points_issued, d.redemptions, d.points_redeemed, "
               "(SELECT count(DISTINCT r.member_id) FROM {campaign_reach} r "
               "WHERE r.campaign_id = d.campaign_id AND r.day = d.day AND r.channel = d.channel "
               "AND r.store_id = d.store_id) "
               "FROM {campaign_daily} d WHERE d.campaign_id = ? AND d.day >= ? AND d.day <= ? "
               "ORDER BY d.day, d.channel, d.store_id")
        rows = tx.run(self.sql(sql), [campaign_id, tx.day(date_from), tx.day(date_to)])
        return [(tx.to_day(day), *rest) for day, *rest in rows]

    def reached(self, tx: Tx, campaign_id: str, date_from: date, date_to: date) -> int:
        sql = ("SELECT count(DISTINCT member_id) FROM {campaign_reach} "
               "WHERE campaign_id = ? AND day >= ? AND day <= ?")
        return int(tx.run(self.sql(sql), [campaign_id, tx.day(date_from), tx.day(date_to)])[0][0])

    def rule_totals(self, tx: Tx, date_from: date, date_to: date) -> list[tuple[str, int, int]]:
        sql = ("SELECT rule_id, sum(points), sum(lines) FROM {rule_daily} WHERE day >= ? AND day <= ? "
               "GROUP BY rule_id ORDER BY rule_id")
        rows = tx.run(self.sql(sql), [tx.day(date_from), tx.day(date_to)])
        return [(r, int(p), int(n)) for r, p, n in rows]


class SQLiteCampaignView(CampaignView, SQLiteView):
    pass


class PostgresCampaignView(CampaignView, PostgresView):
    pass


class CampaignProjection(ReadProjection):
    name = "campaign_stats"
    handles = (ev.PointsEarned, ev.PointsRedeemed, ev.ReservationCaptured, ev.EarnReversed)
    views = {"sqlite": SQLiteCampaignView, "postgres": PostgresCampaignView}
    view: CampaignView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        spenders = distinct([e.originator_id for _, e in events
                             if not isinstance(e, (ev.PointsEarned, ev.EarnReversed))])
        refunded = distinct([(e.originator_id, e.transaction_ref) for _, e in events if isinstance(e, ev.EarnReversed)])
        earnings = self.view.earnings(tx, refunded) if refunded else defaultdict(dict)
        touched: set[tuple[UUID, str]] = set()
        reached_before = self.view.campaigns_of(tx, spenders) if spenders else defaultdict(set)
        daily, rules, reach = Counters(_DAILY), Counters(_RULES), set()
        for _, event in events:
            key = (local_day(event), *where(event))
            if isinstance(event, ev.EarnReversed):
                touched.add((event.originator_id, event.transaction_ref))
                _cancel(earnings.get((event.originator_id, event.transaction_ref), {}),
                        event.points_reversed + event.shortfall, daily, key)
                continue
            if isinstance(event, ev.PointsEarned):
                if event.source == "purchase" and any(p > 0 for p in event.campaign_points.values()):
                    touched.add((event.originator_id, event.reference))
                    earnings[(event.originator_id, event.reference)] = {
                        c: [p, event.points, 0] for c, p in event.campaign_points.items() if p > 0}
                for campaign_id, points in event.campaign_points.items():
                    if points > 0:
                        daily[(campaign_id, *key)]["points_issued"] += points
                        daily[(campaign_id, *key)]["earnings"] += 1
                        reach.add((campaign_id, *key, event.originator_id))
                        reached_before[event.originator_id].add(campaign_id)
                for line in event.breakdown:
                    rules[(str(line.get("rule_id")), *key)]["points"] += int(line.get("points", 0))
                    rules[(str(line.get("rule_id")), *key)]["lines"] += 1
            else:
                for campaign_id in reached_before.get(event.originator_id, ()):
                    daily[(campaign_id, *key)]["redemptions"] += 1
                    daily[(campaign_id, *key)]["points_redeemed"] += event.points
        self.view.add(tx, daily, reach, rules)
        self.view.keep_earnings(tx, {k: earnings[k] for k in touched if earnings.get(k)})


def _cancel(by_campaign: dict[str, list[int]], cancelled_now: int, daily: Counters, key: tuple) -> None:
    """Take a refund's share of each campaign's points off the refund's day (cumulative, so partial refunds
    add up exactly to the whole)."""
    for campaign_id, values in by_campaign.items():
        points, earned, cancelled_before = values
        total = min(cancelled_before + cancelled_now, earned) if earned else 0
        share_before = points * cancelled_before // earned if earned else 0
        share_now = points * total // earned if earned else 0
        daily[(campaign_id, *key)]["points_issued"] -= share_now - share_before
        values[2] = total
