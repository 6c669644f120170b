"""Events on an identifier's claim stream besides taking and releasing it: purchases held for it.

These live on the same stream (the claim's UUID5 id) as `ClaimTaken`, so holding a purchase and enrolling
the phone are ordered by one version counter: whichever writes second is refused by the store and decides
again, seeing the other. That is what makes "credited exactly once" hold when they race. The module and
class names are the stored topics: never move or rename them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from loyalty_core.events import Event


@dataclass(frozen=True, kw_only=True)
class PurchaseHeld(Event):
    """A finished sale for an identifier no member owns yet (or for no member at all: kind `receipt`)."""

    kind: str
    value: str
    channel: str
    store_id: str | None
    actor: str
    transaction_ref: str
    occurred_at: datetime
    total: Decimal
    currency: str = "VND"
    lines: list[dict[str, Any]] = field(default_factory=list)
    """[{sku, category, quantity, unit_price, amount}] with money as decimal strings."""


@dataclass(frozen=True, kw_only=True)
class HeldPurchasesClaimed(Event):
    """The held purchases a member took over, in the same transaction as the member's earn events."""

    kind: str
    value: str
    member_id: UUID
    credited: list[str]
    """References (`channel/transaction_ref`) credited to the member."""
    expired: list[str] = field(default_factory=list)
    """References held longer than the program allows: never credited."""


@dataclass(frozen=True, kw_only=True)
class ReceiptLookupCodeRecorded(Event):
    """An e-invoice lookup code names a sale held under its receipt: the first event of the code's own stream
    (kind `invoice_code`), so one code names one sale. Claiming by the code claims on the receipt's stream,
    which keeps "once, to one member" in one place whichever of the two the shopper types."""

    kind: str
    value: str
    """The lookup code as normalised (upper case, no spaces)."""
    channel: str
    transaction_ref: str
