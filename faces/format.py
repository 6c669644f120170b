"""Numbers and dates the Vietnamese way, for pages and messages: `1.234.567 ₫`, `dd/mm/yyyy`, times in
Asia/Ho_Chi_Minh (storage is UTC). English pages use the same money and date shapes with English words,
because a Vietnamese chain's staff read amounts this way whatever the interface language."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
LANGUAGES = ("vi", "en")


def group_thousands(value: int) -> str:
    """`1234567` -> `1.234.567` (dots group thousands in Vietnamese)."""
    sign = "-" if value < 0 else ""
    return sign + f"{abs(value):,}".replace(",", ".")


def vnd(amount: Decimal | int | str | None) -> str:
    """A VND amount as `1.234.567 ₫` (VND has no minor unit: anything below 1 ₫ is rounded half up)."""
    if amount is None or amount == "":
        return "—"
    whole = int(Decimal(str(amount)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return f"{group_thousands(whole)} ₫"


def points(value: int | None) -> str:
    return "—" if value is None else group_thousands(int(value))


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(VIETNAM)


def day(value: date | datetime | str | None) -> str:
    """`dd/mm/yyyy`; a datetime is first moved to Vietnam's time."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = local(value)
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | str | None) -> str:
    """`dd/mm/yyyy HH:MM` in Vietnam's time."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return local(value).strftime("%d/%m/%Y %H:%M")


def register_filters(env: object) -> None:
    """Add these as Jinja2 filters: `{{ amount | vnd }}`, `{{ when | day }}`, `{{ n | points }}`."""
    filters = env.filters  # type: ignore[attr-defined]
    filters.update(vnd=vnd, points=points, day=day, moment=moment)
