from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.tier_in import TierIn





T = TypeVar("T", bound="TierLadderIn")



@_attrs_define
class TierLadderIn:
    """ 
        Attributes:
            tiers (list[TierIn]):
            basis (str | Unset):  Default: 'spend'.
            downgrade (str | Unset):  Default: 'one_step'.
            grace_days (int | Unset):  Default: 0.
            review (str | Unset):  Default: 'yearly'.
            review_day (int | Unset):  Default: 1.
            review_every_months (int | Unset):  Default: 12.
            review_month (int | Unset):  Default: 1.
            window (str | Unset):  Default: 'rolling_months'.
            window_months (int | Unset):  Default: 12.
     """

    tiers: list[TierIn]
    basis: str | Unset = 'spend'
    downgrade: str | Unset = 'one_step'
    grace_days: int | Unset = 0
    review: str | Unset = 'yearly'
    review_day: int | Unset = 1
    review_every_months: int | Unset = 12
    review_month: int | Unset = 1
    window: str | Unset = 'rolling_months'
    window_months: int | Unset = 12





    def to_dict(self) -> dict[str, Any]:
        from ..models.tier_in import TierIn # noqa: PLC0415
        tiers = []
        for tiers_item_data in self.tiers:
            tiers_item = tiers_item_data.to_dict()
            tiers.append(tiers_item)



        basis = self.basis

        downgrade = self.downgrade

        grace_days = self.grace_days

        review = self.review

        review_day = self.review_day

        review_every_months = self.review_every_months

        review_month = self.review_month

        window = self.window

        window_months = self.window_months


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "tiers": tiers,
        })
        if basis is not UNSET:
            field_dict["basis"] = basis
        if downgrade is not UNSET:
            field_dict["downgrade"] = downgrade
        if grace_days is not UNSET:
            field_dict["grace_days"] = grace_days
        if review is not UNSET:
            field_dict["review"] = review
        if review_day is not UNSET:
            field_dict["review_day"] = review_day
        if review_every_months is not UNSET:
            field_dict["review_every_months"] = review_every_months
        if review_month is not UNSET:
            field_dict["review_month"] = review_month
        if window is not UNSET:
            field_dict["window"] = window
        if window_months is not UNSET:
            field_dict["window_months"] = window_months

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tier_in import TierIn # noqa: PLC0415
        d = dict(src_dict)
        tiers = []
        _tiers = d.pop("tiers")
        for tiers_item_data in (_tiers):
            tiers_item = TierIn.from_dict(tiers_item_data)



            tiers.append(tiers_item)


        basis = d.pop("basis", UNSET)

        downgrade = d.pop("downgrade", UNSET)

        grace_days = d.pop("grace_days", UNSET)

        review = d.pop("review", UNSET)

        review_day = d.pop("review_day", UNSET)

        review_every_months = d.pop("review_every_months", UNSET)

        review_month = d.pop("review_month", UNSET)

        window = d.pop("window", UNSET)

        window_months = d.pop("window_months", UNSET)

        tier_ladder_in = cls(
            tiers=tiers,
            basis=basis,
            downgrade=downgrade,
            grace_days=grace_days,
            review=review,
            review_day=review_day,
            review_every_months=review_every_months,
            review_month=review_month,
            window=window,
            window_months=window_months,
        )

        return tier_ladder_in

