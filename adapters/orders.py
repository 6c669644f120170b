"""A platform's order payload read as a few neutral facts: an order was paid, refunded, or cancelled.

Shopify, Haravan and Sapo share one order shape (Haravan and Sapo copied Shopify's API): `orders/paid`
and `orders/cancelled` carry the order, `refunds/create` carries a refund with its `order_id`. WooCommerce
sends the whole order on `order.created` / `order.updated`, its `status` saying paid or cancelled and its
`refunds` listing every refund so far. KiotViet sends `invoice.update` notifications whose `Data` holds
invoices: `Status` 1 is completed, 2 cancelled.

A fact names the platform's own ids (order id → our `transaction_ref`, refund id → `refund_ref`), so a
replayed webhook becomes the same fact and the ledger's idempotency does the rest. Anything the reader
cannot use raises `PayloadUnreadable`, which the route answers 422 (never a 500).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from loyalty_core.identifiers import normalise_email, normalise_phone


VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


class PayloadUnreadable(ValueError):
    """The webhook's body is not an order, refund or invoice this adapter understands."""


@dataclass(frozen=True)
class Buyer:
    phone: str | None = None
    """E.164 (`+84901234567`), whatever spelling the shop stored."""
    email: str | None = None
    channel_id: str | None = None
    """The platform's customer id as a channel id (`kiotviet:KH000123`), when there is no phone."""


@dataclass(frozen=True)
class OrderPaid:
    order_ref: str
    total: Decimal
    currency: str
    buyer: Buyer
    occurred_at: datetime | None = None


@dataclass(frozen=True)
class OrderRefunded:
    order_ref: str
    refund_ref: str
    amount: Decimal


@dataclass(frozen=True)
class OrderCancelled:
    order_ref: str
    total: Decimal

    @property
    def refund_ref(self) -> str:
        return f"cancel-{self.order_ref}"


Fact = OrderPaid | OrderRefunded | OrderCancelled


@dataclass(frozen=True)
class Facts:
    items: list[Fact] = field(default_factory=list)
    ignored: str | None = None
    """Why nothing was read (a topic we don't use, an unpaid order): answered 200 so the platform stops."""


def _money(value: Any, what: str) -> Decimal:
    try:
        amount = abs(Decimal(str(value)))
    except (InvalidOperation, ValueError, TypeError):
        raise PayloadUnreadable(f"{what} is not an amount: {str(value)[:40]!r}") from None
    if not amount.is_finite() or amount > Decimal("1e14"):
        raise PayloadUnreadable(f"{what} is not a plausible amount")
    return amount


def _ref(value: Any, what: str) -> str:
    text = str(value if value is not None else "").strip()
    if not text or len(text) > 90 or not all(0x21 <= ord(ch) <= 0x7E for ch in text):
        raise PayloadUnreadable(f"{what} is missing or not a printable id")
    return text


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")[:32])
    except ValueError:
        return None
    # KiotViet writes shop-local times without an offset: a Vietnamese till's clock.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=VIETNAM)


def _phone(*candidates: Any) -> str | None:
    for raw in candidates:
        if isinstance(raw, str) and raw.strip():
            try:
                return normalise_phone(raw)
            except Exception:  # noqa: BLE001 - any unusable spelling: try the next field, then the email
                continue
    return None


def _email(*candidates: Any) -> str | None:
    for raw in candidates:
        if isinstance(raw, str) and "@" in raw:
            try:
                return normalise_email(raw)
            except Exception:  # noqa: BLE001 - an unusable address is no address
                continue
    return None


