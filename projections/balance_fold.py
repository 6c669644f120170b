"""The balance fold: the part of the member fold that a balance needs, small enough to store per member.

`loyalty_core.member.evolve` keeps a member's whole history of earnings, redemptions and vouchers, which a
balance row does not need and could not afford to rewrite on every batch. `BalanceState` keeps only the
open lots, the open reservations, the debt, the lifetime counters and the tier, and applies each event
exactly as `evolve` does to those fields, including which lots it forgets. `audit replay` and a property
test compare the result with `Balance.of(project_member(...))`, so a change to `evolve` that is not
mirrored here is caught rather than silently believed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import singledispatch
from typing import Any, Iterable

import orjson

from loyalty_core import events as ev
from loyalty_core.results import Balance


@dataclass
class BalanceState:
    tier: str = ""
    lots: dict[str, list[Any]] = field(default_factory=dict)
    """lot id -> [remaining, pending, expires_at]"""
    reservations: dict[str, list[Any]] = field(default_factory=dict)
    """reservation id -> [points, [[lot id, points], ...]]"""
    debt: int = 0
    lifetime_earned: int = 0
    lifetime_redeemed: int = 0
    lifetime_expired: int = 0
    version: int = 0

    def balance(self) -> Balance:
        available = sum(lot[0] for lot in self.lots.values() if not lot[1]) - self.debt
        pending = sum(lot[0] for lot in self.lots.values() if lot[1])
        dated = [lot for lot in self.lots.values() if lot[2] is not None and lot[0] > 0]
        first = min((lot[2] for lot in dated), default=None)
        return Balance(available=available, pending=pending,
                       reserved=sum(r[0] for r in self.reservations.values()),
                       lifetime_earned=self.lifetime_earned, lifetime_redeemed=self.lifetime_redeemed,
                       lifetime_expired=self.lifetime_expired, tier=self.tier,
                       next_expiry_points=sum(lot[0] for lot in dated if lot[2] == first) if first else None,
                       next_expiry_at=first)

    # --- storage: only the part the columns do not hold -------------------------------------------------
    def dump(self) -> bytes:
        lots = {k: [v[0], v[1], v[2].isoformat() if v[2] else None] for k, v in self.lots.items()}
        return orjson.dumps({"l": lots, "r": self.reservations, "d": self.debt})

    @classmethod
    def load(cls, blob: bytes, **columns: Any) -> BalanceState:
        data = orjson.loads(blob)
        lots = {k: [v[0], v[1], datetime.fromisoformat(v[2]) if v[2] else None] for k, v in data["l"].items()}
        return cls(lots=lots, reservations=data["r"], debt=data["d"], **columns)


@singledispatch
def apply(event: object, state: BalanceState) -> None:
    """Events that do not change a balance (profile, identifiers, vouchers, purchases without points)."""


def fold(events: Iterable[ev.Event], state: BalanceState | None = None) -> BalanceState:
    state = state or BalanceState()
    for event in events:
        apply(event, state)
        state.version = event.originator_version
    return state


def _put_back(state: BalanceState, moves: Iterable[Iterable[Any]], sign: int = 1) -> None:
    # Like member._put_back: a move on a lot the state no longer holds is ignored.
    for lot_id, points in moves:
        lot = state.lots.get(lot_id)
        if lot is not None:
            lot[0] += sign * points


def _drop_empty(state: BalanceState) -> None:
    held = {lot_id for r in state.reservations.values() for lot_id, _ in r[1]}
    for lot_id in [k for k, lot in state.lots.items() if lot[0] <= 0 and not lot[1] and k not in held]:
        del state.lots[lot_id]


@apply.register
def _(event: ev.MemberEnrolled, state: BalanceState) -> None:
    state.__init__(tier=event.tier)  # type: ignore[misc]


@apply.register
def _(event: ev.TierChanged, state: BalanceState) -> None:
    state.tier = event.to_tier


@apply.register
def _(event: ev.PointsEarned, state: BalanceState) -> None:
    remaining = event.points - event.debt_settled
    joined = state.lots.get(event.lot_id)
    if joined is not None:  # the earn joined an open lot of the same release and expiry
        joined[0] += remaining
    elif remaining > 0 or event.pending_until is not None:
        state.lots[event.lot_id] = [remaining, event.pending_until is not None, event.expires_at]
    state.debt -= event.debt_settled
    state.lifetime_earned += event.points


@apply.register
def _(event: ev.PendingPointsReleased, state: BalanceState) -> None:
    lot = state.lots[event.lot_id]
    lot[0] -= event.debt_settled
    lot[1] = False
    if lot[0] <= 0:
        del state.lots[event.lot_id]
    state.debt -= event.debt_settled


@apply.register
def _(event: ev.EarnReversed, state: BalanceState) -> None:
    _put_back(state, event.lots, -1)
    _drop_empty(state)
    state.debt += event.debt_added


@apply.register
def _(event: ev.PointsReserved, state: BalanceState) -> None:
    _put_back(state, event.lots, -1)
    state.reservations[event.reservation_id] = [event.points, [list(m) for m in event.lots]]


@apply.register
def _(event: ev.ReservationCaptured, state: BalanceState) -> None:
    del state.reservations[event.reservation_id]
    _put_back(state, event.released_lots)
    _drop_empty(state)
    state.lifetime_redeemed += event.points


@apply.register
def _(event: ev.ReservationReleased, state: BalanceState) -> None:
    state.reservations.pop(event.reservation_id, None)
    _put_back(state, event.lots)
    _drop_empty(state)


@apply.register
def _(event: ev.PointsRedeemed, state: BalanceState) -> None:
    _put_back(state, event.lots, -1)
    _drop_empty(state)
    state.lifetime_redeemed += event.points


@apply.register
def _(event: ev.RedemptionReversed, state: BalanceState) -> None:
    for lot_id, points, expires_at in event.lots:
        if lot_id in state.lots:
            state.lots[lot_id][0] += points
        else:  # spent to nothing and forgotten: back with its original expiry, as evolve does
            state.lots[lot_id] = [points, False, expires_at]
    state.lifetime_redeemed -= event.points


@apply.register
def _(event: ev.PointsAdjusted, state: BalanceState) -> None:
    if event.delta > 0 and event.lot_id:
        remaining = event.delta - event.debt_settled
        if remaining > 0:
            state.lots[event.lot_id] = [remaining, False, event.expires_at]
        state.debt -= event.debt_settled
    else:
        _put_back(state, event.lots, -1)
        _drop_empty(state)


@apply.register
def _(event: ev.PointsExpired, state: BalanceState) -> None:
    _put_back(state, [(event.lot_id, event.points)], -1)
    _drop_empty(state)
    state.lifetime_expired += event.points


def _lots_in(state: BalanceState, moved: dict[str, Any]) -> None:
    for row in moved.get("lots", []):
        state.lots[row["lot_id"]] = [row["remaining"], row["pending_until"] is not None, row["expires_at"]]
    state.debt += moved.get("debt", 0)


@apply.register
def _(event: ev.MemberMergedInto, state: BalanceState) -> None:
    state.lots, state.debt = {}, 0  # everything open moved to the survivor (no hold was open)


@apply.register
def _(event: ev.MemberAbsorbed, state: BalanceState) -> None:
    _lots_in(state, event.moved)
    state.tier = event.tier_after


@apply.register
def _(event: ev.MemberUnmerged, state: BalanceState) -> None:
    _lots_in(state, event.moved)


@apply.register
def _(event: ev.MemberAbsorptionReversed, state: BalanceState) -> None:
    for row in event.moved.get("lots", []):
        state.lots.pop(row["lot_id"], None)
    state.debt -= event.moved.get("debt", 0)
    if event.tier is not None:
        state.tier = event.tier


#: The events that change a balance: those with a rule above.
BALANCE_EVENTS: tuple[type, ...] = tuple(cls for cls in apply.registry if cls is not object)
