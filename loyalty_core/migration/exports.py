"""Exports: members, balances and segments as rows for a spreadsheet, read from the ledger itself.

Rows come from the members' own aggregates (what is due applied, nothing written), so an export agrees
with the ledger at the moment each row is read, with no projection lag. `members` carries personal data
(phone, name, birthday) and is for administrators; `balances` and segment exports carry none: member id,
member code, tier and points only. Dates are dd/mm/yyyy on the Hồ Chí Minh clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from uuid import UUID

from loyalty_core import commands as cmd
from loyalty_core import errors
from loyalty_core.member import HCM

BALANCE_HEADER = ["member_id", "member_code", "tier", "points_available", "points_pending", "points_reserved",
                  "lifetime_earned", "lifetime_redeemed", "lifetime_expired", "next_expiry_points",
                  "next_expiry_date"]
MEMBER_HEADER = BALANCE_HEADER[:2] + ["phone", "name", "birthday"] + BALANCE_HEADER[2:]


def _day(value: Any) -> str:
    return value.astimezone(HCM).strftime("%d/%m/%Y") if value is not None else ""


def balance_row(summary: Any) -> list[Any]:
    b = summary.balance
    return [str(summary.member_id), summary.member_code or "", b.tier, b.available, b.pending, b.reserved,
            b.lifetime_earned, b.lifetime_redeemed, b.lifetime_expired, b.next_expiry_points or 0,
            _day(b.next_expiry_at)]


def member_row(summary: Any, birthday: str | None) -> list[Any]:
    row = balance_row(summary)
    born = f"{birthday[8:10]}/{birthday[5:7]}/{birthday[0:4]}" if birthday else ""
    return row[:2] + [summary.phone or "", summary.name or "", born] + row[2:]


def _summaries(service: Any, member_ids: Iterable[UUID]) -> Iterator[tuple[Any, Any]]:
    for member_id in member_ids:
        try:
            ref = cmd.MemberRef(member_id=member_id)
            yield service.member_summary(ref), service.resolve(ref)
        except errors.MemberNotFound:
            continue


def balances(service: Any, member_ids: Iterable[UUID]) -> Iterator[list[Any]]:
    for summary, _ in _summaries(service, member_ids):
        yield balance_row(summary)


def members(service: Any, member_ids: Iterable[UUID]) -> Iterator[list[Any]]:
    for summary, member in _summaries(service, member_ids):
        yield member_row(summary, member.birthday)
