"""A member segment as JSON: the `member_condition` of a rule or reward, and the segment of an offer grant."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from api.schemas.common import Money, Strict
from loyalty_core import program as prog
from loyalty_core.money import parse_money
from loyalty_core.program.segments import DEFAULT_WINDOW_DAYS


class MemberConditionIn(Strict):
    """Every field given must hold (docs/program.md, "Targeted offers"); decided from the member's own state."""

    tiers: list[Annotated[str, Field(min_length=1, max_length=40)]] | None = Field(None, max_length=20)
    online_only: bool = False
    omnichannel: bool = False
    lapsed_days: int | None = Field(None, ge=1, le=3650)
    min_visits: int | None = Field(None, ge=1, le=3650)
    min_spend: Money | None = None
    window_days: int = Field(DEFAULT_WINDOW_DAYS, ge=1, le=800)

    def to_condition(self) -> prog.MemberCondition:
        return prog.MemberCondition(tiers=tuple(self.tiers) if self.tiers is not None else None,
                                    online_only=self.online_only, omnichannel=self.omnichannel,
                                    lapsed_days=self.lapsed_days, min_visits=self.min_visits,
                                    min_spend=parse_money(self.min_spend, "VND", field="condition.min_spend")
                                    if self.min_spend is not None else None,
                                    window_days=self.window_days)
