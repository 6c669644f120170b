from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.tier_out import TierOut





T = TypeVar("T", bound="TierLadderOut")



@_attrs_define
class TierLadderOut:
    """ 
        Attributes:
            basis (str):
            downgrade (str):
            grace_days (int):
            review (str):
            review_day (int):
            review_every_months (int):
            review_month (int):
            tiers (list[TierOut]):
            window (str):
            window_months (int):
     """

    basis: str
    downgrade: str
    grace_days: int
    review: str
    review_day: int
    review_every_months: int
    review_month: int
    tiers: list[TierOut]
    window: str
    window_months: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.tier_out import TierOut # noqa: PLC0415
        basis = self.basis

        downgrade = self.downgrade

        grace_days = self.grace_days

        review = self.review

        review_day = self.review_day

        review_every_months = self.review_every_months

        review_month = self.review_month

        tiers = []
        for tiers_item_data in self.tiers:
            tiers_item = tiers_item_data.to_dict()
            tiers.append(tiers_item)



        window = self.window

        window_months = self.window_months


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "basis": basis,
            "downgrade": downgrade,
            "grace_days": grace_days,
            "review": review,
            "review_day": review_day,
            "review_every_months": review_every_months,
            "review_month": review_month,
            "tiers": tiers,
            "window": window,
            "window_months": window_months,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.tier_out import TierOut # noqa: PLC0415
        d = dict(src_dict)
        basis = d.pop("basis")

        downgrade = d.pop("downgrade")

        grace_days = d.pop("grace_days")

        review = d.pop("review")

        review_day = d.pop("review_day")

        review_every_months = d.pop("review_every_months")

        review_month = d.pop("review_month")

        tiers = []
        _tiers = d.pop("tiers")
        for tiers_item_data in (_tiers):
            tiers_item = TierOut.from_dict(tiers_item_data)



            tiers.append(tiers_item)


        window = d.pop("window")

        window_months = d.pop("window_months")

        tier_ladder_out = cls(
            basis=basis,
            downgrade=downgrade,
            grace_days=grace_days,
            review=review,
            review_day=review_day,
            review_every_months=review_every_months,
            review_month=review_month,
            tiers=tiers,
            window=window,
            window_months=window_months,
        )


        tier_ladder_out.additional_properties = d
        return tier_ladder_out

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
