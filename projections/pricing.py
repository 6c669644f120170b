"""What points are worth in money on a given day: the program's own point value, as its events set it.

The KPI projection keeps every value the program has had (`kpi_point_values`, from `ProgramCreated` and
`ProgramSettingsChanged`). A day's liability and a day's campaign cost use the value in force at the end
of that local day (Asia/Ho_Chi_Minh). Only a store with no program at all falls back to the configured
`LOYALTY_POINT_VALUE_VND`, since there is nothing else to price with.
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Sequence

from projections.daybook import HCM


class PointValues:
    def __init__(self, values: Sequence[tuple[datetime, Decimal]], fallback: Decimal):
        self.instants = [at for at, _ in values]
        self.values = [value for _, value in values]
        self.fallback = fallback

    def on(self, day: date) -> Decimal:
        """The value in force at the end of local `day` (before the program existed: its first value)."""
        if not self.values:
            return self.fallback
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=HCM)
        index = bisect_right(self.instants, end) - 1
        return self.values[max(index, 0)]
