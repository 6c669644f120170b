"""Checking import rows: from a spreadsheet's text cells to typed rows, or to a list of named problems.

Headers are matched without accents or case, in English or Vietnamese (`Số điện thoại` = `so dien thoai` =
`phone`). Dates are `dd/mm/yyyy` or ISO (`yyyy-mm-dd`), or real dates when Excel stored them so. Phones
are converted from the pre-2018 11-digit numbering, then normalised to E.164. Every problem names its row
(as a spreadsheet user counts: the header is row 1), its column, and what is wrong, in Vietnamese, so a
store manager can fix the file; nothing is written for a file whose dry run reports problems.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from loyalty_core import errors
from loyalty_core.identifiers import normalise_phone
from loyalty_core.member import HCM
from loyalty_core.phone_renumbering import modernise_mobile

MAX_NAME = 200


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    problem_vi: str

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "problem_vi": self.problem_vi}


@dataclass(frozen=True)
class MemberRow:
    row: int
    phone: str
    """E.164, after the 2018 conversion."""
    name: str | None
    birthday: str | None
    """ISO date."""
    points: int
    tier: str | None
    """A tier code of the program, or None for the base tier."""
    points_expire_at: datetime | None
    """The instant the opening balance expires: the end of the day the file names, Vietnam time."""
    email: str | None = None
    channel_id: str | None = None
    """A channel's own customer id, `zalo:…` or `shopee:…`: linked at import, and sales held for it credited."""


@dataclass(frozen=True)
class PurchaseRow:
    row: int
    phone: str
    transaction_ref: str
    total: Decimal
    occurred_at: datetime
    store_id: str | None


MEMBER_COLUMNS: dict[str, tuple[str, ...]] = {
    "phone": ("phone", "so dien thoai", "sdt", "dien thoai"),
    "name": ("name", "ho ten", "ho va ten", "ten"),
    "birthday": ("birthday", "ngay sinh"),
    "points": ("points", "diem", "so diem"),
    "tier": ("tier", "hang", "hang the"),
    "points_expire_at": ("points_expire_at", "han diem", "ngay het han diem"),
    "email": ("email", "thu dien tu"),
    "channel_id": ("channel_id", "ma khach tren kenh"),
}
MEMBER_REQUIRED = ("phone",)

PURCHASE_COLUMNS: dict[str, tuple[str, ...]] = {
    "phone": MEMBER_COLUMNS["phone"],
    "transaction_ref": ("transaction_ref", "ma hoa don", "so hoa don", "ma giao dich"),
    "total": ("total", "tong tien", "so tien", "thanh tien"),
    "occurred_at": ("occurred_at", "ngay mua", "thoi gian", "ngay"),
    "store_id": ("store_id", "cua hang", "ma cua hang"),
}
PURCHASE_REQUIRED = ("phone", "transaction_ref", "total", "occurred_at")


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: how headers and tier names are compared."""
    text = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return re.sub(r"[\s_]+", " ", text).strip().lower()


def map_headers(header: Iterable[Any], columns: Mapping[str, tuple[str, ...]],
                required: tuple[str, ...]) -> tuple[dict[str, int], list[Problem]]:
    """Which cell index holds which field; problems for missing or repeated columns (row 1)."""
    wanted = {fold(alias).replace(" ", "_"): name for name, aliases in columns.items() for alias in aliases}
    wanted.update({fold(alias): name for name, aliases in columns.items() for alias in aliases})
    found: dict[str, int] = {}
    problems = []
    for index, cell in enumerate(header):
        if cell is None or str(cell).strip() == "":
            continue
        name = wanted.get(fold(cell)) or wanted.get(fold(cell).replace(" ", "_"))
        if name is None:
            continue
        if name in found:
            problems.append(Problem(1, str(cell), "Cột bị lặp lại."))
        found[name] = index
    for name in required:
        if name not in found:
            problems.append(Problem(1, name, f"Thiếu cột bắt buộc “{columns[name][0]}” / “{columns[name][1]}”."))
    return found, problems


def _cell(cells: list[Any], index: int | None) -> Any:
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def parse_phone(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = "0" + str(value)  # Excel drops a number's leading zero: 901234567 was 0901234567
    if not isinstance(value, str):
        raise ValueError("Số điện thoại phải là chữ số.")
    try:
        return normalise_phone(modernise_mobile(value))
    except errors.InvalidPhone:
        raise ValueError(f"Số điện thoại không hợp lệ: “{value}”.") from None


def parse_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"Ngày không hợp lệ: “{text}” (dùng dd/mm/yyyy hoặc yyyy-mm-dd).")


def parse_instant(value: Any) -> datetime:
    """A purchase time: a date (noon, Vietnam time) or a date and time, read as Vietnam time unless it
    carries an offset."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=HCM)).astimezone(HCM)
    text = str(value).strip()
    for pattern in ("%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=HCM)
        except ValueError:
            continue
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return datetime.combine(parse_date(text), time(12), tzinfo=HCM)
    if len(text) == 10:
        return datetime.combine(parsed.date(), time(12), tzinfo=HCM)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=HCM)


def parse_count(value: Any, what: str) -> int:
    """A whole number of points: 1234, "1.234", "1,234" or an Excel number with no fraction."""
    if isinstance(value, bool):
        raise ValueError(f"{what} phải là số nguyên.")
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, Decimal) or type(value).__name__ == "float":
        number = Decimal(str(value))
    else:
        text = str(value).strip().replace(" ", "")
        if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
            text = text.replace(".", "").replace(",", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"{what} phải là số nguyên: “{value}”.") from None
    if not number.is_finite() or number.adjusted() > 18 or number != number.to_integral_value():
        raise ValueError(f"{what} phải là số nguyên: “{value}”.")
    return int(number)


def parse_money_vnd(value: Any) -> Decimal:
    amount = parse_count(value, "Số tiền")
    if amount <= 0:
        raise ValueError("Số tiền phải lớn hơn 0.")
    return Decimal(amount)


def end_of_local_day(day: date) -> datetime:
    """Points “valid until 31/12/2026” may be spent all that day: they expire at the next midnight."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=HCM)
