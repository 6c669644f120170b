"""How a member's state folds the merge events (loyalty_core/identity/merging.py decides them).

A merge writes `MemberMergedInto` on the duplicate (everything open leaves it; its id resolves to the
survivor from then on) and `MemberAbsorbed` on the survivor, carrying exactly what moved. An unmerge writes
`MemberAbsorptionReversed` on the survivor (the same things leave it) and `MemberUnmerged` on the duplicate
(they come back with its own lot ids). Like every fold rule these never check anything: the decision did.
Identifiers move by the ordinary IdentifierLinked / IdentifierUnlinked events written beside these.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from loyalty_core import events as ev
from loyalty_core.member import Earning, Lot, Member, Voucher, _bump, evolve

SUMMED = ("stamps", "earned_by_day", "activity_counts")
"""Counters a merge adds to the survivor's and an unmerge subtracts again."""


def lots_of(moved: dict[str, Any]) -> dict[str, Lot]:
    return {row["lot_id"]: Lot(row["lot_id"], row["points"], row["remaining"], row["earned_at"],
                               row["pending_until"], row["expires_at"], row["source"], row["reference"])
            for row in moved.get("lots", [])}


def vouchers_of(moved: dict[str, Any]) -> dict[str, Voucher]:
    return {row["code"]: Voucher(row["code"], row["reward_id"], row["status"], row["expires_at"],
                                 row["redemption_id"]) for row in moved.get("vouchers", [])}


def earnings_of(moved: dict[str, Any]) -> dict[str, Earning]:
    return {row["reference"]: Earning(row["reference"], row["lot_id"], row["points"], Decimal(row["spend"]),
                                      row["currency"], Decimal(row["refunded"]), row["points_reversed"],
                                      tuple(row["refund_refs"])) for row in moved.get("earnings", [])}


def purchases_of(moved: dict[str, Any]) -> tuple[tuple[datetime, Decimal, int], ...]:
    return tuple((at, Decimal(spend), points) for at, spend, points in moved.get("purchases", []))


def _summed(mine: dict[str, int], theirs: dict[str, int], sign: int, drop: list[str] = ()) -> dict[str, int]:
    out = dict(mine)
    for key, n in theirs.items():
        out[key] = out.get(key, 0) + sign * n
    for key in drop:
        if out.get(key) == 0:
            del out[key]
    return out


def _added(member: Member, moved: dict[str, Any]) -> dict[str, Any]:
    """The fields of `member` once `moved` is added to it."""
    changes: dict[str, Any] = {
        "lots": {**member.lots, **lots_of(moved)},
        "vouchers": {**member.vouchers, **vouchers_of(moved)},
        "earnings": {**member.earnings, **earnings_of(moved)},
        "purchases": member.purchases + purchases_of(moved),
        "purchase_count": member.purchase_count + moved.get("purchase_count", 0),
        "debt": member.debt + moved.get("debt", 0),
    }
    for name in SUMMED:
        changes[name] = _summed(getattr(member, name), moved.get(name, {}), 1)
    return changes


def _removed(member: Member, moved: dict[str, Any], new_keys: dict[str, list]) -> dict[str, Any]:
    """The fields of `member` once `moved` is taken out of it again (`new_keys`: counters it did not have)."""
    purchases = list(member.purchases)
    for row in reversed(purchases_of(moved)):  # the latest equal row: the one the merge appended
        for i in range(len(purchases) - 1, -1, -1):
            if purchases[i] == row:
                del purchases[i]
                break
    gone_lots, gone_vouchers = {r["lot_id"] for r in moved.get("lots", [])}, {r["code"] for r in moved.get("vouchers", [])}
    gone_earnings = {r["reference"] for r in moved.get("earnings", [])}
    changes: dict[str, Any] = {
        "lots": {k: v for k, v in member.lots.items() if k not in gone_lots},
        "vouchers": {k: v for k, v in member.vouchers.items() if k not in gone_vouchers},
        "earnings": {k: v for k, v in member.earnings.items() if k not in gone_earnings},
        "purchases": tuple(purchases),
        "purchase_count": member.purchase_count - moved.get("purchase_count", 0),
        "debt": member.debt - moved.get("debt", 0),
    }
    for name in SUMMED:
        changes[name] = _summed(getattr(member, name), moved.get(name, {}), -1, new_keys.get(name, []))
    return changes


@evolve.register
def _(event: ev.MemberMergedInto, member: Member) -> Member:
    # Everything open left (the decision moved all of it); closed vouchers and redemptions stay as history.
    return _bump(member, event, lots={}, earnings={}, purchases=(), purchase_count=0, debt=0, stamps={},
                 earned_by_day={}, activity_counts={}, merged_into=event.survivor_id,
                 vouchers={k: v for k, v in member.vouchers.items() if v.status != "issued"})


@evolve.register
def _(event: ev.MemberAbsorbed, member: Member) -> Member:
    return _bump(member, event, **_added(member, event.moved), tier=event.tier_after,
                 last_tier_change_at=member.last_tier_change_at if event.tier_after == event.tier_before
                 else event.timestamp,
                 last_activity_at=event.last_activity_after,
                 absorbed={**member.absorbed, str(event.merged_member_id): event.originator_version})


@evolve.register
def _(event: ev.MemberUnmerged, member: Member) -> Member:
    # What the merge took is back, exactly; the counters the merge zeroed were all moved, so adding restores.
    return _bump(member, event, **_added(member, event.moved), merged_into=None)


@evolve.register
def _(event: ev.MemberAbsorptionReversed, member: Member) -> Member:
    changes = _removed(member, event.moved, event.new_keys)
    if event.tier is not None:
        changes.update(tier=event.tier, last_tier_change_at=event.tier_changed_at)
    if event.restore_last_activity:
        changes["last_activity_at"] = event.last_activity_at
    absorbed = {k: v for k, v in member.absorbed.items() if k != str(event.merged_member_id)}
    return _bump(member, event, **changes, absorbed=absorbed)


__all__ = ["lots_of", "vouchers_of", "earnings_of", "purchases_of", "SUMMED", "replace"]
