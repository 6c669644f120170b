from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import orjson
from hypothesis import given, settings, strategies as st

from loyalty_core import decide
from loyalty_core.decide import Change
from loyalty_core.snapshot import pack, unpack
from tests.unit.test_member_decisions import POS, T0, with_lots


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 500), st.none() | st.integers(1, 400), st.none() | st.integers(1, 9)),
                min_size=1, max_size=12), st.integers(0, 3))
def test_a_packed_member_unpacks_to_the_same_state_through_json(lots, spend):
    member = with_lots(*lots)
    change = Change(member, T0, POS)
    if member.points_available > spend:
        decide.reserve(change, reservation_id="r", points=1, order_ref="o", hold_until=T0 + timedelta(hours=1))
        decide.reverse_earn(change, transaction_ref="t0", refund_ref="rf", refund_amount=Decimal(1), points=0,
                            spend_reversed=Decimal(1), policy=decide.ShortfallPolicy())
    assert unpack(orjson.loads(orjson.dumps(pack(change.member)))) == change.member


def test_a_snapshot_of_another_layout_is_ignored():
    assert unpack({"schema": 1}) is None
