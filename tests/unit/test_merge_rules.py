"""The merge decision on its own (no store): what it refuses, what it writes on each member, and each thing that
blocks an unmerge, named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from loyalty_core import decide
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.decide import Cause, Change
from loyalty_core.identity import merge_rules as rules

NOW = datetime(2026, 3, 1, 3, 0, tzinfo=UTC)
CAUSE = Cause("console", None, "staff-1")


def member(phone: str, program: str = "CPSG", points: int = 0, **extra):
    change = Change(None, NOW, CAUSE, member_id=uuid4())
    change.add(ev.MemberEnrolled, program_code=program, tier=extra.pop("tier", "member"), name=None, birthday=None,
               consent={})
    change.add(ev.IdentifierLinked, kind="phone", value=phone)
    if points:
        decide.earn(change, points=points, source="purchase", reference=f"pos/HD-{phone[-4:]}", occurred_at=NOW,
                    pending_until=None, expires_at=NOW + timedelta(days=60), qualifying_spend=Decimal(points * 1000),
                    stamps_added={"coffee": 4})
    return change.current


def merged(survivor, duplicate, tier_after=None):
    s, m = Change(survivor, NOW, CAUSE), Change(duplicate, NOW, CAUSE)
    claims = {pair: str(ids.claim_id(*pair)) for pair in duplicate.identifiers}
    points = rules.decide_merge(s, m, reason="dup", tier_after=tier_after or survivor.tier, claim_ids=claims)
    return s, m, points


def blockers(s: Change, linked=None):
    absorbed = next(e for e in s.events if isinstance(e, ev.MemberAbsorbed))
    by_claim = {str(ids.claim_id(*pair)): pair for pair in s.current.identifiers}
    return rules.unmerge_blockers(s.current, absorbed, linked or (lambda kind, claim: by_claim.get(claim)), NOW)


def test_the_merge_writes_the_moves_on_both_members_in_order():
    survivor, duplicate = member("+84901234567", points=10), member("+84912345678", points=70, tier="gold")
    s, m, points = merged(survivor, duplicate, tier_after="gold")
    assert points == 70
    assert [type(e).__name__ for e in m.events] == ["IdentifierUnlinked", "MemberMergedInto"]
    assert [type(e).__name__ for e in s.events] == ["MemberAbsorbed", "IdentifierLinked"]
    absorbed = s.events[0]
    assert absorbed.moved["lots"][0]["lot_id"] == "L00000001" + rules.suffix(duplicate.id)
    assert absorbed.moved["identifiers"] == [["phone", str(ids.claim_id("phone", "+84912345678"))]]
    assert "+84912345678" not in str(absorbed.moved)  # identifier values travel only in IdentifierLinked
    assert s.current.tier == "gold" and s.current.last_tier_change_at == NOW
    assert s.current.stamps == {"coffee": 8} and s.current.points_available == 80


@pytest.mark.parametrize("case, error", [
    ("self", rules.MergeIntoSelf), ("program", rules.MergeProgramMismatch), ("held", rules.MergeOpenReservations),
    ("same sale", rules.MergeConflict)])
def test_refusals(case, error):
    survivor = member("+84901234567", points=10)
    duplicate = {"self": survivor, "program": member("+84912345678", program="OTHER"),
                 "same sale": member("+84901234567", points=5)}.get(case) or member("+84912345678", points=50)
    if case == "held":
        change = Change(duplicate, NOW, CAUSE)
        decide.reserve(change, reservation_id="rsv_1", points=20, order_ref="POS-1", hold_until=NOW + timedelta(1))
        duplicate = change.current
    with pytest.raises(error):
        merged(survivor, duplicate)


def test_merged_members_and_chains_are_refused():
    a, b, c = member("+84901234567"), member("+84912345678"), member("+84923456789")
    s, m, _ = merged(a, b)
    with pytest.raises(rules.MemberAlreadyMerged):
        merged(c, m.current)  # the same duplicate again
    with pytest.raises(rules.MemberAlreadyMerged):
        merged(m.current, c)  # into a member that was merged away
    with pytest.raises(rules.MergeChain) as chain:
        merged(c, s.current)  # A has absorbed B: A into C is refused
    assert chain.value.details["absorbed"] == [str(b.id)]


def test_each_thing_used_since_the_merge_blocks_the_unmerge_and_is_named():
    survivor = member("+84901234567", points=10)
    change = Change(member("+84912345678", points=100), NOW, CAUSE)
    change.add(ev.VoucherIssued, voucher_code="VABC", reward_id="free-drink", redemption_id=None, expires_at=None)
    s, _, _ = merged(survivor, change.current)
    assert blockers(s) == []
    s.add(ev.VoucherUsed, voucher_code="VABC", order_ref="O-1")
    decide.redeem(s, redemption_id="r1", points=105, order_ref="O-2")
    decide.reverse_earn(s, transaction_ref="pos/HD-5678", refund_ref="R1", refund_amount=Decimal(1000),
                        points=0, spend_reversed=Decimal(1000), policy=decide.ShortfallPolicy(),
                        stamps_reversed={"coffee": 6})  # 8 - 6 < the 4 that moved
    found = blockers(s, linked=lambda kind, claim: None)  # and the phone was unlinked meanwhile
    assert {(b["what"], b["problem"]) for b in found} == {("voucher", "used"), ("lot", "spent"),
                                                          ("identifier", "unlinked"), ("purchase", "refunded"),
                                                          ("stamps", "used")}
