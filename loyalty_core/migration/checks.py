"""Checking a whole import file: every row typed, or every problem named; duplicates caught across rows.

A row is either valid (and becomes a command) or carries one problem per bad cell, so a dry run lists
all that needs fixing at once instead of stopping at the first. The same phone twice in one member file is
refused on the second row: the file is a list of people, and which row's balance wins is not ours to guess.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from loyalty_core import errors
from loyalty_core.identifiers import normalise_channel_id, normalise_email
from loyalty_core.migration import rows as r
from loyalty_core.money import MAX_BALANCE


@dataclass
class Checked:
    """The outcome of checking a file: the good rows, the problems, and how many data rows it had."""

    rows: list[Any] = field(default_factory=list)
    problems: list[r.Problem] = field(default_factory=list)
    total: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    """Field -> the header the file itself used for it, so a problem names the column as the user sees it."""

    @property
    def ok(self) -> bool:
        return not self.problems


class _RowCheck:
    """Collects the problems of one row while its cells are parsed."""

    def __init__(self, number: int, cells: list[Any], columns: dict[str, int], checked: Checked):
        self.number, self.cells, self.columns, self.checked = number, cells, columns, checked
        self.failed = False

    def get(self, name: str, parse: Callable[[Any], Any], required: bool = False) -> Any:
        value = r._cell(self.cells, self.columns.get(name))
        if value is None:
            if required:
                self.problem(name, "Ô bắt buộc đang trống.")
            return None
        try:
            return parse(value)
        except ValueError as exc:
            self.problem(name, str(exc))
            return None

    def problem(self, column: str, text: str) -> None:
        self.failed = True
        self.checked.problems.append(r.Problem(self.number, self.checked.labels.get(column, column), text))


def _data_rows(lines: Iterable[list[Any]]) -> Iterable[tuple[int, list[Any]]]:
    for number, cells in enumerate(lines, start=2):
        if any(c is not None and str(c).strip() for c in cells):
            yield number, list(cells)


def tier_lookup(tiers: Iterable[Any]) -> dict[str, str]:
    """Folded code, Vietnamese and English names of each tier -> its code (`Vàng`, `vang`, `gold`)."""
    lookup = {}
    for tier in tiers:
        for alias in (tier.code, getattr(tier, "name_vi", None), getattr(tier, "name_en", None)):
            if alias:
                lookup[r.fold(alias)] = tier.code
    return lookup


def check_members(header: list[Any], lines: Iterable[list[Any]], tiers: Mapping[str, str], today: date) -> Checked:
    checked = Checked()
    columns, checked.problems = r.map_headers(header, r.MEMBER_COLUMNS, r.MEMBER_REQUIRED)
    checked.labels = {name: str(header[index]).strip() for name, index in columns.items()}
    if checked.problems:
        return checked
    first_row_of: dict[tuple[str, str], int] = {}

    def tier(value: Any) -> str:
        code = tiers.get(r.fold(value))
        if code is None:
            raise ValueError(f"Hạng “{value}” không có trong chương trình ({', '.join(sorted(set(tiers.values())))}).")
        return code

    def birthday(value: Any) -> str:
        day = r.parse_date(value)
        if not date(1900, 1, 1) <= day <= today:
            raise ValueError(f"Ngày sinh không hợp lý: {day:%d/%m/%Y}.")
        return day.isoformat()

    def expiry(value: Any) -> datetime:
        day = r.parse_date(value)
        if day < today:
            raise ValueError(f"Hạn điểm {day:%d/%m/%Y} đã qua.")
        if day.year >= 3000:  # "31/12/2099" is a common way to write "never"; 9999 would overflow
            raise ValueError(f"Hạn điểm {day:%d/%m/%Y} quá xa (trước năm 3000).")
        return r.end_of_local_day(day).astimezone(UTC)

    def points(value: Any) -> int:
        count = r.parse_count(value, "Điểm")
        if not 0 <= count <= MAX_BALANCE:
            raise ValueError(f"Điểm phải từ 0 đến {MAX_BALANCE}.")
        return count

    def name(value: Any) -> str:
        text = str(value).strip()
        if len(text) > r.MAX_NAME:
            raise ValueError(f"Họ tên dài quá {r.MAX_NAME} ký tự.")
        return text

    def email(value: Any) -> str:
        try:
            return normalise_email(str(value))
        except errors.InvalidIdentifier:
            raise ValueError(f"Email không hợp lệ: “{value}”.") from None

    def channel_id(value: Any) -> str:
        try:
            return normalise_channel_id(str(value))
        except errors.InvalidIdentifier:
            raise ValueError(f"Mã khách trên kênh không hợp lệ: “{value}” (dạng zalo:123, shopee:abc).") from None

    for number, cells in _data_rows(lines):
        checked.total += 1
        row = _RowCheck(number, cells, columns, checked)
        phone = row.get("phone", r.parse_phone, required=True)
        values = {"name": row.get("name", name), "birthday": row.get("birthday", birthday),
                  "points": row.get("points", points) or 0, "tier": row.get("tier", tier),
                  "points_expire_at": row.get("points_expire_at", expiry), "email": row.get("email", email),
                  "channel_id": row.get("channel_id", channel_id)}
        for column in ("phone", "email", "channel_id"):
            value = phone if column == "phone" else values[column]
            if value is not None and (column, value) in first_row_of:
                row.problem(column, f"Trùng với dòng {first_row_of[(column, value)]}.")
            elif value is not None:
                first_row_of[(column, value)] = number
        if not row.failed:
            checked.rows.append(r.MemberRow(row=number, phone=phone, **values))
    return checked


def check_purchases(header: list[Any], lines: Iterable[list[Any]], now: datetime) -> Checked:
    checked = Checked()
    columns, checked.problems = r.map_headers(header, r.PURCHASE_COLUMNS, r.PURCHASE_REQUIRED)
    checked.labels = {name: str(header[index]).strip() for name, index in columns.items()}
    if checked.problems:
        return checked
    first_row_of: dict[str, int] = {}

    def reference(value: Any) -> str:
        text = str(value).strip()
        if not 1 <= len(text) <= 100 or not text.isprintable():
            raise ValueError("Mã hoá đơn phải có 1 đến 100 ký tự.")
        return text

    def occurred(value: Any) -> datetime:
        at = r.parse_instant(value)
        if at > now:
            raise ValueError(f"Ngày mua {at:%d/%m/%Y} ở tương lai.")
        if at.year < now.year - 10:
            raise ValueError(f"Ngày mua {at:%d/%m/%Y} quá xa trong quá khứ (tối đa 10 năm).")
        return at

    def store(value: Any) -> str:
        text = str(value).strip()
        if len(text) > 100:
            raise ValueError("Mã cửa hàng dài quá 100 ký tự.")
        return text

    for number, cells in _data_rows(lines):
        checked.total += 1
        row = _RowCheck(number, cells, columns, checked)
        values = {"phone": row.get("phone", r.parse_phone, required=True),
                  "transaction_ref": row.get("transaction_ref", reference, required=True),
                  "total": row.get("total", r.parse_money_vnd, required=True),
                  "occurred_at": row.get("occurred_at", occurred, required=True),
                  "store_id": row.get("store_id", store)}
        ref = values["transaction_ref"]
        if ref is not None and ref in first_row_of:
            row.problem("transaction_ref", f"Mã hoá đơn trùng với dòng {first_row_of[ref]}.")
        elif ref is not None:
            first_row_of[ref] = number
        if not row.failed:
            checked.rows.append(r.PurchaseRow(row=number, **values))
    return checked
