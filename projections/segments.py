"""Segments: per-member purchase facts, and the segments computed from them when asked.

The projection keeps one row of facts per member (purchases, spend, first and last purchase, purchases
in store and online, tier). Segments are read from those facts, because two of them depend on the
moment of asking (churn risk) or on everyone else (RFM scores are ranks in the whole population):

- RFM: among members who bought at least once, each of recency (last purchase), frequency (purchases)
  and monetary (spend, net of refunds) is scored 1–5 as `1 + 5 × (members strictly below) ÷ members`, so
  equal values score equally. Segment `rfm:545` is R=5, F=4, M=5.
- `vip`: M = 5 and F ≥ 4 — the biggest spenders who also come often.
- `churn_risk`: bought at least twice, but not for `churn_after_days` (default 90).
- `online_only` / `store_only` / `omnichannel`: bought only online, only at a POS, or both.
- `never_purchased`: enrolled, no purchase yet.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Sequence
from uuid import UUID

from loyalty_core import events as ev
from projections.base import ReadProjection, distinct
from projections.daybook import is_online
from projections.readstore import Tx
from projections.view import PostgresView, SQLiteView, View

_FACTS = ("tier", "enrolled_at", "purchases", "spend", "first_purchase_at", "last_purchase_at",
          "online_purchases", "store_purchases")
NAMED = ("vip", "churn_risk", "online_only", "store_only", "omnichannel", "never_purchased")
_CONDITIONS = {
    "online_only": "online_purchases > 0 AND store_purchases = 0",
    "store_only": "store_purchases > 0 AND online_purchases = 0",
    "omnichannel": "online_purchases > 0 AND store_purchases > 0",
    "never_purchased": "purchases = 0",
    "churn_risk": "purchases >= 2 AND last_purchase_at < ?",
}
_SCORED = ("WITH p AS (SELECT * FROM {segment_facts} WHERE purchases > 0), "
           "n AS (SELECT count(*) AS n FROM p), "
           "s AS (SELECT p.*, 1 + (5 * (RANK() OVER (ORDER BY last_purchase_at) - 1)) / n.n AS r, "
           "1 + (5 * (RANK() OVER (ORDER BY purchases) - 1)) / n.n AS f, "
           "1 + (5 * (RANK() OVER (ORDER BY spend) - 1)) / n.n AS m FROM p, n) ")
_SHOWN = "member_id, tier, purchases, spend, last_purchase_at"
MERGES = (ev.MemberMergedInto, ev.MemberAbsorbed, ev.MemberUnmerged, ev.MemberAbsorptionReversed)


class SegmentView(View):
    name = "segments"
    TABLES = {"segment_facts": "member_id {uuid} PRIMARY KEY, tier {text} NOT NULL, "
                               "enrolled_at {ts} NOT NULL, purchases {int} NOT NULL, spend {money} NOT NULL, "
                               "first_purchase_at {ts}, last_purchase_at {ts}, "
                               "online_purchases {int} NOT NULL, store_purchases {int} NOT NULL"}
    INDEXES = ["CREATE INDEX IF NOT EXISTS segment_facts_{g}_last ON {segment_facts} (last_purchase_at)",
               "CREATE INDEX IF NOT EXISTS segment_facts_{g}_purchases ON {segment_facts} (purchases)",
               "CREATE INDEX IF NOT EXISTS segment_facts_{g}_spend ON {segment_facts} (spend)"]

    def load(self, tx: Tx, member_ids: Sequence[UUID]) -> dict[UUID, dict[str, Any]]:
        found = {}
        for chunk in tx.chunks(member_ids):
            where_sql, params = tx.any_of("member_id", [tx.uid(m) for m in chunk])
            for row in tx.run(self.sql(f"SELECT member_id, {', '.join(_FACTS)} FROM {{segment_facts}} WHERE ")
                              + where_sql, params):
                found[tx.to_uid(row[0])] = self._facts(tx, row[1:])
        return found

    @staticmethod
    def _facts(tx: Tx, row: Sequence[Any]) -> dict[str, Any]:
        facts = dict(zip(_FACTS, row, strict=True))
        for key in ("enrolled_at", "first_purchase_at", "last_purchase_at"):
            facts[key] = tx.to_ts(facts[key])
        facts["spend"] = tx.to_money(facts["spend"])
        return facts

    def save(self, tx: Tx, facts: dict[UUID, dict[str, Any]]) -> None:
        rows = [(tx.uid(m), f["tier"], tx.ts(f["enrolled_at"]), f["purchases"], tx.money(f["spend"]),
                 tx.ts(f["first_purchase_at"]), tx.ts(f["last_purchase_at"]), f["online_purchases"],
                 f["store_purchases"]) for m, f in facts.items()]
        tx.upsert(self.tables["segment_facts"], ("member_id", *_FACTS), rows,
                  "ON CONFLICT (member_id) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in _FACTS))

    def members(self, tx: Tx, name: str, after: UUID | None, limit: int, now: datetime,
                churn_after_days: int) -> list[tuple]:
        page = " AND member_id > ?" if after is not None else ""
        params: list[Any] = [tx.uid(after)] if after is not None else []
        if name.startswith("rfm:") or name == "vip":
            if name == "vip":
                condition, scores = "m = 5 AND f >= 4", []
            else:
                condition, scores = "r = ? AND f = ? AND m = ?", [int(c) for c in name[4:]]
            sql = f"{_SCORED}SELECT {_SHOWN}, r, f, m FROM s WHERE {condition}{page} " \
                  f"ORDER BY member_id LIMIT ?"
            rows = tx.run(self.sql(sql), [*scores, *params, limit])
        else:
            condition = _CONDITIONS[name]
            cutoff = [tx.ts(now - timedelta(days=churn_after_days))] if name == "churn_risk" else []
            sql = f"SELECT {_SHOWN}, NULL, NULL, NULL FROM {{segment_facts}} WHERE {condition}{page} " \
                  f"ORDER BY member_id LIMIT ?"
            rows = tx.run(self.sql(sql), [*cutoff, *params, limit])
        return [(tx.to_uid(m), tier, int(p), tx.to_money(s), tx.to_ts(last), r, f, mm)
                for m, tier, p, s, last, r, f, mm in rows]

    def facts_and_ranks(self, tx: Tx,
                        member_id: UUID) -> tuple[dict[str, Any], tuple[int, int, int, int]] | None:
        """A member's facts, and (buyers, buyers with older last purchase, fewer purchases, less spend)."""
        row = tx.run(self.sql(f"SELECT {', '.join(_FACTS)} FROM {{segment_facts}} WHERE member_id = ?"),
                     [tx.uid(member_id)])
        if not row:
            return None
        facts, raw = self._facts(tx, row[0]), dict(zip(_FACTS, row[0], strict=True))
        counts = tx.run(self.sql(
            "SELECT (SELECT count(*) FROM {segment_facts} WHERE purchases > 0), "
            "(SELECT count(*) FROM {segment_facts} WHERE purchases > 0 AND last_purchase_at < ?), "
            "(SELECT count(*) FROM {segment_facts} WHERE purchases > 0 AND purchases < ?), "
            "(SELECT count(*) FROM {segment_facts} WHERE purchases > 0 AND spend < ?)"),
            [raw["last_purchase_at"], raw["purchases"], raw["spend"]])[0]
        return facts, tuple(int(c) for c in counts)  # type: ignore[return-value]


