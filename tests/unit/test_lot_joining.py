"""Earns that can never be told apart join one lot, so a loyal member's state stays small.

Points earned the same way (source) that are released and expire at the same instants are spent, reserved,
released, expired and refunded alike; `lot_for_earn` puts them in one lot. The fold, the balance projection's
fold and the cached balances must all agree with a member worked out afresh, and a history written before
lots joined must replay exactly as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_core import decide
from loyalty_core import events as ev
from loyalty_core.decide import Cause, Change, ShortfallPolicy, apply_due
from loyalty_core.member import project_member
from loyalty_core.results import Balance
from projections import balance_fold

T0 = datetime(2026, 3, 1, 2, 0, tzinfo=timezone.utc)
POS = Cause("pos", "HCM-01", "key-1")
YEAR_END = datetime(2027, 12, 31, 16, 59, 59, tzinfo=timezone.utc)


def enrolled() -> Change:
    """A new member's change: its `events` are the member's whole history, enrolment first."""
    change = Change(None, T0, POS, member_id=uuid4())
    change.add(ev.MemberEnrolled, program_code="demo", tier="member", name="Lan", birthday=None, consent={})
    return change


def purchase(change: Change, ref: str, points: int, *, expires_at=YEAR_END, pending_until=None,
             source="purchase") -> ev.MemberEvent:
    return decide.earn(change, points=points, source=source, reference=ref, occurred_at=change.now,
                       pending_until=pending_until, expires_at=expires_at, qualifying_spend=Decimal(points * 1000))


def test_earns_with_the_same_source_release_and_expiry_join_one_lot():
    change = enrolled()
    first = purchase(change, "t1", 50)
    second = purchase(change, "t2", 30)
    third = purchase(change, "t3", 20)
    assert first.lot_id == second.lot_id == third.lot_id
    [lot] = change.member.lots.values()
    assert (lot.points, lot.remaining, lot.expires_at) == (100, 100, YEAR_END)
    assert change.member.points_available == 100
    # Each purchase still knows its lot, so a refund finds it.
    assert {e.lot_id for e in change.member.earnings.values()} == {first.lot_id}


def test_earns_that_differ_in_source_release_or_expiry_stay_apart():
    change = enrolled()
    purchase(change, "t1", 10)
    purchase(change, "t2", 10, expires_at=YEAR_END + timedelta(days=1))
    purchase(change, "t3", 10, pending_until=T0 + timedelta(days=7))
    purchase(change, "b1", 10, source="bonus")
    assert len(change.member.lots) == 4
    assert change.member.points_available == 30 and change.member.points_pending == 10


def test_balances_carried_across_a_join_equal_the_member_worked_out_afresh():
    change = enrolled()
    for n, points in enumerate((40, 25, 35)):
        change.member.points_available, change.member.first_expiry, change.member.next_due_at  # noqa: B018
        purchase(change, f"t{n}", points)
    purchase(change, "p1", 15, pending_until=T0 + timedelta(days=3))
    change.member.points_pending  # noqa: B018
    purchase(change, "p2", 5, pending_until=T0 + timedelta(days=3))
    carried = change.member
    fresh = project_member(None, change.events)
    assert Balance.of(carried) == Balance.of(fresh)
    assert carried.next_due_at == fresh.next_due_at == T0 + timedelta(days=3)
    assert carried.first_expiry == (120, YEAR_END) and carried.points_pending == 20  # pending ones too


def test_a_joined_lot_expires_whole_at_its_instant_and_not_a_second_before():
    change = enrolled()
    purchase(change, "t1", 60)
    purchase(change, "t2", 40)
    early = Change(change.member, YEAR_END - timedelta(seconds=1), POS)
    apply_due(early)
    assert early.events == []
    due = Change(change.member, YEAR_END, POS)
    apply_due(due)
    [expired] = due.events
    assert isinstance(expired, ev.PointsExpired) and expired.points == 100
    assert due.member.points_available == 0 and due.member.lots == {}


def test_pending_points_that_joined_are_released_together():
    change = enrolled()
    release = T0 + timedelta(days=7)
    purchase(change, "t1", 30, pending_until=release)
    purchase(change, "t2", 20, pending_until=release)
    due = Change(change.member, release, POS)
    apply_due(due)
    [released] = due.events
    assert isinstance(released, ev.PendingPointsReleased) and released.points == 50
    assert due.member.points_available == 50 and due.member.points_pending == 0


def test_a_refund_takes_back_only_its_own_purchase_from_the_joined_lot():
    change = enrolled()
    purchase(change, "t1", 50)
    purchase(change, "t2", 50)
    decide.redeem(change, redemption_id="r1", points=70, order_ref="o1")
    decide.reverse_earn(change, transaction_ref="t1", refund_ref="rf1", refund_amount=Decimal(50_000),
                        points=50, spend_reversed=Decimal(50_000), policy=ShortfallPolicy())
    reversed_ = change.events[-1]
    # 30 points were left in the lot: the refund takes them and records the other 20 as a shortfall.
    assert (reversed_.points_reversed, reversed_.shortfall) == (30, 20)
    assert change.member.points_available == 0
    assert change.member.earnings["t1"].points_reversed == 50


def test_an_earn_joining_a_lot_a_reservation_holds_keeps_the_hold_and_the_release_whole():
    change = enrolled()
    purchase(change, "t1", 40)
    decide.reserve(change, reservation_id="h1", points=40, order_ref="o", hold_until=T0 + timedelta(minutes=15))
    purchase(change, "t2", 10)
    assert change.member.points_available == 10 and change.member.points_reserved == 40
    decide.release(change, reservation_id="h1")
    assert change.member.points_available == 50 and len(change.member.lots) == 1


def test_a_history_whose_earns_never_joined_replays_as_it_was_written():
    # Written before lots joined: every earn made its own lot, with the same terms.
    change = enrolled()
    for n in range(3):
        change.add(ev.PointsEarned, lot_id=f"L{n + 1:08d}", points=10, source="purchase", reference=f"t{n}",
                   occurred_at=T0, pending_until=None, expires_at=YEAR_END)
    replayed = project_member(None, change.events)
    assert sorted(replayed.lots) == ["L00000001", "L00000002", "L00000003"]
    assert replayed.points_available == 30
    assert balance_fold.fold(change.events).balance() == Balance.of(replayed)


TERMS = st.sampled_from([
    ("purchase", None, YEAR_END), ("purchase", T0 + timedelta(days=7), YEAR_END),
    ("bonus", None, YEAR_END), ("purchase", None, None),
])


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(TERMS, st.integers(1, 500), st.integers(0, 3)), min_size=1, max_size=40))
def test_joined_lots_hold_what_apart_lots_would_and_the_balance_fold_agrees(steps):
    """Oracle: per (source, release, expiry), the points earned less what was spent from it. With no more
    kinds of lot than the look-back, each kind is exactly one lot; the balance projection's fold, the
    member's carried balances and a fresh fold all agree."""
    change = enrolled()
    for n, ((source, pending_until, expires_at), points, spend) in enumerate(steps):
        purchase(change, f"t{n}", points, source=source, pending_until=pending_until, expires_at=expires_at)
        change.member.points_available  # noqa: B018 (carry the balances across the next earn)
        if spend and change.member.points_available >= spend * 10:
            decide.redeem(change, redemption_id=f"r{n}", points=spend * 10, order_ref=f"o{n}")
    member = change.member
    kinds = {(lot.source, lot.pending_until, lot.expires_at) for lot in member.lots.values()}
    assert len(kinds) == len(member.lots)
    earned = sum(points for _, points, _ in steps)
    spent = sum(e.points for e in change.events if isinstance(e, ev.PointsRedeemed))
    assert member.points_available + member.points_pending == earned - spent
    fresh = project_member(None, change.events)
    folded = balance_fold.fold(change.events)
    assert Balance.of(member) == Balance.of(fresh) == folded.balance()



