"""The read side's decoder revives the library's tagged values exactly as the library's transcoder does."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from uuid import UUID

import orjson
from eventsourcing.persistence import DatetimeAsISO, DecimalAsStr, JSONTranscoder, UUIDAsHex
from hypothesis import given, settings
from hypothesis import strategies as st

from projections.codec import _revive

SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-10**12, 10**12), st.text(max_size=8),
    st.datetimes(timezones=st.just(timezone.utc)),
    st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**9, max_value=10**9),
    st.uuids(),
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=4)),
    max_leaves=20)


def transcoder() -> JSONTranscoder:
    coder = JSONTranscoder()
    for transcoding in (UUIDAsHex(), DecimalAsStr(), DatetimeAsISO()):
        coder.register(transcoding)
    return coder


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=6), VALUES, max_size=6))
def test_reviving_orjsons_parse_gives_what_the_librarys_transcoder_decodes(state):
    coder = transcoder()
    encoded = coder.encode(state)
    assert _revive(orjson.loads(encoded)) == coder.decode(encoded)


def test_tagged_values_inside_lists_and_alone_are_revived():
    moves = orjson.loads(transcoder().encode({"lots": [["L1", 5, datetime(2027, 1, 1, tzinfo=timezone.utc)]]}))
    assert _revive(moves["lots"]) == [["L1", 5, datetime(2027, 1, 1, tzinfo=timezone.utc)]]
    assert _revive({"_type_": "uuid_hex", "_data_": "0" * 32}) == UUID(int=0)
    assert _revive({"_type_": "decimal_str", "_data_": "1.50"}) == Decimal("1.50")