class SQLiteSegmentView(SegmentView, SQLiteView):
    pass


class PostgresSegmentView(SegmentView, PostgresView):
    pass


def score(below: int, population: int) -> int:
    return 1 + (5 * below) // population


class SegmentProjection(ReadProjection):
    name = "segments"
    handles = (ev.MemberEnrolled, ev.TierChanged, ev.PointsEarned, ev.PurchaseRecorded, ev.EarnReversed,
               *MERGES)
    views = {"sqlite": SQLiteSegmentView, "postgres": PostgresSegmentView}
    view: SegmentView

    def apply(self, tx: Tx, events: Sequence[tuple[int, Any]]) -> None:
        relevant = [e for _, e in events if not isinstance(e, ev.PointsEarned) or e.source == "purchase"]
        if not relevant:
            return
        facts = self.view.load(tx, distinct([e.originator_id for e in relevant] +
                                            [other for e in relevant if (other := _other_member(e))]))
        for event in relevant:
            if isinstance(event, MERGES):
                merge(facts, event)
            elif isinstance(event, ev.MemberEnrolled):
                facts[event.originator_id] = {"tier": event.tier, "enrolled_at": event.timestamp,
                                              "purchases": 0, "spend": 0, "first_purchase_at": None,
                                              "last_purchase_at": None, "online_purchases": 0,
                                              "store_purchases": 0}
            elif event.originator_id in facts:
                update(facts[event.originator_id], event)
        self.view.save(tx, facts)


_COUNTS = ("purchases", "online_purchases", "store_purchases")


def _other_member(event: Any) -> UUID | None:
    return getattr(event, "merged_member_id", None) or getattr(event, "survivor_id", None)


def shown(facts: dict[str, Any]) -> dict[str, Any]:
    """A member's own facts; a merged duplicate's row keeps them with its counts stored as -n - 1, so that
    it is in no segment (every condition asks for counts of 0 or more) and an unmerge gets them back."""
    if facts["purchases"] >= 0:
        return facts
    return {**facts, **{key: -facts[key] - 1 for key in _COUNTS}}


def merge(facts: dict[str, Any], event: Any) -> None:
    """A merge hides the duplicate's row and adds its purchases to the survivor's; an unmerge undoes both
    (the survivor's first and last purchase dates stay as widened: the row does not keep its own apart)."""
    own = facts.get(event.originator_id)
    other = facts.get(_other_member(event))  # type: ignore[arg-type]
    if own is None:
        return
    if isinstance(event, ev.MemberMergedInto):
        hidden = shown(own)
        facts[event.originator_id] = {**hidden, **{key: -hidden[key] - 1 for key in _COUNTS}}
    elif isinstance(event, ev.MemberUnmerged):
        facts[event.originator_id] = shown(own)
    elif other is not None:
        theirs, sign = shown(other), 1 if isinstance(event, ev.MemberAbsorbed) else -1
        for key in _COUNTS:
            own[key] += sign * theirs[key]
        own["spend"] += sign * theirs["spend"]
        if sign > 0 and theirs["purchases"]:
            own["first_purchase_at"] = min(t for t in (own["first_purchase_at"], theirs["first_purchase_at"]) if t)
            own["last_purchase_at"] = max(t for t in (own["last_purchase_at"], theirs["last_purchase_at"]) if t)


def update(facts: dict[str, Any], event: Any) -> None:
    if isinstance(event, ev.TierChanged):
        facts["tier"] = event.to_tier
    elif isinstance(event, ev.EarnReversed):
        facts["spend"] -= event.spend_reversed
    else:  # a purchase, with points or without
        at = event.occurred_at
        facts["purchases"] += 1
        facts["spend"] += event.spend if isinstance(event, ev.PurchaseRecorded) else event.qualifying_spend
        facts["first_purchase_at"] = min(facts["first_purchase_at"] or at, at)
        facts["last_purchase_at"] = max(facts["last_purchase_at"] or at, at)
        facts["online_purchases" if is_online(event.channel) else "store_purchases"] += 1
