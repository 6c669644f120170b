"""What several handlers share: checked text and times, generated ids, and the answers they build."""

from __future__ import annotations

import secrets
from datetime import datetime
from uuid import uuid4

from loyalty_core import errors
from loyalty_core import identifiers as ids
from loyalty_core import timebounds
from loyalty_core.decide import Change
from loyalty_core.member import Member
from loyalty_core.results import Balance, ChangeResult, MemberResult

MAX_TEXT_LENGTH = 500
MAX_HOLD_SECONDS = 7 * 24 * 3600
RESERVATION, VOUCHER = "reservation", "voucher"
"""Claim kinds for values a command generates (the member found by a reservation id or a voucher code)."""


def member_result(member: Member) -> MemberResult:
    return MemberResult(member_id=member.id, balance=Balance.of(member), member_code=member.identifier(ids.MEMBER_CODE),
                        qr_token=member.identifier(ids.QR_TOKEN), phone=member.identifier(ids.PHONE),
                        email=member.identifier(ids.EMAIL), name=member.name, tier=member.tier)


def checked_text(value: str | None, name: str, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise errors.InvalidInput(f"{name} is required", field=name)
        return None
    if not isinstance(value, str) or len(value) > MAX_TEXT_LENGTH:
        raise errors.InvalidInput(f"{name} must be text of at most {MAX_TEXT_LENGTH} characters", field=name)
    return value


def utc_time(value: datetime | None, default: datetime, field: str = "occurred_at") -> datetime:
    # Overflow (9999-12-31T23:59:59-12:00 is year 10000 in UTC) is refused, never raised as a 500.
    return default if value is None else timebounds.to_utc(value, field)


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid4().hex}"


def change_result(change: Change, points: int = 0) -> ChangeResult:
    return ChangeResult(member_id=change.current.id, balance=Balance.of(change.current),
                        events=[type(e).__name__ for e in change.events], points=points)


def purchase_reference(channel: str, transaction_ref: str) -> str:
    return f"{channel}/{transaction_ref}"


VOUCHER_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
VOUCHER_LENGTH = 11


def new_voucher_code() -> str:
    """"V" and 11 characters, each uniform over 30 (a bearer code: drawn from the OS's secure source).

    One draw of a number below 30**11, written in base 30: the same distribution as 11 draws of one
    character, but one system call instead of eleven (each lets go of the GIL, and getting it back on a busy
    server waited for the other threads' time slices)."""
    number = secrets.randbelow(len(VOUCHER_ALPHABET) ** VOUCHER_LENGTH)
    chars = []
    for _ in range(VOUCHER_LENGTH):
        number, digit = divmod(number, len(VOUCHER_ALPHABET))
        chars.append(VOUCHER_ALPHABET[digit])
    return "V" + "".join(chars)
