"""Merging, as a property of random histories (pure decisions, no store): a merge keeps the total of the two
balances and every lot's expiry and pending date; undoing it at once gives both members back exactly; spending
any moved point since blocks the undo and names the lot."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_core import decide
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.decide import Cause, Change
from loyalty_core.identity import merge_rules as rules

T0 = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
CAUSE = Cause("pos", "HCM-01", "till")

step = st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 500), st.integers(0, 3), st.integers(5, 400), st.booleans()),
    st.tuples(st.just("redeem"), st.integers(1, 300)),
    st.tuples(st.just("adjust"), st.integers(-200, 200)),
    st.tuples(st.just("voucher"), st.integers(1, 60)),
    st.tuples(st.just("tier"), st.sampled_from(["member", "silver", "gold"])),
)


def member(phone: str, steps: list, now: datetime, tag: str):
    change = Change(None, now, CAUSE, member_id=uuid4())
    change.add(ev.MemberEnrolled, program_code="CPSG", tier="member", name=None, birthday=None, consent={})
    for kind, value in (("phone", phone), ("member_code", f"code-{tag}")):
        change.add(ev.IdentifierLinked, kind=kind, value=value)
    for i, (op, *args) in enumerate(steps):
        current = change.current
        if op == "earn":
            points, stamps, days, pending = args
            decide.earn(change, points=points, source="purchase", reference=f"pos/{tag}-{i}", occurred_at=now,
                        pending_until=now + timedelta(days=3) if pending else None,
                        expires_at=now + timedelta(days=days), qualifying_spend=Decimal(points * 1000),
                        stamps_added={"coffee": stamps} if stamps else {})
        elif op == "redeem" and 0 < args[0] <= current.points_available:
            decide.redeem(change, redemption_id=f"r-{tag}-{i}", points=args[0], order_ref=f"o-{i}")
        elif op == "adjust" and args[0] and -args[0] <= current.points_available:
            decide.adjust(change, delta=args[0], reason="fix", expires_at=None)
        elif op == "voucher":
            change.add(ev.VoucherIssued, voucher_code=f"V{tag}{i}", reward_id="free-drink", redemption_id=None,
                       expires_at=now + timedelta(days=args[0]))
        elif op == "tier":
            decide.change_tier(change, to_tier=args[0], reason="manual")
    return change.current


def do_merge(survivor, duplicate, now, tier_after=None):
    s, m = Change(survivor, now, CAUSE), Change(duplicate, now, CAUSE)
    claims = {pair: str(ids.claim_id(*pair)) for pair in duplicate.identifiers}
    rules.decide_merge(s, m, reason="dup", tier_after=tier_after or survivor.tier, claim_ids=claims)
    return s, m


def unmerge(s: Change, m: Change):
    """Undo the merge `s` recorded, on the states as they are now: (blocking, survivor, duplicate)."""
    absorbed = next(e for e in s.events if isinstance(e, ev.MemberAbsorbed))
    survivor = s.current
    by_claim = {str(ids.claim_id(*pair)): pair for pair in survivor.identifiers}
    blocking = rules.unmerge_blockers(survivor, absorbed, lambda kind, claim: by_claim.get(claim), s.now)
    if blocking:
        return blocking, None, None
    pairs = [by_claim[claim] for _, claim in absorbed.moved["identifiers"]]
    rules.decide_unmerge(s, m, absorbed, reason="no", identifiers=pairs)
    return [], s.current, m.current


def total(*members) -> int:
    return sum(x.points_available + x.points_pending for x in members)


@settings(max_examples=60, deadline=None)
@given(st.lists(step, max_size=12), st.lists(step, max_size=12))
def test_a_merge_keeps_the_total_and_each_lots_expiry_and_an_immediate_unmerge_is_exact(a_steps, b_steps):
    survivor, duplicate = member("+84901234567", a_steps, T0, "a"), member("+84912345678", b_steps, T0, "b")
    now = T0 + timedelta(hours=1)
    s, m = do_merge(survivor, duplicate, now, tier_after=max(survivor.tier, duplicate.tier))
    s_after, m_after = s.current, m.current
    assert total(s_after, m_after) == total(survivor, duplicate)
    assert m_after.lots == {} and m_after.merged_into == survivor.id and total(m_after) == 0
    end = rules.suffix(duplicate.id)
    for lot in duplicate.lots.values():
        moved = s_after.lots[lot.lot_id + end]
        assert (moved.remaining, moved.expires_at, moved.pending_until, moved.earned_at) == \
            (lot.remaining, lot.expires_at, lot.pending_until, lot.earned_at)
    assert set(duplicate.identifiers) <= set(s_after.identifiers) and s_after.merged_into is None
    # An undo right away: both exactly as before (but for their versions).
    blocking, s_back, m_back = unmerge(s, m)
    assert blocking == []
    assert replace(s_back, version=0) == replace(survivor, version=0)
    assert replace(m_back, version=0) == replace(duplicate, version=0)


@settings(max_examples=40, deadline=None)
@given(st.lists(step, max_size=10), st.integers(1, 500))
def test_spending_a_moved_point_blocks_the_unmerge_and_names_the_lot(a_steps, points):
    survivor = member("+84901234567", a_steps, T0, "a")
    duplicate = member("+84912345678", [("earn", points, 0, 30, False)], T0, "b")
    s, m = do_merge(survivor, duplicate, T0 + timedelta(hours=1))
    decide.redeem(s, redemption_id="r-all", points=s.current.points_available, order_ref="o")  # all of it
    blocking, _, _ = unmerge(s, m)
    assert {"what": "lot", "id": "L00000001", "problem": "spent", "points": points, "left": 0} in blocking
