from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import orjson
import pytest
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


def test_unpacking_the_stored_text_pauses_the_collector_and_always_switches_it_back_on():
    import gc

    from loyalty_core.snapshot import unpack_text

    change = Change(with_lots((100, None, None), (20, 5, None)), T0, POS)
    text = orjson.dumps(pack(change.member)).decode()
    assert gc.isenabled()
    assert unpack_text(text) == change.member
    assert gc.isenabled()
    with pytest.raises(orjson.JSONDecodeError):
        unpack_text("{not json")
    assert gc.isenabled()  # back on after a failure too
    gc.disable()
    try:
        unpack_text(text)
        assert not gc.isenabled()  # someone else had paused it: left as they set it
    finally:
        gc.enable()
