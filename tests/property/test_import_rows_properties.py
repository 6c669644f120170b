"""Hostile spreadsheets: whatever a cell holds (text in any script, numbers, dates, blanks, control
characters), checking a file never raises; it gives typed rows or named problems, and a valid row's phone is
always E.164 and its points a non-negative int."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_core.migration import checks
from loyalty_core.migration.grants import check_grant_file

HEADER = ["Số điện thoại", "Họ tên", "Ngày sinh", "Điểm", "Hạng", "Hạn điểm", "email", "channel_id"]
TIERS = {"member": "member", "vang": "gold"}

cells = st.one_of(
    st.none(), st.text(max_size=30), st.integers(min_value=-10**15, max_value=10**15),
    st.decimals(allow_nan=True, allow_infinity=True, places=3), st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1, 1, 1)), st.datetimes(), st.booleans(),
    st.sampled_from([date(9999, 12, 31), datetime(1, 1, 1), datetime.max, date.min]),
    st.sampled_from(["0901234567", "01689123456", "+84 168 912 3456", "31/12/2099", "1.200", "Vàng",
                     "31/12/9999", "01/01/0001", "9999-12-31T23:59:59+14:00",
                     "zalo:123", "a@b.vn", "29/02/2023", "0", "-5", "1e9", "NaN", "\x00"]),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=10), max_size=8)


@settings(max_examples=300, deadline=None)
@given(rows)
def test_checking_a_member_file_never_raises_and_valid_rows_are_well_typed(lines):
    checked = checks.check_members(HEADER, lines, TIERS, date(2026, 1, 15))
    assert len(checked.rows) + len({p.row for p in checked.problems}) == checked.total
    for row in checked.rows:
        assert row.phone.startswith("+84") and isinstance(row.points, int) and row.points >= 0
        assert row.tier in (None, "member", "gold")
        assert row.points_expire_at is None or row.points_expire_at > datetime(2026, 1, 14, tzinfo=UTC)
    assert all(p.problem_vi for p in checked.problems)


@settings(max_examples=200, deadline=None)
@given(st.lists(cells, max_size=8), rows)
def test_any_header_and_any_purchase_or_grant_rows_are_checked_without_raising(header, lines):
    checks.check_members(header, lines, TIERS, date(2026, 1, 15))
    purchases = checks.check_purchases(["phone", "transaction_ref", "total", "occurred_at"], lines,
                                       datetime(2026, 1, 15, tzinfo=UTC))
    assert all(isinstance(r.total, Decimal) and r.total > 0 for r in purchases.rows)
    check_grant_file(["phone", "points"], lines)
    check_grant_file(header, lines)
