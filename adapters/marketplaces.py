"""Shopee, Lazada and Tiki order exports (CSV or .xlsx) as sales, through the import machinery.

The marketplaces send no webhooks to a shop's own systems and mask their buyers, so a chain downloads the
orders report from the seller centre and imports it: `loyalty import orders --marketplace shopee FILE`
or `POST /v1/integrations/shopee/orders`. Each completed order becomes a `RecordPurchase` on the
marketplace's channel, keyed by the marketplace's order id (importing the same report twice, or two
overlapping reports, records each order once). Cancelled and returned orders are left out.

The buyer is found by the phone in the report when it is a whole number; a masked one (`84******789`)
is no phone. With no usable phone the buyer's marketplace account (`shopee:<username>`) names them, so the
sale waits for whoever links that id; with neither, it waits under its order number (`tích điểm sau`).
Every sale for someone not (yet) a member is held by deferred matching (`unclaimed`), never refused.

Files are read by `loyalty_core.migration.files`, headers matched by `rows.map_headers` (any case, with or
without accents), rows run by `runner.run_commands` (resumable, idempotent, group commit). The reports list
one row per item: Shopee and Tiki repeat the order's total on each row (taken once), Lazada gives each
item's paid price (summed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Iterable

from loyalty_core import commands as c
from loyalty_core.migration import rows as r
from loyalty_core.migration.checks import Checked
from loyalty_core.migration.runner import ImportReport, RowOutcome, run_commands

MARKETPLACES = ("shopee", "lazada", "tiki")

COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "shopee": {"transaction_ref": ("Mã đơn hàng", "Order ID"),
               "occurred_at": ("Ngày đặt hàng", "Order Creation Date"),
               "status": ("Trạng Thái Đơn Hàng", "Order Status"),
               "total": ("Tổng giá trị đơn hàng (VND)", "Grand Total"),
               "phone": ("Số điện thoại", "Phone Number"),
               "buyer": ("Người Mua", "Username (Buyer)")},
    "lazada": {"transaction_ref": ("orderNumber", "Order Number"),
               "occurred_at": ("createTime", "Created at"),
               "status": ("status", "Status"),
               "total": ("paidPrice", "Paid Price"),
               "phone": ("shippingPhone", "Shipping Phone Number"),
               "buyer": ("customerEmail", "Customer Email")},
    "tiki": {"transaction_ref": ("Mã đơn hàng", "Order Code"),
             "occurred_at": ("Ngày đặt hàng", "Created Date"),
             "status": ("Trạng thái đơn hàng", "Order Status"),
             "total": ("Tổng tiền", "Grand Total"),
             "phone": ("Số điện thoại", "Phone"),
             "buyer": ("Mã khách hàng", "Customer ID")},
}
REQUIRED = ("transaction_ref", "occurred_at", "status", "total")
SUMMED_PER_ITEM = {"lazada"}
#: Statuses (folded: lower case, no accents) of an order that was paid for and kept.
COMPLETED = {"hoan thanh", "da giao", "giao hang thanh cong", "hoan tat", "completed", "delivered", "confirmed",
             "complete", "successful"}


@dataclass(frozen=True)
class MarketplaceOrder:
    row: int
    transaction_ref: str
    occurred_at: datetime
    total: Decimal
    phone: str | None
    buyer: str | None


def check_orders(marketplace: str, header: list[Any], lines: Iterable[list[Any]], now: datetime) -> Checked:
    """The completed orders of a report, one per order id; problems name row and column as the file does."""
    checked = Checked()
    columns, checked.problems = r.map_headers(header, COLUMNS[marketplace], REQUIRED)
    checked.labels = {name: str(header[index]).strip() for name, index in columns.items()}
    if checked.problems:
        return checked
    orders: dict[str, MarketplaceOrder] = {}
    for number, cells in enumerate(lines, start=2):
        if not any(cell is not None and str(cell).strip() for cell in cells):
            continue
        checked.total += 1
        order = _order(marketplace, number, list(cells), columns, checked, now)
        if order is None:
            continue
        first = orders.get(order.transaction_ref)
        if first is None:
            orders[order.transaction_ref] = order
        elif marketplace in SUMMED_PER_ITEM:
            orders[order.transaction_ref] = MarketplaceOrder(first.row, first.transaction_ref, first.occurred_at,
                                                              first.total + order.total, first.phone, first.buyer)
    checked.rows = list(orders.values())
    return checked


def _order(marketplace: str, number: int, cells: list[Any], columns: dict[str, int], checked: Checked,
           now: datetime) -> MarketplaceOrder | None:
    def cell(name: str) -> Any:
        return r._cell(cells, columns.get(name))

    def problem(name: str, text: str) -> None:
        checked.problems.append(r.Problem(number, checked.labels.get(name, name), text))

    if r.fold(str(cell("status") or "")) not in COMPLETED:
        return None  # cancelled, returned, still shipping: not a sale (yet)
    ref = str(cell("transaction_ref") or "").strip()
    if not 1 <= len(ref) <= 90 or not all(0x21 <= ord(ch) <= 0x7E for ch in ref):
        problem("transaction_ref", "Mã đơn hàng phải có 1 đến 90 ký tự, không dấu cách.")
        return None
    try:
        total = r.parse_money_vnd(cell("total"))
        occurred_at = r.parse_instant(cell("occurred_at"))
    except (ValueError, TypeError) as bad:
        problem("total" if "tiền" in str(bad) else "occurred_at", str(bad) or "Ô không đọc được.")
        return None
    if occurred_at > now or occurred_at.year < now.year - 10:
        problem("occurred_at", f"Ngày đặt hàng {occurred_at:%d/%m/%Y} không hợp lý.")
        return None
    return MarketplaceOrder(number, ref, occurred_at, total, _phone(cell("phone")), _buyer(marketplace, cell("buyer")))


def _phone(value: Any) -> str | None:
    try:
        return r.parse_phone(value) if value is not None else None
    except ValueError:
        return None  # masked (84******789) or not a phone: the buyer's account or the order number names them


def _buyer(marketplace: str, value: Any) -> str | None:
    text = str(value or "").strip()
    if not text or len(text) > 128 or not all(ch.isalnum() or ch in "._@-" for ch in text) or not text.isascii():
        return None
    return f"{marketplace}:{text}"


def order_command(marketplace: str, order: MarketplaceOrder, actor: str) -> c.RecordPurchase:
    member = c.MemberRef(phone=order.phone) if order.phone else (
        c.MemberRef(channel_id=order.buyer) if order.buyer else c.MemberRef())
    return c.RecordPurchase(idempotency_key=order.transaction_ref, member=member,
                            transaction_ref=order.transaction_ref, total=order.total, currency="VND",
                            occurred_at=order.occurred_at, channel=marketplace, actor=actor)


def import_orders(marketplace: str, service: Any, checked: Checked, *, workers: int = 16, actor: str = "import",
                  on_done: Callable[[RowOutcome], None] | None = None) -> ImportReport:
    commands = ((order.row, order_command(marketplace, order, actor)) for order in checked.rows)
    return run_commands(service, commands, workers=workers, on_done=on_done)
