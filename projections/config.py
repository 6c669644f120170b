"""The read side's own settings, taken from `Settings` when it has them, with defaults otherwise.

`point_value_vnd` is what one point is worth when the store has no program yet (liability and campaign cost
are otherwise priced with the program's own point value, `projections/pricing.py`);
`churn_after_days` is how long a repeat buyer may stay away before counting as a churn risk.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

DEFAULT_POINT_VALUE_VND = Decimal(1000)


@dataclass(frozen=True)
class ReadConfig:
    point_value_vnd: Decimal = DEFAULT_POINT_VALUE_VND
    churn_after_days: int = 90
    program_code: str = "CPSG"
    """Whose point values price liability and campaign cost (`projections/pricing.py`)."""

    @classmethod
    def of(cls, settings: Any) -> ReadConfig:
        # `Settings` is shared with the rest of the system; these fields are read if it declares them
        # (LOYALTY_POINT_VALUE_VND, ...), so the read side works before and after they are added there.
        value = getattr(settings, "point_value_vnd", None)
        return cls(point_value_vnd=Decimal(str(value)) if value is not None else DEFAULT_POINT_VALUE_VND,
                   churn_after_days=int(getattr(settings, "churn_after_days", 90)),
                   program_code=str(getattr(settings, "program_code", "CPSG")))
