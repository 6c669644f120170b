"""Members: enrolment, lookup and the summary a till shows."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints, model_validator

from api.deps import Acting
from api.schemas.common import (
    BalanceOut,
    DateText,
    Email,
    MemberCode,
    MemberIdField,
    Phone,
    QrToken,
    ShortText,
    Strict,
    Where,
)
from loyalty_core import commands as c
from loyalty_core.results import MemberResult


class EnrollRequest(Where):
    phone: Phone
    email: Email | None = None
    name: ShortText | None = None
    birthday: DateText | None = None
    consent: Annotated[
        dict[Annotated[str, StringConstraints(min_length=1, max_length=20)], bool], Field(max_length=10)
    ] = {}
    """Consent per message channel: {"zalo": true, "sms": false}."""
    referrer_code: MemberCode | None = None
    """The member code of the friend who referred them (the program's referral rule pays both sides)."""
    channel_customer_id: Annotated[str, StringConstraints(min_length=3, max_length=170)] | None = None
    """The member's id on the enrolling channel, `zalo:…` or `shopee:…`, linked at once."""

    def to_command(self, key: str, acting: Acting) -> c.EnrollMember:
        return c.EnrollMember(
            idempotency_key=key,
            phone=self.phone,
            email=self.email,
            name=self.name,
            birthday=self.birthday.isoformat() if self.birthday else None,
            consent=dict(self.consent),
            referred_by=c.MemberRef(member_code=self.referrer_code) if self.referrer_code else None,
            channel_customer_id=self.channel_customer_id,
            **acting.fields(),
        )


class MemberRefIn(Strict):
    """Exactly one way to name the member."""

    member_id: MemberIdField | None = None
    phone: Phone | None = None
    member_code: MemberCode | None = None
    qr_token: QrToken | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> MemberRefIn:
        if sum(v is not None for v in (self.member_id, self.phone, self.member_code, self.qr_token)) != 1:
            raise ValueError("name the member by exactly one of member_id, phone, member_code, qr_token")
        return self

    def to_ref(self) -> c.MemberRef:
        return c.MemberRef(
            member_id=self.member_id, phone=self.phone, member_code=self.member_code, qr_token=self.qr_token
        )


class MemberOut(BaseModel):
    member_id: UUID
    member_code: str | None
    qr_token: str | None
    phone: str | None
    email: str | None
    name: str | None
    tier: str
    balance: BalanceOut

    @classmethod
    def of(cls, result: MemberResult) -> MemberOut:
        return cls(
            member_id=result.member_id,
            member_code=result.member_code,
            qr_token=result.qr_token,
            phone=result.phone,
            email=result.email,
            name=result.name,
            tier=result.tier or result.balance.tier,
            balance=BalanceOut.of(result.balance),
        )


def lookup_ref(
    phone: str | None, email: str | None, member_code: str | None, qr_token: str | None
) -> c.MemberRef:
    return c.MemberRef(phone=phone, email=email, member_code=member_code, qr_token=qr_token)
