"""The member aggregate's state and the fold that builds it from events.

State is small and frozen: profile, consent, tier, the open lots (points not yet spent or expired, each
with its own expiry), open reservations, vouchers, lifetime counters, and the few facts the earning rules
and tiers need (purchases in the tier window, points earned per local day, stamps). `evolve` applies an
event and never checks anything, so an old history replays even if today's rules would refuse it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cached_property, singledispatch
from typing import Any, Iterable
from uuid import UUID
from zoneinfo import ZoneInfo

from loyalty_core import events as ev

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
#: Purchases older than this are dropped from the tier window; no ladder looks back further.
HISTORY_DAYS = 800
#: Per-day earning totals older than this are dropped; daily caps only look at one day.
DAILY_DAYS = 40


@dataclass(frozen=True)
class Lot:
    lot_id: str
    points: int
    """Points this lot was earned with."""
    remaining: int
    """Points not yet spent, reserved or expired (pending included)."""
    earned_at: datetime
    pending_until: datetime | None
    expires_at: datetime | None
    source: str
    reference: str

    @property
    def is_pending(self) -> bool:
        return self.pending_until is not None

    def expiry_key(self) -> tuple[datetime, str]:
        # Earliest expiry first; lots that never expire last; ties by earning order (lot ids are ordered).
        return (self.expires_at or datetime.max.replace(tzinfo=HCM), self.lot_id)


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    points: int
    order_ref: str
    hold_until: datetime
    lots: tuple[tuple[str, int], ...]
    channel: str
    store_id: str | None


@dataclass(frozen=True)
class Earning:
    """What a refund needs to know about one purchase."""

    transaction_ref: str
    lot_id: str | None
    points: int
    spend: Decimal
    currency: str = "VND"
    refunded: Decimal = Decimal(0)
    points_reversed: int = 0
    refund_refs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Redemption:
    redemption_id: str
    points: int
    lots: tuple[tuple[str, int, datetime | None], ...]
    """(lot id, points, the lot's expiry): enough to restore a lot that was spent to nothing."""
    reversed: bool = False


@dataclass(frozen=True)
class Voucher:
    code: str
    reward_id: str
    status: str  # issued | used | cancelled | expired
    expires_at: datetime | None
    redemption_id: str | None = None


@dataclass(frozen=True)
class Member:
    id: UUID
    version: int
    program_code: str
    enrolled_at: datetime
    tier: str
    name: str | None = None
    birthday: str | None = None
    referred_by: UUID | None = None
    consent: dict[str, bool] = field(default_factory=dict)
    identifiers: tuple[tuple[str, str], ...] = ()
    lots: dict[str, Lot] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    closed_reservations: dict[str, str] = field(default_factory=dict)
    """Reservation id -> captured | cancelled | timed_out: a reservation resolves once."""
    earnings: dict[str, Earning] = field(default_factory=dict)
    redemptions: dict[str, Redemption] = field(default_factory=dict)
    vouchers: dict[str, Voucher] = field(default_factory=dict)
    debt: int = 0
    """Points owed after a refund took back more than was left (a negative balance)."""
    lifetime_earned: int = 0
    lifetime_redeemed: int = 0
    lifetime_expired: int = 0
    lifetime_adjusted: int = 0
    lifetime_reversed: int = 0
    purchase_count: int = 0
    purchases: tuple[tuple[datetime, Decimal, int], ...] = ()
    """(occurred_at, spend, points earned) within the tier window; refunds add negative rows."""
    earned_by_day: dict[str, int] = field(default_factory=dict)
    stamps: dict[str, int] = field(default_factory=dict)
    activity_counts: dict[str, int] = field(default_factory=dict)
    last_activity_at: datetime | None = None
    last_tier_change_at: datetime | None = None
    lot_counter: int = 0
    card_secret_id: str | None = None
    """The nonce the rotating card code derives from (`loyalty_core.card_code`); None: no card yet."""
    merged_into: UUID | None = None
    """Set once this member was merged into another (read-only since: its id resolves to the survivor)."""
    absorbed: dict[str, int] = field(default_factory=dict)
    """Merged member id -> this member's version whose `MemberAbsorbed` took them in (until an unmerge)."""
    erased: bool = False
    """The member's personal data was erased (`PersonalDataErased`): no name, identifiers, consent or card."""

    # --- balances ---------------------------------------------------------------------------------
    # Cached per state: a state never changes, and a command reads these several times.
    @cached_property
    def points_available(self) -> int:
        return sum(lot.remaining for lot in self.lots.values() if lot.pending_until is None) - self.debt

    @cached_property
    def points_pending(self) -> int:
        return sum(lot.remaining for lot in self.lots.values() if lot.pending_until is not None)

    @cached_property
    def points_reserved(self) -> int:
        return sum(r.points for r in self.reservations.values())

    @cached_property
    def next_due_at(self) -> datetime | None:
        """The earliest instant at which due work (release, expiry, timeout) has something to do."""
        instants = [r.hold_until for r in self.reservations.values()]
        for lot in self.lots.values():
            if lot.pending_until is not None:
                instants.append(lot.pending_until)
            elif lot.expires_at is not None and lot.remaining > 0:
                instants.append(lot.expires_at)
        instants += [v.expires_at for v in self.vouchers.values() if v.status == "issued" and v.expires_at]
        return min(instants) if instants else None

    def spendable_lots(self) -> list[Lot]:
        return sorted((lot for lot in self.lots.values() if not lot.is_pending and lot.remaining > 0),
                      key=Lot.expiry_key)

    def next_expiry(self) -> tuple[int, datetime] | None:
        """(points, instant) of the earliest expiry among the lots with points left (pending ones too)."""
        return self.first_expiry

    @cached_property
    def first_expiry(self) -> tuple[int, datetime] | None:
        dated = [lot for lot in self.lots.values() if lot.expires_at and lot.remaining > 0]
        if not dated:
            return None
        first = min(lot.expires_at for lot in dated)  # type: ignore[type-var]
        return sum(lot.remaining for lot in dated if lot.expires_at == first), first

    def points_expiring_by(self, at: datetime) -> int:
        """Points that will expire by `at` if nothing is spent first (for reminders)."""
        return sum(lot.remaining for lot in self.lots.values() if lot.expires_at is not None and lot.expires_at <= at)

    def identifier(self, kind: str) -> str | None:
        return next((value for k, value in self.identifiers if k == kind), None)


def new_lot_id(member: Member) -> str:
    # Zero-padded so that lot ids sort in earning order.
    return f"L{member.lot_counter + 1:08d}"


#: Marks a lot a merge moved in from a duplicate (`<lot id>~<duplicate id>`, loyalty_core/identity/merge_rules.py).
MOVED_MARK = "~"

#: How many of the newest lots an earn looks at for one to join: earns arrive in time order, so the lot an
#: earn can join is almost always among the last few (a purchase's pending lot may sit between two bonuses).
JOIN_LOOKBACK = 4


def lot_for_earn(member: Member, *, source: str, pending_until: datetime | None,
                 expires_at: datetime | None) -> str:
    """The lot new points go into: a recent lot earned the same way that is released and expires at the same
    instants, else a new one.

    Points in such lots can never be told apart again: spending, reserving, expiring and releasing treat
    them alike, and a refund takes them back the same way. Joining keeps the state small (a year of a
    regular's purchases under a yearly expiry is one lot instead of hundreds), so loads, snapshots and every
    command on a loyal member stay fast. `PointsEarned.lot_id` then names an existing lot, which the fold
    and the projections add to.

    A lot a merge moved in is never joined: an unmerge gives it back whole, and is refused once it changed."""
    for count, lot in enumerate(reversed(member.lots.values())):
        if count == JOIN_LOOKBACK:
            break
        if (lot.source == source and lot.pending_until == pending_until and lot.expires_at == expires_at
                and MOVED_MARK not in lot.lot_id):
            return lot.lot_id
    return new_lot_id(member)


def local_day(at: datetime) -> str:
    return at.astimezone(HCM).date().isoformat()


# --- the fold -------------------------------------------------------------------------------------


@singledispatch
def evolve(event: object, member: Member | None) -> Member:
    raise TypeError(f"no evolve rule for {type(event).__name__}")


_FIELDS = frozenset(f.name for f in fields(Member))
#: Each value cached on a state (`cached_property`) and the fields it is worked out from.
_DERIVED_FROM: dict[str, frozenset[str]] = {
    "points_available": frozenset({"lots", "debt"}), "points_pending": frozenset({"lots"}),
    "points_reserved": frozenset({"reservations"}), "next_due_at": frozenset({"reservations", "lots", "vouchers"}),
    "first_expiry": frozenset({"lots"}),
}
if set(_DERIVED_FROM) != {name for name, value in vars(Member).items() if isinstance(value, cached_property)}:
    raise AssertionError("every cached value of Member must say what it is worked out from (_DERIVED_FROM)")


def _bump(member: Member, event: ev.Event, **changes: Any) -> Member:
    """The next state: `member` with `changes` and the event's version.

    What `dataclasses.replace` gives, built from a copy of the old state's attributes instead of through
    the frozen class's `__init__` (an `object.__setattr__` per field, and a Python loop over the 30 fields to
    gather them): every event of every fold and every decision passes here, and replace was the largest
    single cost of folding a member (docs/benchmarks.md, issue 17). A value cached on the old state is kept
    only when none of the fields it is worked out from changed (a receipt, a tier or a profile change leaves
    the balances as they were): each is a walk over every lot, and a loyal member has hundreds."""
    if not changes.keys() <= _FIELDS:
        raise TypeError(f"Member has no field(s) {sorted(changes.keys() - _FIELDS)}")
    state = member.__dict__.copy()
    for name, inputs in _DERIVED_FROM.items():
        if name in state and not inputs.isdisjoint(changes):
            del state[name]
    state.update(changes)
    state["version"] = event.originator_version
    bumped = object.__new__(Member)
    object.__setattr__(bumped, "__dict__", state)
    return bumped


def _with_new_lot(before: Member, after: Member, lot: Lot | None, *, joined: bool = False) -> Member:
    """`after`, which is `before` with one lot added (None: none kept) and its debt settled, given the values
    `before` had worked out, moved by that one lot rather than walked again over every lot. Only what
    `before` had is given; the rest is worked out on first use as usual. With `joined`, `lot` holds only
    what an existing lot of the same release and expiry gained, which moves every value the same way."""
    known, moved = before.__dict__, after.__dict__
    if (before.reservations is not after.reservations or before.vouchers is not after.vouchers
            or (lot is not None and not joined and lot.lot_id in before.lots)):
        return after  # not one new lot alone: nothing is carried, all is worked out afresh on first use
    if "points_available" in known:
        added = lot.remaining if lot is not None and not lot.is_pending else 0
        moved["points_available"] = known["points_available"] + before.debt - after.debt + added
    if "points_pending" in known:
        moved["points_pending"] = known["points_pending"] + (lot.remaining if lot is not None and lot.is_pending
                                                             else 0)
    if "next_due_at" in known:
        due = None if lot is None else (lot.pending_until if lot.is_pending else
                                        lot.expires_at if lot.remaining > 0 else None)
        earlier = known["next_due_at"]
        moved["next_due_at"] = due if earlier is None else (earlier if due is None else min(earlier, due))
    if "first_expiry" in known:
        first = known["first_expiry"]
        if lot is None or lot.expires_at is None or lot.remaining <= 0:
            moved["first_expiry"] = first
        elif first is None or lot.expires_at < first[1]:
            moved["first_expiry"] = (lot.remaining, lot.expires_at)
        elif lot.expires_at == first[1]:
            moved["first_expiry"] = (first[0] + lot.remaining, first[1])
        else:
            moved["first_expiry"] = first
    return after


def _touch(member: Member, at: datetime) -> datetime:
    return at if member.last_activity_at is None or at > member.last_activity_at else member.last_activity_at


@evolve.register
def _(event: ev.MemberEnrolled, member: Member | None) -> Member:
    return Member(id=event.originator_id, version=event.originator_version, program_code=event.program_code,
                  enrolled_at=event.timestamp, tier=event.tier, name=event.name, birthday=event.birthday,
                  referred_by=event.referred_by,
                  consent=dict(event.consent), last_activity_at=event.timestamp,
                  last_tier_change_at=event.timestamp)


@evolve.register
def _(event: ev.IdentifierLinked, member: Member) -> Member:
    return _bump(member, event, identifiers=member.identifiers + ((event.kind, event.value),))


@evolve.register
def _(event: ev.IdentifierUnlinked, member: Member) -> Member:
    kept = tuple(pair for pair in member.identifiers if pair != (event.kind, event.value))
    return _bump(member, event, identifiers=kept)


@evolve.register
def _(event: ev.ProfileUpdated, member: Member) -> Member:
    known = {k: v for k, v in event.changes.items() if k in ("name", "birthday")}
    return _bump(member, event, **known)


@evolve.register
def _(event: ev.ConsentChanged, member: Member) -> Member:
    return _bump(member, event, consent={**member.consent, **event.changes})


@evolve.register
def _(event: ev.TierChanged, member: Member) -> Member:
    return _bump(member, event, tier=event.to_tier, last_tier_change_at=event.timestamp)


def _record_purchase(member: Member, occurred_at: datetime, spend: Decimal, points: int) -> dict[str, Any]:
    horizon = occurred_at - timedelta(days=HISTORY_DAYS)
    kept = member.purchases
    # Most purchases drop nothing from the window: found by one `min` (the rows are (time, ...) tuples, so
    # the least row has the earliest time), walking the rows in Python only when one falls out.
    if kept and min(kept)[0] < horizon:
        kept = tuple(p for p in kept if p[0] >= horizon)
    purchases = kept + ((occurred_at, spend, points),)
    return {"purchases": purchases, "purchase_count": member.purchase_count + 1}


def _add_stamps(member: Member, stamps_added: dict[str, int], stamps_used: dict[str, int] | None = None
                ) -> dict[str, int]:
    """Card progress after stamps were added and completed cards used some (or a refund took some back)."""
    stamps = dict(member.stamps)
    for card, count in stamps_added.items():
        stamps[card] = stamps.get(card, 0) + count
    for card, count in (stamps_used or {}).items():
        stamps[card] = stamps.get(card, 0) - count
    return stamps


@evolve.register
def _(event: ev.PointsEarned, member: Member) -> Member:
    added = event.points - event.debt_settled
    joined = member.lots.get(event.lot_id)
    if joined is None:
        lot = Lot(lot_id=event.lot_id, points=event.points, remaining=added, earned_at=event.occurred_at,
                  pending_until=event.pending_until, expires_at=event.expires_at, source=event.source,
                  reference=event.reference)
        kept = lot.remaining > 0 or lot.is_pending
        lots = {**member.lots, lot.lot_id: lot} if kept else dict(member.lots)
        gained = lot if kept else None
    else:
        # The earn joins an open lot with the same release and expiry (`lot_for_earn`): the lot grows.
        lots = {**member.lots, event.lot_id: replace(joined, points=joined.points + event.points,
                                                     remaining=joined.remaining + added)}
        gained = replace(joined, remaining=added)
    changes: dict[str, Any] = {"lots": lots, "debt": member.debt - event.debt_settled,
                               "lifetime_earned": member.lifetime_earned + event.points,
                               "lot_counter": member.lot_counter + 1,
                               "last_activity_at": _touch(member, event.occurred_at)}
    day = local_day(event.occurred_at)
    horizon = local_day(event.occurred_at - timedelta(days=DAILY_DAYS))
    changes["earned_by_day"] = {d: p for d, p in member.earned_by_day.items() if d >= horizon}
    changes["earned_by_day"][day] = changes["earned_by_day"].get(day, 0) + event.points
    if event.source == "purchase":
        changes.update(_record_purchase(member, event.occurred_at, event.qualifying_spend, event.points))
        changes["earnings"] = {**member.earnings, event.reference: Earning(
            event.reference, event.lot_id, event.points, event.qualifying_spend, event.currency)}
    if event.stamps_added or event.stamps_used:
        changes["stamps"] = _add_stamps(member, event.stamps_added, event.stamps_used)
    if event.activity_key:
        changes["activity_counts"] = {**member.activity_counts,
                                      event.activity_key: member.activity_counts.get(event.activity_key, 0) + 1}
    # The new lot is the only change to the lots: the balances worked out before move by it, instead of a
    # new walk over every lot (a lot dropped as empty changes nothing but the debt).
    return _with_new_lot(member, _bump(member, event, **changes), gained, joined=joined is not None)


@evolve.register
def _(event: ev.PurchaseRecorded, member: Member) -> Member:
    changes = _record_purchase(member, event.occurred_at, event.spend, 0)
    changes["earnings"] = {**member.earnings, event.transaction_ref: Earning(
        event.transaction_ref, None, 0, event.spend, event.currency)}
    changes["stamps"] = _add_stamps(member, event.stamps_added, event.stamps_used)
    changes["last_activity_at"] = _touch(member, event.occurred_at)
    return _bump(member, event, **changes)


@evolve.register
def _(event: ev.PendingPointsReleased, member: Member) -> Member:
    lot = member.lots[event.lot_id]
    released = replace(lot, pending_until=None, remaining=lot.remaining - event.debt_settled)
    lots = {**member.lots, lot.lot_id: released}
    if released.remaining <= 0:
        del lots[lot.lot_id]
    return _bump(member, event, lots=lots, debt=member.debt - event.debt_settled)


@evolve.register
def _(event: ev.EarnReversed, member: Member) -> Member:
    earning = member.earnings[event.transaction_ref]
    earnings = {**member.earnings, event.transaction_ref: replace(
        earning, refunded=earning.refunded + event.refund_amount,
        points_reversed=earning.points_reversed + event.points_reversed + event.shortfall,
        refund_refs=earning.refund_refs + (event.refund_ref,))}
    purchases = member.purchases + ((event.timestamp, -event.spend_reversed,
                                     -(event.points_reversed + event.shortfall)),)
    lots = _put_back(member.lots, [(lot_id, -pts) for lot_id, pts in event.lots])
    stamps = _add_stamps(member, {}, event.stamps_reversed) if event.stamps_reversed else member.stamps
    return _bump(member, event, lots=_drop_empty(lots, member, member.reservations), earnings=earnings,
                 debt=member.debt + event.debt_added, purchases=purchases, stamps=stamps,
                 lifetime_reversed=member.lifetime_reversed + event.points_reversed + event.debt_added)


@evolve.register
def _(event: ev.PointsReserved, member: Member) -> Member:
    reservation = Reservation(event.reservation_id, event.points, event.order_ref, event.hold_until,
                              tuple((lot_id, pts) for lot_id, pts in event.lots), event.channel, event.store_id)
    lots = _put_back(member.lots, [(lot_id, -pts) for lot_id, pts in event.lots])
    # A fully reserved lot stays in the state (remaining 0) so that a release can restore it.
    return _bump(member, event, lots=lots, reservations={**member.reservations, event.reservation_id: reservation})


def _drop_empty(lots: dict[str, Lot], member: Member, reservations: dict[str, Reservation]) -> dict[str, Lot]:
    """Forget spent lots, except those a reservation still holds points of (a release restores them)."""
    held = {lot_id for r in reservations.values() for lot_id, _ in r.lots}
    return {k: v for k, v in lots.items() if v.remaining > 0 or v.is_pending or k in held}


@evolve.register
def _(event: ev.ReservationCaptured, member: Member) -> Member:
    reservation = member.reservations[event.reservation_id]
    reservations = {k: v for k, v in member.reservations.items() if k != event.reservation_id}
    lots = _put_back(member.lots, event.released_lots)
    spent = _subtract_moves(reservation.lots, event.released_lots)
    redemption = Redemption(event.redemption_id, event.points, _with_expiry(member, spent))
    return _bump(member, event, reservations=reservations,
                 closed_reservations={**member.closed_reservations, event.reservation_id: "captured"},
                 lots=_drop_empty(lots, member, reservations),
                 redemptions={**member.redemptions, event.redemption_id: redemption},
                 lifetime_redeemed=member.lifetime_redeemed + event.points,
                 last_activity_at=_touch(member, event.timestamp))


def _put_back(lots: dict[str, Lot], moves: Iterable[Iterable[Any]]) -> dict[str, Lot]:
    new = dict(lots)
    for lot_id, points in moves:
        if lot_id in new:
            new[lot_id] = replace(new[lot_id], remaining=new[lot_id].remaining + points)
    return new


def _with_expiry(member: Member, moves: Iterable[Iterable[Any]]) -> tuple[tuple[str, int, datetime | None], ...]:
    return tuple((lot_id, pts, member.lots[lot_id].expires_at if lot_id in member.lots else None)
                 for lot_id, pts in moves)


def _subtract_moves(moves: Iterable[tuple[str, int]], minus: Iterable[Iterable[Any]]) -> tuple[tuple[str, int], ...]:
    left = dict(moves)
    for lot_id, points in minus:
        left[lot_id] = left.get(lot_id, 0) - points
    return tuple((lot_id, pts) for lot_id, pts in left.items() if pts > 0)


@evolve.register
def _(event: ev.ReservationReleased, member: Member) -> Member:
    reservations = {k: v for k, v in member.reservations.items() if k != event.reservation_id}
    lots = _put_back(member.lots, event.lots)
    return _bump(member, event, reservations=reservations, lots=_drop_empty(lots, member, reservations),
                 closed_reservations={**member.closed_reservations, event.reservation_id: event.reason})


@evolve.register
def _(event: ev.PointsRedeemed, member: Member) -> Member:
    redemption = Redemption(event.redemption_id, event.points, _with_expiry(member, event.lots))
    lots = _put_back(member.lots, [(lot_id, -pts) for lot_id, pts in event.lots])
    return _bump(member, event, lots=_drop_empty(lots, member, member.reservations),
                 redemptions={**member.redemptions, event.redemption_id: redemption},
                 lifetime_redeemed=member.lifetime_redeemed + event.points,
                 last_activity_at=_touch(member, event.timestamp))


@evolve.register
def _(event: ev.RedemptionReversed, member: Member) -> Member:
    redemption = member.redemptions[event.redemption_id]
    lots = dict(member.lots)
    for lot_id, points, expires_at in event.lots:
        if lot_id in lots:
            lots[lot_id] = replace(lots[lot_id], remaining=lots[lot_id].remaining + points)
        else:  # the lot was spent to nothing and forgotten: bring it back with its original expiry
            lots[lot_id] = Lot(lot_id, points, points, event.timestamp, None, expires_at, "restored",
                               event.redemption_id)
    return _bump(member, event, lots=lots,
                 redemptions={**member.redemptions, event.redemption_id: replace(redemption, reversed=True)},
                 lifetime_redeemed=member.lifetime_redeemed - event.points)


@evolve.register
def _(event: ev.PointsAdjusted, member: Member) -> Member:
    changes: dict[str, Any] = {"lifetime_adjusted": member.lifetime_adjusted + event.delta,
                               "lot_counter": member.lot_counter + (1 if event.lot_id else 0)}
    if event.delta > 0 and event.lot_id:
        remaining = event.delta - event.debt_settled
        lot = Lot(event.lot_id, event.delta, remaining, event.timestamp, None, event.expires_at,
                  "adjustment", event.reason)
        changes["lots"] = {**member.lots, lot.lot_id: lot} if remaining > 0 else dict(member.lots)
        changes["debt"] = member.debt - event.debt_settled
    else:
        lots = _put_back(member.lots, [(lot_id, -pts) for lot_id, pts in event.lots])
        changes["lots"] = _drop_empty(lots, member, member.reservations)
    return _bump(member, event, **changes)


@evolve.register
def _(event: ev.PointsExpired, member: Member) -> Member:
    lots = _put_back(member.lots, [(event.lot_id, -event.points)])
    return _bump(member, event, lots=_drop_empty(lots, member, member.reservations),
                 lifetime_expired=member.lifetime_expired + event.points)


@evolve.register
def _(event: ev.VoucherIssued, member: Member) -> Member:
    voucher = Voucher(event.voucher_code, event.reward_id, "issued", event.expires_at, event.redemption_id)
    return _bump(member, event, vouchers={**member.vouchers, voucher.code: voucher})


@evolve.register
def _(event: ev.VoucherUsed, member: Member) -> Member:
    voucher = replace(member.vouchers[event.voucher_code], status="used")
    return _bump(member, event, vouchers={**member.vouchers, voucher.code: voucher},
                 last_activity_at=_touch(member, event.timestamp))


@evolve.register
def _(event: ev.VoucherCancelled, member: Member) -> Member:
    status = "expired" if event.reason == "expired" else "cancelled"
    voucher = replace(member.vouchers[event.voucher_code], status=status)
    return _bump(member, event, vouchers={**member.vouchers, voucher.code: voucher})


@evolve.register
def _(event: ev.CardSecretIssued, member: Member) -> Member:
    return _bump(member, event, card_secret_id=event.secret_id)


@evolve.register
def _(event: ev.PersonalDataErased, member: Member) -> Member:
    return _bump(member, event, name=None, birthday=None, identifiers=(), consent={}, card_secret_id=None,
                 erased=True)


def project_member(initial: Member | None, events: Iterable[ev.Event]) -> Member | None:
    member = initial
    for event in events:
        member = evolve(event, member)
    return member


# The merge events' fold rules live beside the merge (registered on `evolve` when imported).
from loyalty_core import merge_fold  # noqa: E402,F401
