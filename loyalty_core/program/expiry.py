"""Expiry: when earned points stop being spendable.

Three policies are common in Vietnamese retail: each lot N months after it was earned (`per_lot`); all
points earned in a period at the end of a later period (`end_of_period`, e.g. "điểm hết hạn vào cuối năm
sau"); and everything after N months without activity (`inactivity`). The end of a period is the last
microsecond of its last local day, 23:59:59.999999 in Ho Chi Minh City, stored as UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from loyalty_core.program.errors import InvalidProgram
from loyalty_core.program.localtime import add_months, last_instant_before, local, start_of_local_month
from loyalty_core.program.plain import Plain

EXPIRY_KINDS = ("per_lot", "end_of_period", "inactivity", "never")
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


@dataclass(frozen=True, kw_only=True)
class ExpiryPolicy(Plain):
    kind: str = "never"
    #: per_lot and inactivity: how many months.
    months: int = 0
    #: end_of_period: month | quarter | year (calendar periods, local time).
    period: str = "year"
    #: end_of_period: 0 = end of the period the points were earned in, 1 = end of the following one, ...
    periods_after: int = 1

    def validate(self) -> None:
        if self.kind not in EXPIRY_KINDS:
            raise InvalidProgram(f"expiry kind must be one of {EXPIRY_KINDS}, got {self.kind!r}")
        if self.kind in ("per_lot", "inactivity") and self.months < 1:
            raise InvalidProgram(f"{self.kind} expiry needs months >= 1, got {self.months}")
        if self.kind == "end_of_period" and (self.period not in PERIOD_MONTHS or self.periods_after < 0):
            raise InvalidProgram(
                f"end_of_period expiry needs period in {tuple(PERIOD_MONTHS)} and periods_after >= 0"
            )


def lot_expires_at(policy: ExpiryPolicy, earned_at: datetime) -> datetime | None:
    """When a lot earned at `earned_at` expires (UTC); None when lots do not expire one by one."""
    if policy.kind == "per_lot":
        return add_months(earned_at, policy.months)
    if policy.kind == "end_of_period":
        return end_of_period(policy, earned_at)
    return None


def end_of_period(policy: ExpiryPolicy, earned_at: datetime) -> datetime:
    length = PERIOD_MONTHS[policy.period]
    wall = local(earned_at)
    first_month_index = (wall.month - 1) // length * length
    next_start = start_of_local_month(wall.year, first_month_index + length * (1 + policy.periods_after))
    return last_instant_before(next_start)


def inactivity_expires_at(policy: ExpiryPolicy, last_activity_at: datetime) -> datetime | None:
    """When the whole balance expires if nothing happens after `last_activity_at`; None for other kinds."""
    if policy.kind != "inactivity":
        return None
    return add_months(last_activity_at, policy.months)
