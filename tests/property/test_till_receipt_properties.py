"""Properties of receipts as tills send them, and of amounts as cashiers type them (issue #11).

- Lines scaled to the money paid add up to exactly what was paid, so a receipt earns what its total would earn
  alone (no đồng lost to rounding per line), never more than the goods, and says so in one zero-point line.
- A receipt whose explicit parts add up is always accepted; one whose parts do not is always refused.
- Whatever grouping a cashier uses for a whole number of đồng, the CLI reads that number; a decimal is refused.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from uuid import uuid4

import pytest
import typer
from babel.numbers import format_decimal
from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty_cli.amounts import parse_vnd
from loyalty_core import commands as c
from loyalty_core import program as prog
from loyalty_core import till_receipt
from loyalty_core.program.definition import dry_run
from loyalty_core.program.earning import scale_to_paid

AT = datetime(2025, 6, 3, 3, 0, tzinfo=timezone.utc)  # a Tuesday
PROGRAM, _ = dry_run({"settings": {"code": "T", "name": "T", "currency": "VND", "point_value": "100"},
                      "rules": [{"kind": "points_per_amount", "rule_id": "base", "priority": 1, "points": 1,
                                 "per_amount": "10000"}]}, uuid4(), datetime(2025, 1, 1, tzinfo=timezone.utc), "t")
FACTS = prog.MemberFacts(member_id=uuid4(), tier="member", birthday_month=None, enrolled_at=AT)

amounts = st.integers(min_value=1, max_value=5_000_000).map(Decimal)


def purchase(total: Decimal, lines: list[Decimal], **extra: object) -> c.RecordPurchase:
    return c.RecordPurchase(idempotency_key="k", member=c.MemberRef(phone="0901234567"), transaction_ref="T-1",
                            total=total, lines=tuple(c.PurchaseLineInput(sku=f"S{n}", amount=a, unit_price=a)
                                                     for n, a in enumerate(lines)), **extra)  # type: ignore[arg-type]


def earned(command: c.RecordPurchase) -> prog.EarnDecision:
    return prog.evaluate_purchase(till_receipt.purchase_model(command, AT), PROGRAM, FACTS, {})


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=-2_000_000, max_value=5_000_000).map(Decimal), min_size=1, max_size=12),
       st.integers(min_value=0, max_value=50_000_000).map(Decimal))
def test_scaled_lines_add_up_to_exactly_the_money_paid_and_never_exceed_a_line(lines, paid):
    scaled = scale_to_paid(lines, paid)
    gross = sum((max(a, Decimal(0)) for a in lines), Decimal(0))
    assert sum(scaled, Decimal(0)) == min(paid, gross)
    assert all(Decimal(0) <= s <= max(a, Decimal(0)) for s, a in zip(scaled, lines))


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=8), st.data())
def test_a_receipt_earns_what_the_money_paid_earns_and_explains_the_rest(lines, data):
    gross = sum(lines, Decimal(0))
    paid = Decimal(data.draw(st.integers(min_value=0, max_value=int(gross))))
    command = purchase(paid, lines)
    decision = earned(command)
    assert decision.points == earned(purchase(paid, [])).points == int(paid // 10_000)
    explained = till_receipt.paid_share_line(command, till_receipt.purchase_model(command, AT), PROGRAM)
    assert (explained is not None) == (paid < gross)
    if explained is not None:
        assert explained.points == 0 and explained.description_vi and explained.description_en


@settings(max_examples=200, deadline=None)
@given(st.lists(amounts, min_size=1, max_size=6), st.integers(min_value=0, max_value=500),
       st.integers(min_value=0, max_value=200_000).map(Decimal), st.integers(min_value=-3, max_value=3))
def test_explicit_parts_are_accepted_exactly_when_they_add_up(lines, points_used, discount, off_by):
    gross = sum(lines, Decimal(0))
    paid = gross - discount - PROGRAM.point_value * points_used + off_by
    if paid < 0:
        return
    command = purchase(paid, lines, points_used=points_used or None, discount=discount)
    model = till_receipt.purchase_model(command, AT)
    if off_by == 0:
        till_receipt.paid_share_line(command, model, PROGRAM)
    else:
        with pytest.raises(till_receipt.ReceiptDoesNotAddUp):
            till_receipt.paid_share_line(command, model, PROGRAM)


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12), st.sampled_from(["vi_VN", "en_US"]),
       st.sampled_from(["", " ₫", "₫", " đ", " VND", "đ"]))
def test_any_grouping_of_whole_dong_reads_as_that_number(value, locale, suffix):
    written = format_decimal(value, locale=locale) + suffix
    assert parse_vnd(written) == value


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=1, max_value=99),
       st.sampled_from([",", "."]))
def test_a_decimal_amount_is_refused_not_rounded(whole, fraction, mark):
    written = f"{whole}{mark}{fraction}"
    if len(str(fraction)) == 3:  # "1.500" is grouping, not a decimal
        return
    with pytest.raises(typer.Exit):
        parse_vnd(written)