def _get(mapping: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(mapping, dict):
            return None
        mapping = mapping.get(key)
    return mapping


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise PayloadUnreadable("the body is not a JSON object")
    return payload


# --- Shopify, Haravan, Sapo ----------------------------------------------------------------------------------


def shopify_order_paid(order: Any) -> OrderPaid:
    order = _object(order)
    buyer = Buyer(
        phone=_phone(order.get("phone"), _get(order, "customer", "phone"), _get(order, "billing_address", "phone"),
                     _get(order, "shipping_address", "phone")),
        email=_email(order.get("email"), order.get("contact_email"), _get(order, "customer", "email")),
    )
    return OrderPaid(order_ref=_ref(order.get("id"), "order id"), total=_money(order.get("total_price"), "total_price"),
                     currency=str(order.get("currency") or "VND").upper()[:3], buyer=buyer,
                     occurred_at=_time(order.get("processed_at") or order.get("created_at")))


def shopify_refund(refund: Any) -> OrderRefunded:
    refund = _object(refund)
    amount = sum((_money(t.get("amount"), "transaction amount") for t in refund.get("transactions") or []
                  if isinstance(t, dict) and t.get("kind") == "refund" and t.get("status") in ("success", None)),
                 Decimal(0))
    return OrderRefunded(order_ref=_ref(refund.get("order_id"), "order_id"), refund_ref=_ref(refund.get("id"), "refund id"),
                         amount=amount)


def read_shopify_like(topic: str, payload: Any) -> Facts:
    """Shopify's topics; Haravan and Sapo use the same names and shapes."""
    payload = _object(payload)
    if topic in ("orders/paid",):
        return Facts([shopify_order_paid(payload)])
    if topic in ("orders/create", "orders/updated") and payload.get("financial_status") == "paid":
        return Facts([shopify_order_paid(payload)])
    if topic == "refunds/create":
        refund = shopify_refund(payload)
        return Facts([refund] if refund.amount > 0 else [], ignored=None if refund.amount > 0 else "refund of no money")
    if topic == "orders/cancelled":
        return Facts([OrderCancelled(order_ref=_ref(payload.get("id"), "order id"),
                                     total=_money(payload.get("total_price"), "total_price"))])
    return Facts(ignored=f"topic {topic[:60]!r} is not used")


# --- WooCommerce ---------------------------------------------------------------------------------------------

WOO_PAID = ("processing", "completed", "refunded")


def read_woocommerce(topic: str, payload: Any) -> Facts:
    """`order.created` / `order.updated` / `order.deleted`: the order as it now is, refunds included."""
    order = _object(payload)
    if not topic.startswith("order."):
        return Facts(ignored=f"topic {topic[:60]!r} is not used")
    order_ref = _ref(order.get("id"), "order id")
    status = order.get("status")
    if status == "cancelled" or topic == "order.deleted":
        return Facts([OrderCancelled(order_ref=order_ref, total=_money(order.get("total", 0), "total"))])
    if status not in WOO_PAID:
        return Facts(ignored=f"order status {str(status)[:30]!r} is not paid")
    billing = order.get("billing") or {}
    buyer = Buyer(phone=_phone(_get(billing, "phone"), _get(order, "shipping", "phone")), email=_email(_get(billing, "email")))
    facts: list[Fact] = [OrderPaid(order_ref=order_ref, total=_money(order.get("total"), "total"),
                                   currency=str(order.get("currency") or "VND").upper()[:3], buyer=buyer,
                                   occurred_at=_time(order.get("date_paid_gmt") and f"{order['date_paid_gmt']}Z"))]
    for refund in order.get("refunds") or []:
        if isinstance(refund, dict):
            facts.append(OrderRefunded(order_ref=order_ref, refund_ref=_ref(refund.get("id"), "refund id"),
                                       amount=_money(refund.get("total"), "refund total")))
    return Facts(facts)


# --- KiotViet ------------------------------------------------------------------------------------------------

KIOTVIET_COMPLETED, KIOTVIET_CANCELLED = 1, 2


def read_kiotviet(payload: Any) -> Facts:
    """`{"Id", "Attempt", "Notifications": [{"Action": "invoice.update.<retailer>", "Data": [invoice…]}]}`."""
    body = _object(payload)
    facts: list[Fact] = []
    for note in body.get("Notifications") or []:
        if not isinstance(note, dict) or not str(note.get("Action", "")).startswith("invoice.update"):
            continue
        for invoice in note.get("Data") or []:
            fact = _kiotviet_invoice(_object(invoice))
            if fact is not None:
                facts.append(fact)
    return Facts(facts, ignored=None if facts else "no completed or cancelled invoice")


def _kiotviet_invoice(invoice: dict[str, Any]) -> Fact | None:
    order_ref = _ref(invoice.get("Code") or invoice.get("Id"), "invoice Code")
    total = _money(invoice.get("TotalPayment", invoice.get("Total")), "TotalPayment")
    status = invoice.get("Status")
    if status == KIOTVIET_CANCELLED:
        return OrderCancelled(order_ref=order_ref, total=total)
    if status != KIOTVIET_COMPLETED:
        return None
    delivery = invoice.get("InvoiceDelivery") or {}
    code = invoice.get("CustomerCode")
    channel_id = f"kiotviet:{code}" if isinstance(code, str) and code.isascii() and code.isalnum() else None
    buyer = Buyer(phone=_phone(invoice.get("CustomerPhone"), _get(delivery, "ContactNumber")),
                  email=_email(invoice.get("CustomerEmail")), channel_id=channel_id)
    return OrderPaid(order_ref=order_ref, total=total, currency="VND", buyer=buyer,
                     occurred_at=_time(invoice.get("PurchaseDate")))
