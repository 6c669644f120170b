"""A till's receipt as it really is: what was bought, what was taken off, and what was paid in money.

Points are earned on money paid, never on the part of an order paid with points or taken off by a discount
(docs/program.md, "Qualifying spend"). A receipt can say so in three ways, all accepted:

- the lines add up to more than `total` (the money paid): every line is scaled down by the same share;
- negative lines (`{"sku": "KM-10", "amount": "-10000"}`): a discount printed on the receipt;
- explicit `discount` (money taken off the order) and `points_used` (points that paid part of it).

When the receipt names its parts explicitly they must add up (lines − discount − points' value = total), or
the sale is refused with `receipt_does_not_add_up` and the figures, rather than priced on a guess. Either
way, the earn carries one zero-point line saying, in Vietnamese and English, which money earned and which
did not. A sale for which no program was in force is still a sale: `no_program_line` explains its 0 points.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core import events as ev
from loyalty_core import program as prog
from loyalty_core.money import check_points, parse_money
from loyalty_core.program.model import format_vnd, format_vnd_en

MAX_LINES = 500
PAID_SHARE_RULE = "receipt-money-paid"
NO_PROGRAM_RULE = "no-program-in-force"


class ReceiptDoesNotAddUp(errors.InvalidInput):
    code = "receipt_does_not_add_up"
    message_vi = "Hóa đơn không khớp: tổng các dòng trừ giảm giá và điểm đã dùng phải bằng số tiền đã trả."


def _signed_money(value: Any, currency: str, field: str) -> Decimal:
    """A line amount: negative for a discount line, checked like any other amount otherwise."""
    negative = isinstance(value, str) and value.strip().startswith("-") or \
        isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value < 0
    if not negative:
        return parse_money(value, currency, field=field)
    magnitude = value.strip()[1:] if isinstance(value, str) else -value
    return -parse_money(magnitude, currency, field=field, allow_zero=False)


def purchase_model(c: cmd.RecordPurchase, occurred_at: Any) -> prog.Purchase:
    """The engine's purchase from a till's command; lines keep their sign (discount lines are negative)."""
    if not isinstance(c.transaction_ref, str) or not c.transaction_ref.strip() or len(c.transaction_ref) > 500:
        raise errors.InvalidInput("transaction_ref is required", field="transaction_ref")
    total = parse_money(c.total, c.currency, field="total")
    if len(c.lines) > MAX_LINES:
        raise errors.InvalidInput(f"a receipt has at most {MAX_LINES} lines", field="lines")
    lines = []
    for i, line in enumerate(c.lines):
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or not 0 < line.quantity <= 10_000:
            raise errors.InvalidInput(f"lines[{i}].quantity must be 1 to 10000", field=f"lines[{i}].quantity")
        if not isinstance(line.sku, str) or not line.sku.strip() or len(line.sku) > 500:
            raise errors.InvalidInput(f"lines[{i}].sku is required", field=f"lines[{i}].sku")
        lines.append(prog.PurchaseLine(
            sku=line.sku, category=line.category, quantity=line.quantity,
            unit_price=_signed_money(line.unit_price, c.currency, f"lines[{i}].unit_price"),
            amount=_signed_money(line.amount, c.currency, f"lines[{i}].amount")))
    if lines and sum(line.amount for line in lines) < 0:
        raise ReceiptDoesNotAddUp("the discount lines take off more than the goods cost", field="lines")
    if c.points_used is not None:
        check_points(c.points_used, field="points_used")
    if c.discount is not None:
        parse_money(c.discount, c.currency, field="discount")
    return prog.Purchase(transaction_ref=c.transaction_ref, channel=c.channel, store_id=c.store_id,
                         occurred_at=occurred_at, currency=c.currency, total=total, lines=tuple(lines))


def _money(amount: Decimal, currency: str) -> tuple[str, str]:
    if currency == "VND":
        return format_vnd(amount), format_vnd_en(amount)
    return f"{amount} {currency}", f"{amount} {currency}"


def paid_share_line(c: cmd.RecordPurchase, purchase: prog.Purchase,
                    program: prog.ProgramState | None) -> prog.RuleLine | None:
    """Check an explicit breakdown adds up, and explain the part of the order that earned nothing.

    None when the whole of the goods was paid in money (nothing to explain)."""
    gross = sum((line.amount for line in purchase.lines if line.amount > 0), Decimal(0))
    line_discounts = -sum((line.amount for line in purchase.lines if line.amount < 0), Decimal(0))
    order_discount = parse_money(c.discount, c.currency, field="discount") if c.discount is not None else Decimal(0)
    points_value = program.point_value * c.points_used if program is not None and c.points_used else Decimal(0)
    explicit = c.discount is not None or c.points_used is not None
    if explicit and purchase.lines and (program is not None or not c.points_used):
        expected = gross - line_discounts - order_discount - points_value
        if expected != purchase.total:
            raise ReceiptDoesNotAddUp(
                f"the lines ({gross - line_discounts}) less the discount ({order_discount}) and the points' value "
                f"({points_value}) come to {expected}, but total (the money paid) is {purchase.total}",
                field="total", expected_total=str(expected))
    if not explicit and (not purchase.lines or purchase.total >= gross):
        return None
    if purchase.lines and purchase.total >= gross:
        return None
    goods = gross if purchase.lines else purchase.total + order_discount + points_value
    parts_vi, parts_en = [], []
    for amount, vi, en in ((line_discounts, "giảm giá trên hóa đơn", "discount lines"),
                           (order_discount, "giảm giá đơn hàng", "order discount")):
        if amount > 0:
            money = _money(amount, c.currency)
            parts_vi.append(f"{vi} {money[0]}")
            parts_en.append(f"{en} {money[1]}")
    unexplained = goods - line_discounts - order_discount - points_value - purchase.total
    if c.points_used:
        # With no program in force the points have no value to check; the rest of the gap is what they paid.
        paid_with_points = points_value or max(unexplained, Decimal(0))
        unexplained = unexplained if points_value else Decimal(0)
        money = _money(paid_with_points, c.currency)
        parts_vi.append(f"{money[0]} trả bằng {c.points_used} điểm")
        parts_en.append(f"{money[1]} paid with {c.points_used} points")
    if unexplained > 0 and purchase.lines:
        money = _money(unexplained, c.currency)
        parts_vi.append(f"{money[0]} giảm giá hoặc trả bằng điểm")
        parts_en.append(f"{money[1]} discounted or paid with points")
    paid, of = _money(purchase.total, c.currency), _money(goods, c.currency)
    return prog.RuleLine(
        PAID_SHARE_RULE, 0,
        f"Tích điểm trên {paid[0]} trả bằng tiền của đơn {of[0]}; không tích điểm cho {'; '.join(parts_vi)}",
        f"Points are earned on the {paid[1]} paid in money of a {of[1]} order; none on {'; '.join(parts_en)}")


def record_unpriced(change: Any, purchase: prog.Purchase, reference: str, installed: bool,
                    *more: prog.RuleLine) -> list[dict[str, Any]]:
    """Record a sale no program can price: it counts toward visits and spend, earns 0, and says why."""
    breakdown = [line.to_dict() for line in (no_program_line(installed), *more)]
    change.add(ev.PurchaseRecorded, transaction_ref=reference, occurred_at=purchase.occurred_at,
               spend=purchase.total, currency=purchase.currency, program_version=0, breakdown=breakdown)
    return breakdown


def no_program_line(installed: bool) -> prog.RuleLine:
    """Why a sale earned nothing: no program was in force when it happened (or none is installed yet)."""
    if installed:
        return prog.RuleLine(NO_PROGRAM_RULE, 0,
                             "Không có chương trình khách hàng thân thiết nào áp dụng vào thời điểm mua hàng: "
                             "giao dịch được ghi nhận, không tích điểm",
                             "No program was in force at that time: the sale is recorded and earns no points")
    return prog.RuleLine(NO_PROGRAM_RULE, 0,
                         "Chưa có chương trình khách hàng thân thiết: giao dịch được ghi nhận, không tích điểm",
                         "No program is installed yet: the sale is recorded and earns no points")
