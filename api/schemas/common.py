"""The field types every request shares, strict on purpose.

Points are JSON integers only (`"12"`, `12.0` and `true` are refused), bounded by the ledger's own ceiling.
Money is a decimal string (`"125000"`), never a JSON number, so no amount ever passes through a float.
Times are ISO 8601 strings with an offset. Every text has a length limit, and no model accepts a field it
does not declare (no mass assignment of `balance` or `tier`).
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from loyalty_core.money import MAX_POINTS_PER_COMMAND
from loyalty_core.results import Balance
from loyalty_core.text import first_bad_field, has_bad_text
from loyalty_core.text import message as text_message


class Strict(BaseModel):
    """Base of every request body: strict types, unknown fields refused, no control characters in any text."""

    model_config = ConfigDict(strict=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _printable_text_only(cls, data: Any) -> Any:
        # The ledger refuses these too (loyalty_core.text); checking here covers the bodies that are not
        # ledger commands (keys, webhooks, program changes) with the same code.
        found = first_bad_field(data) if has_bad_text(data) else None
        if found is not None:
            raise PydanticCustomError("invalid_text", text_message(*found), {"field": found[0]})
        return data


def _iso_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 string (2026-01-15, 2026-01-15T10:30:00+07:00)")
    return value


Points = Annotated[int, Field(gt=0, le=MAX_POINTS_PER_COMMAND, description="Whole points, 1 to 100,000,000")]
SignedPoints = Annotated[
    int,
    Field(
        ge=-MAX_POINTS_PER_COMMAND,
        le=MAX_POINTS_PER_COMMAND,
        description="A non-zero change in points, at most 100,000,000 either way",
    ),
]
Money = Annotated[
    str,
    # Grouped or comma amounts ("125.000", "125,5") pass the shape check so that the ledger, which knows the
    # currency, can refuse them with `amount_not_whole_vnd` and say how to write them.
    StringConstraints(pattern=r"^([0-9]{1,14}([.,][0-9]{1,4})?|[0-9]{1,3}([.,][0-9]{3}){1,4})$", max_length=19),
    Field(description='A decimal string with a dot for decimals and no thousands separator; VND has no '
                      'decimals: "125000" (not "125.000")', examples=["125000"]),
]
def _representable_in_utc(value: datetime) -> datetime:
    # 9999-12-31T23:59:59-12:00 parses, then overflows wherever it is converted to UTC (year 10000).
    try:
        value.astimezone(timezone.utc)
    except (OverflowError, ValueError):
        raise PydanticCustomError("implausible_date", "this instant does not exist in UTC (years 1 to 9999)") from None
    return value


Timestamp = Annotated[AwareDatetime, Field(strict=False), BeforeValidator(_iso_text),
                      AfterValidator(_representable_in_utc)]
DateText = Annotated[date, Field(strict=False, description="YYYY-MM-DD"), BeforeValidator(_iso_text)]
MemberIdField = Annotated[UUID, Field(strict=False)]
Ref = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[\x21-\x7e]+$")]
InvoiceLookupCode = Annotated[str, StringConstraints(min_length=1, max_length=80,
                                                     pattern=r"^[A-Za-z0-9 -]+$")]
"""An e-invoice lookup code as printed or typed (`B7K2 9QX1`); the ledger drops spaces and upper-cases it."""
Channel = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_\-]{0,31}$")]
StoreId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}$")]
ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
Phone = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32),
    Field(description="Any usual spelling of a number: 0901234567, +84 90 123 4567, 84901234567"),
]
Email = Annotated[str, StringConstraints(min_length=3, max_length=254)]
MemberCode = Annotated[str, StringConstraints(min_length=1, max_length=20)]
QrToken = Annotated[str, StringConstraints(min_length=1, max_length=64)]


class Where(Strict):
    """Where a command happens; a channel key's own channel and store fill in what is left out."""

    channel: Channel | None = None
    store_id: StoreId | None = None


class NextExpiry(BaseModel):
    points: int
    at: datetime


class BalanceOut(BaseModel):
    available: int
    pending: int
    reserved: int
    lifetime_earned: int
    lifetime_redeemed: int
    lifetime_expired: int
    tier: str
    next_expiry: NextExpiry | None

    @classmethod
    def of(cls, balance: Balance) -> BalanceOut:
        expiry = None
        if balance.next_expiry_points is not None and balance.next_expiry_at is not None:
            expiry = NextExpiry(points=balance.next_expiry_points, at=balance.next_expiry_at)
        return cls(
            available=balance.available,
            pending=balance.pending,
            reserved=balance.reserved,
            lifetime_earned=balance.lifetime_earned,
            lifetime_redeemed=balance.lifetime_redeemed,
            lifetime_expired=balance.lifetime_expired,
            tier=balance.tier,
            next_expiry=expiry,
        )
