"""Commands: one typed, immutable request per operation.

Each carries an idempotency key (for purchases the natural key is channel + transaction ref) and who sent
it. `request()` is the canonical body a receipt stores: a retry with the same body replays the original
result; the same key with another body is refused, naming the first field that differs.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

# The proof that the member is present (their card's rotating code) authorises a redemption but is not what
# it asks for: a retry after the code rotated must replay the original answer, not be refused as another body.
_NOT_PART_OF_REQUEST = {"idempotency_key", "idempotency_scope", "actor", "card_code", "presence_required"}


@dataclass(frozen=True, kw_only=True)
class MemberRef:
    """One way to name a member: by id or by any identifier it owns."""

    member_id: UUID | None = None
    phone: str | None = None
    email: str | None = None
    member_code: str | None = None
    qr_token: str | None = None
    channel_id: str | None = None

    def given(self) -> list[tuple[str, Any]]:
        return [(f.name, getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) is not None]


@dataclass(frozen=True, kw_only=True)
class Command:
    idempotency_key: str
    channel: str = "cli"
    store_id: str | None = None
    actor: str = "system"
    idempotency_scope: str | None = None
    """Whose keys these are (an API key id); the channel when not given."""

    @property
    def scope(self) -> str:
        return self.idempotency_scope or self.channel

    def request(self) -> dict[str, Any]:
        body = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_PART_OF_REQUEST}
        return _canonical(body)


def _canonical(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _canonical({f.name: getattr(value, f.name) for f in fields(value)})
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (Decimal, UUID)):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def first_difference(stored: dict[str, Any], given: dict[str, Any], prefix: str = "") -> str | None:
    """The dotted name of the first field whose value differs, for the idempotency_key_reused error."""
    for key in sorted(set(stored) | set(given)):
        a, b = stored.get(key), given.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            inner = first_difference(a, b, f"{prefix}{key}.")
            if inner:
                return inner
        elif a != b:
            return f"{prefix}{key}"
    return None


@dataclass(frozen=True, kw_only=True)
class EnrollMember(Command):
    phone: str
    email: str | None = None
    name: str | None = None
    birthday: str | None = None
    consent: dict[str, bool] = field(default_factory=dict)
    channel_customer_id: str | None = None
    program_code: str | None = None
    referred_by: MemberRef | None = None


@dataclass(frozen=True, kw_only=True)
class LinkIdentifier(Command):
    member: MemberRef
    kind: str
    value: str


@dataclass(frozen=True, kw_only=True)
class UnlinkIdentifier(Command):
    member: MemberRef
    kind: str
    value: str


@dataclass(frozen=True, kw_only=True)
class UpdateProfile(Command):
    member: MemberRef
    name: str | None = None
    birthday: str | None = None


@dataclass(frozen=True, kw_only=True)
class EraseMember(Command):
    """Erase a member's personal data (docs/privacy.md): claims released, data key destroyed."""

    member: MemberRef
    reason: str


@dataclass(frozen=True, kw_only=True)
class ChangeConsent(Command):
    member: MemberRef
    consent: dict[str, bool]
    source: str | None = None
    consent_text_version: str | None = None
    given_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class EarnPoints(Command):
    """Credit points directly (a goodwill bonus, a migration from paper cards): no rules run."""

    member: MemberRef
    points: int
    reference: str
    source: str = "bonus"
    occurred_at: datetime | None = None
    pending_until: datetime | None = None
    expires_at: datetime | None = None
    description: str = ""


@dataclass(frozen=True, kw_only=True)
class PurchaseLineInput:
    sku: str
    category: str | None = None
    quantity: int = 1
    unit_price: Decimal = Decimal(0)
    amount: Decimal = Decimal(0)


@dataclass(frozen=True, kw_only=True)
class RecordPurchase(Command):
    """A finished sale: the program's rules decide the points (as in force when it happened)."""

    member: MemberRef
    transaction_ref: str
    total: Decimal
    currency: str = "VND"
    occurred_at: datetime | None = None
    lines: tuple[PurchaseLineInput, ...] = ()
    points_used: int | None = None
    """Points that paid part of the order (they earn nothing; see `loyalty_core.till_receipt`)."""
    discount: Decimal | None = None
    """Money taken off the whole order; `total` stays what was paid in money."""
    invoice_lookup_code: str | None = None
    """The e-invoice's lookup code (mã tra cứu hoá đơn điện tử) printed on the bill: a sale with no member can
    be claimed later by it as well as by its receipt number (loyalty_core/identity/receipts.py)."""


@dataclass(frozen=True, kw_only=True)
class RecordActivity(Command):
    member: MemberRef
    kind: str
    reference: str
    occurred_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ReservePoints(Command):
    member: MemberRef
    points: int
    order_ref: str
    hold_seconds: int = 900
    order_total: Decimal | None = None
    """The order the points will pay part of: the program caps the share points may pay, as for a redemption."""
    card_code: str | None = None
    """The rotating code on the member's card: proof they are at the till (see `loyalty_core.presence`)."""
    presence_required: bool = False
    """Set by the caller's side (the API, for channel keys where the program asks it): refuse without proof."""


@dataclass(frozen=True, kw_only=True)
class CaptureReservation(Command):
    reservation_id: str
    points: int | None = None


@dataclass(frozen=True, kw_only=True)
class ReleaseReservation(Command):
    reservation_id: str


@dataclass(frozen=True, kw_only=True)
class RedeemPoints(Command):
    member: MemberRef
    order_ref: str
    points: int | None = None
    reward_id: str | None = None
    order_total: Decimal | None = None
    """With points: pay part of this order with points (the program caps the share points may pay)."""
    card_code: str | None = None
    """The rotating code on the member's card: proof they are at the till (see `loyalty_core.presence`)."""
    presence_required: bool = False
    """Set by the caller's side (the API, for channel keys where the program asks it): refuse without proof."""


@dataclass(frozen=True, kw_only=True)
class ReverseRedemption(Command):
    member: MemberRef
    redemption_id: str
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class RefundLineInput:
    """A returned line of a purchase: its SKU and how many units came back."""

    sku: str
    quantity: int = 1


@dataclass(frozen=True, kw_only=True)
class RefundPurchase(Command):
    transaction_ref: str
    refund_ref: str
    amount: Decimal
    purchase_channel: str | None = None
    """The channel the purchase came from, when it differs from the refund's."""
    lines: tuple[RefundLineInput, ...] = ()
    """The returned lines, when the till knows them: the refund then takes back what those lines earned."""


@dataclass(frozen=True, kw_only=True)
class AdjustPoints(Command):
    member: MemberRef
    points: int
    reason: str
    expires_at: datetime | None = None


@dataclass(frozen=True, kw_only=True)
class ChangeTier(Command):
    member: MemberRef
    tier: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class UseVoucher(Command):
    voucher_code: str
    order_ref: str


@dataclass(frozen=True, kw_only=True)
class RunDueWork(Command):
    """Apply what is due for one member (expiry, pending release, timeouts, tier review, birthday)."""

    member: MemberRef