def test_an_earn_never_joins_a_lot_a_merge_brought_in_so_the_merge_can_still_be_undone():
    """A lot moved in by a merge is given back whole by an unmerge, which is refused once it changed: points
    of the survivor's own earned into it would block the unmerge (or leave with the duplicate)."""
    from loyalty_core.identity import merge_rules as rules

    duplicate, survivor = enrolled(), enrolled()
    purchase(duplicate, "d1", 50)
    purchase(survivor, "s1", 10, expires_at=YEAR_END + timedelta(days=1))
    s, m = Change(survivor.member, T0, POS), Change(duplicate.member, T0, POS)
    rules.decide_merge(s, m, reason="dup", tier_after="member", claim_ids={})
    moved = next(lot_id for lot_id in s.member.lots if "~" in lot_id)
    earned = purchase(s, "s2", 20)  # the moved lot's terms exactly
    assert earned.lot_id != moved and "~" not in earned.lot_id
    absorbed = next(e for e in s.events if isinstance(e, ev.MemberAbsorbed))
    assert rules.unmerge_blockers(s.member, absorbed, lambda kind, claim: None, T0) == []
    rules.decide_unmerge(s, m, absorbed, reason="no", identifiers=[])
    assert s.member.points_available == 30 and m.member.points_available == 50
