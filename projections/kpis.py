"""KPIs per local day, channel and store: enrolments, activity, purchases, redemptions, points outstanding.

Two tables. `kpi_daily` sums flows per (day, channel, store); its `outstanding_delta` is the change in
points the program owes (available + pending + reserved, debt netted), so the points outstanding at the
end of a day is the sum of every delta up to that day, and the liability is that times the point value.
`kpi_member_days` has a row per member active on a (day, channel, store), with their purchases and
redemptions, so that active members, repeat-purchase rate and redemption rate over any range and filter
are exact distinct counts rather than sums of daily counts.

Active means the member did something: bought (with or without points), earned from an activity,
redeemed, or used a voucher. Bonuses, expiries and corrections are things done *to* a member.

Spend and points earned are net of refunds: a refund (`EarnReversed`) takes its amount off the spend and
the points it cancelled (taken back, plus any shortfall already spent) off the points earned, on the day,
channel and store of the refund. `kpi_point_values` keeps every point value the program has had, from the
program's own events (`ProgramCreated`, `ProgramSettingsChanged` are in the same log), so liability is
priced with the value in force at the end of each day, never with an environment variable.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Sequence
from uuid import UUID

from loyalty_core import events as ev
from loyalty_core.program import events as program_events
from projections.base import ReadProjection
from projections.daybook import Counters, local_day, moved, where
from projections.readstore import Tx
from projections.view import PostgresView, SQLiteView, View

_DAILY = ("enrolled", "purchases", "spend", "points_earned", "points_redeemed", "points_expired",
          "redemptions", "outstanding_delta")
_MEMBER = ("purchases", "redemptions")


class KpiView(View):
    name = "kpis"
    TABLES = {
        "kpi_daily": "day {day} NOT NULL, channel {text} NOT NULL, store_id {text} NOT NULL, "
                     "enrolled {int} NOT NULL, purchases {int} NOT NULL, spend {money} NOT NULL, "
                     "points_earned {int} NOT NULL, points_redeemed {int} NOT NULL, "
                     "points_expired {int} NOT NULL, redemptions {int} NOT NULL, "
                     "outstanding_delta {int} NOT NULL, PRIMARY KEY (day, channel, store_id)",
        "kpi_member_days": "day {day} NOT NULL, channel {text} NOT NULL, store_id {text} NOT NULL, "
                           "member_id {uuid} NOT NULL, purchases {int} NOT NULL, redemptions {int} NOT NULL, "
                           "PRIMARY KEY (day, channel, store_id, member_id)",
        "kpi_point_values": "program_id {uuid} NOT NULL, effective_at {ts} NOT NULL, point_value {money} NOT NULL, "
                            "PRIMARY KEY (program_id, effective_at)",
    }

    def add(self, tx: Tx, daily: Counters, members: Counters) -> None:
        rows = [(tx.day(d), ch, st, *values[:2], tx.money(values[2]), *values[3:])
                for d, ch, st, *values in daily.rows()]
        tx.upsert(self.tables["kpi_daily"], ("day", "channel", "store_id", *_DAILY), rows,
                  "ON CONFLICT (day, channel, store_id) DO UPDATE SET "
                  + ", ".join(f"{c} = t.{c} + excluded.{c}" for c in _DAILY))
        tx.upsert(self.tables["kpi_member_days"], ("day", "channel", "store_id", "member_id", *_MEMBER),
                  [(tx.day(d), ch, st, tx.uid(m), p, r) for d, ch, st, m, p, r in members.rows()],
                  "ON CONFLICT (day, channel, store_id, member_id) DO UPDATE SET "
                  "purchases = t.purchases + excluded.purchases, "
                  "redemptions = t.redemptions + excluded.redemptions")

    def add_point_values(self, tx: Tx, values: list[tuple[UUID, datetime, Decimal]]) -> None:
        tx.upsert(self.tables["kpi_point_values"], ("program_id", "effective_at", "point_value"),
                  [(tx.uid(p), tx.ts(at), tx.money(v)) for p, at, v in values],
                  "ON CONFLICT (program_id, effective_at) DO UPDATE SET point_value = excluded.point_value")

    def point_values(self, tx: Tx, program_id: UUID) -> list[tuple[datetime, Decimal]]:
        """Every point value the program has had, oldest first, with the instant it took effect."""
        rows = tx.run(self.sql("SELECT effective_at, point_value FROM {kpi_point_values} WHERE program_id = ? "
                               "ORDER BY effective_at"), [tx.uid(program_id)])
        return [(tx.to_ts(at), tx.to_money(v)) for at, v in rows]  # type: ignore[misc]

    @staticmethod
    def _filter(tx: Tx, date_from: date, date_to: date, channel: str | None, store_id: str | None,
                prefix: str = "") -> tuple[str, list[Any]]:
        sql, params = f"{prefix}day >= ? AND {prefix}day <= ?", [tx.day(date_from), tx.day(date_to)]
        if channel is not None:
            sql, params = sql + f" AND {prefix}channel = ?", [*params, channel]
        if store_id is not None:
            sql, params = sql + f" AND {prefix}store_id = ?", [*params, store_id]
        return sql, params

    def days(self, tx: Tx, date_from: date, date_to: date, channel: str | None,
             store_id: str | None) -> list[dict[str, Any]]:
        where_sql, params = self._filter(tx, date_from, date_to, channel, store_id)
        sums = ", ".join(f"sum({c})" for c in _DAILY[:-1])
        rows = tx.run(self.sql(f"SELECT day, {sums} FROM {{kpi_daily}} WHERE {where_sql} GROUP BY day"),
                      params)
        active = dict(tx.run(self.sql(f"SELECT day, count(DISTINCT member_id) FROM {{kpi_member_days}} "
                                      f"WHERE {where_sql} GROUP BY day"), params))
        found = []
        for day, *values in rows:
            fields = dict(zip(_DAILY[:-1], values, strict=True))
            found.append({**{k: int(v) for k, v in fields.items() if k != "spend"}, "day": tx.to_day(day),
                          "spend": tx.to_money(fields["spend"]), "active_members": int(active.get(day, 0))})
        return found

    def outstanding_by_day(self, tx: Tx, date_to: date) -> list[tuple[date, int]]:
        """Program-wide change in points outstanding per day, every day up to `date_to`."""
        rows = tx.run(self.sql("SELECT day, sum(outstanding_delta) FROM {kpi_daily} WHERE day <= ? "
                               "GROUP BY day ORDER BY day"), [tx.day(date_to)])
        return [(tx.to_day(day), int(delta)) for day, delta in rows]  # type: ignore[misc]

    def rates(self, tx: Tx, date_from: date, date_to: date, channel: str | None,
              store_id: str | None) -> tuple[int, int, int, int]:
        """(active members, purchasers, repeat purchasers, redeemers) over the range."""
        where_sql, params = self._filter(tx, date_from, date_to, channel, store_id)
        row = tx.run(self.sql(
            "SELECT count(*), coalesce(sum(CASE WHEN p > 0 THEN 1 ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN p > 1 THEN 1 ELSE 0 END), 0), "
            "coalesce(sum(CASE WHEN r > 0 THEN 1 ELSE 0 END), 0) "
            f"FROM (SELECT member_id, sum(purchases) AS p, sum(redemptions) AS r FROM {{kpi_member_days}} "
            f"WHERE {where_sql} GROUP BY member_id) x"), params)[0]
        return int(row[0]), int(row[1]), int(row[2]), int(row[3])


class SQLiteKpiView(KpiView, SQLiteView):
    pass


class PostgresKpiView(KpiView, PostgresView):
    pass


def outstanding_delta(event: Any) -> int:
    """How much `event` changes available + pending + reserved (the points the program owes)."""
    if isinstance(event, ev.PointsEarned):
        return event.points
    if isinstance(event, ev.EarnReversed):
        return -moved(event.lots) - event.debt_added
    if isinstance(event, ev.PointsReserved):
        return event.points - moved(event.lots)
    if isinstance(event, ev.ReservationCaptured):
        return moved(event.released_lots) - event.points - event.released_points
    if isinstance(event, ev.ReservationReleased):
        return moved(event.lots) - event.points
    if isinstance(event, ev.PointsRedeemed):
        return -moved(event.lots)
    if isinstance(event, ev.RedemptionReversed):
        return moved(event.lots)
    if isinstance(event, ev.PointsAdjusted):
        return event.delta if event.delta > 0 and event.lot_id else -moved(event.lots)
    if isinstance(event, ev.PointsExpired):
        return -event.points
    return 0


class KpiProjection(ReadProjection):
    name = "kpis"
    handles = (ev.MemberEnrolled, ev.PointsEarned, ev.PurchaseRecorded, ev.EarnReversed, ev.PointsReserved,
               ev.ReservationCaptured, ev.ReservationReleased, ev.PointsRedeemed, ev.RedemptionReversed,
               ev.PointsAdjusted, ev.PointsExpired, ev.VoucherUsed,
               program_events.ProgramCreated, program_events.ProgramSettingsChanged)
    views = {"sqlite": SQLiteKpiView, "postgres": PostgresKpiView}
    view: KpiView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        daily, members, values = Counters(_DAILY), Counters(_MEMBER), []
        for _, event in events:
            if isinstance(event, (program_events.ProgramCreated, program_events.ProgramSettingsChanged)):
                values.append((event.originator_id, event.timestamp, Decimal(str(event.settings["point_value"]))))
                continue
            key = (local_day(event), *where(event))
            day = daily[key]
            day["outstanding_delta"] += outstanding_delta(event)
            if isinstance(event, ev.MemberEnrolled):
                day["enrolled"] += 1
            elif isinstance(event, (ev.PointsEarned, ev.PurchaseRecorded)):
                self._earned(event, day, members, (*key, event.originator_id))
            elif isinstance(event, (ev.PointsRedeemed, ev.ReservationCaptured)):
                day["points_redeemed"] += event.points
                day["redemptions"] += 1
                members[(*key, event.originator_id)]["redemptions"] += 1
            elif isinstance(event, ev.RedemptionReversed):
                day["points_redeemed"] -= event.points
            elif isinstance(event, ev.EarnReversed):  # net of refunds
                day["spend"] -= event.refund_amount
                day["points_earned"] -= event.points_reversed + event.shortfall
            elif isinstance(event, ev.PointsExpired):
                day["points_expired"] += event.points
            elif isinstance(event, ev.VoucherUsed):
                members[(*key, event.originator_id)]  # noqa: B018 - touching the key records the activity
        self.view.add(tx, daily, members)
        if values:
            self.view.add_point_values(tx, values)

    @staticmethod
    def _earned(event: Any, day: dict[str, Any], members: Counters, member_key: tuple) -> None:
        if isinstance(event, ev.PointsEarned):
            day["points_earned"] += event.points
        if isinstance(event, ev.PurchaseRecorded) or event.source == "purchase":
            day["purchases"] += 1
            day["spend"] += event.spend if isinstance(event, ev.PurchaseRecorded) else event.qualifying_spend
            members[member_key]["purchases"] += 1
        elif event.source == "activity":
            members[member_key]  # noqa: B018 - touching the key records the activity
