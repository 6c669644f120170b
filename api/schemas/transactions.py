"""Purchases and refunds: what a till pushes after a sale, and what it earned."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from api.deps import Acting
from api.schemas.common import (
    BalanceOut,
    Channel,
    InvoiceLookupCode,
    Money,
    Points,
    Ref,
    Strict,
    Timestamp,
    Where,
)
from api.schemas.members import MemberRefIn
from api.schemas.points import RuleLine, rule_lines
from loyalty_core import commands as c
from loyalty_core.money import parse_money
from loyalty_core.results import EarnResult, RefundResult

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Code = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[\x21-\x7e]+$")]
#: A line amount: negative for a discount line printed on the receipt ("-10000").
SignedMoney = Annotated[
    str,
    StringConstraints(pattern=r"^-?([0-9]{1,14}([.,][0-9]{1,4})?|[0-9]{1,3}([.,][0-9]{3}){1,4})$", max_length=20),
    Field(description='A decimal string; negative for a discount line: "-10000"', examples=["45000", "-10000"]),
]


class PurchaseLine(Strict):
    sku: Code
    category: Code | None = None
    quantity: int = Field(1, ge=1, le=100_000)
    unit_price: SignedMoney = "0"
    amount: SignedMoney
    """What was paid for the line after its own discounts; a negative line is a discount on the receipt."""

    def to_input(self, currency: str, n: int) -> c.PurchaseLineInput:
        return c.PurchaseLineInput(
            sku=self.sku,
            category=self.category,
            quantity=self.quantity,
            # As written: the ledger parses them in the purchase's currency, keeping a discount line's sign.
            unit_price=self.unit_price,  # type: ignore[arg-type]
            amount=self.amount,  # type: ignore[arg-type]
        )


class PurchaseRequest(Where):
    transaction_ref: Ref
    member: MemberRefIn | None = None
    """Left out for a sale with no member: it is held under its receipt number for `tích điểm sau`."""
    occurred_at: Timestamp | None = None
    currency: Currency = "VND"
    total: Money
    """What the shopper paid in money. Below the lines' sum, every line is scaled down by the same share."""
    lines: list[PurchaseLine] = Field(default_factory=list, max_length=500)
    points_used: Points | None = None
    """Points that paid part of the order: they earn nothing (lines − discount − points' value = total)."""
    discount: Money | None = None
    """Money taken off the whole order."""
    invoice_lookup_code: InvoiceLookupCode | None = None
    """The e-invoice's lookup code (mã tra cứu) printed on the bill: a sale with no member can then be claimed
    by it as well as by `transaction_ref`. One code names one sale."""

    def to_command(self, acting: Acting) -> c.RecordPurchase:
        # A purchase's idempotency key is its transaction ref: the ledger keys it by channel + ref.
        # Money is checked by the ledger's own rules (the currency's decimals, the ceiling) before anything.
        return c.RecordPurchase(
            idempotency_key=self.transaction_ref,
            member=self.member.to_ref() if self.member is not None else c.MemberRef(),
            transaction_ref=self.transaction_ref,
            total=parse_money(self.total, self.currency, field="total"),
            currency=self.currency,
            occurred_at=self.occurred_at,
            lines=tuple(line.to_input(self.currency, n) for n, line in enumerate(self.lines)),
            points_used=self.points_used,
            discount=self.discount,  # type: ignore[arg-type]
            invoice_lookup_code=self.invoice_lookup_code,
            **acting.fields(),
        )


class PurchaseOut(BaseModel):
    transaction_ref: str
    member_id: UUID
    points_earned: int
    breakdown: list[RuleLine]
    vouchers: list[str]
    balance: BalanceOut

    @classmethod
    def of(cls, transaction_ref: str, r: EarnResult) -> PurchaseOut:
        return cls(
            transaction_ref=transaction_ref,
            member_id=r.member_id,
            points_earned=r.points_earned,
            breakdown=rule_lines(r.breakdown),
            vouchers=list(getattr(r, "vouchers", []) or []),
            balance=BalanceOut.of(r.balance),
        )


class RefundLine(Strict):
    sku: Code
    quantity: int = Field(1, ge=1, le=100_000)


class RefundRequest(Where):
    refund_ref: Ref
    amount: Money
    purchase_channel: Channel | None = None
    """The channel the purchase came from, when it differs from the refund's (bought online, returned)."""
    lines: list[RefundLine] = Field(default_factory=list, max_length=500)
    """The returned lines, when the till knows them: the refund takes back exactly what they earned."""

    def to_command(self, transaction_ref: str, key: str, acting: Acting) -> c.RefundPurchase:
        return c.RefundPurchase(
            idempotency_key=key,
            transaction_ref=transaction_ref,
            refund_ref=self.refund_ref,
            amount=self.amount,  # type: ignore[arg-type]  # parsed in the purchase's own currency
            purchase_channel=self.purchase_channel,
            lines=tuple(c.RefundLineInput(sku=line.sku, quantity=line.quantity) for line in self.lines),
            **acting.fields(),
        )


class RefundOut(BaseModel):
    transaction_ref: str
    refund_ref: str
    member_id: UUID
    points_reversed: int
    shortfall: int
    settled_by: str
    balance: BalanceOut

    @classmethod
    def of(cls, r: RefundResult) -> RefundOut:
        return cls(
            transaction_ref=r.transaction_ref,
            refund_ref=r.refund_ref,
            member_id=r.member_id,
            points_reversed=r.points_reversed,
            shortfall=r.shortfall,
            settled_by=r.settled_by,
            balance=BalanceOut.of(r.balance),
        )
