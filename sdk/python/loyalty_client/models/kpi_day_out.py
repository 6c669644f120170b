from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="KpiDayOut")



@_attrs_define
class KpiDayOut:
    """ 
        Attributes:
            active_members (int):
            day (datetime.date):
            enrolled (int):
            liability_vnd (str):
            points_earned (int):
            points_expired (int):
            points_outstanding (int):
            points_redeemed (int):
            purchases (int):
            redemptions (int):
            spend_vnd (str):
     """

    active_members: int
    day: datetime.date
    enrolled: int
    liability_vnd: str
    points_earned: int
    points_expired: int
    points_outstanding: int
    points_redeemed: int
    purchases: int
    redemptions: int
    spend_vnd: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        active_members = self.active_members

        day = self.day.isoformat()

        enrolled = self.enrolled

        liability_vnd = self.liability_vnd

        points_earned = self.points_earned

        points_expired = self.points_expired

        points_outstanding = self.points_outstanding

        points_redeemed = self.points_redeemed

        purchases = self.purchases

        redemptions = self.redemptions

        spend_vnd = self.spend_vnd


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active_members": active_members,
            "day": day,
            "enrolled": enrolled,
            "liability_vnd": liability_vnd,
            "points_earned": points_earned,
            "points_expired": points_expired,
            "points_outstanding": points_outstanding,
            "points_redeemed": points_redeemed,
            "purchases": purchases,
            "redemptions": redemptions,
            "spend_vnd": spend_vnd,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        active_members = d.pop("active_members")

        day = datetime.date.fromisoformat(d.pop("day"))




        enrolled = d.pop("enrolled")

        liability_vnd = d.pop("liability_vnd")

        points_earned = d.pop("points_earned")

        points_expired = d.pop("points_expired")

        points_outstanding = d.pop("points_outstanding")

        points_redeemed = d.pop("points_redeemed")

        purchases = d.pop("purchases")

        redemptions = d.pop("redemptions")

        spend_vnd = d.pop("spend_vnd")

        kpi_day_out = cls(
            active_members=active_members,
            day=day,
            enrolled=enrolled,
            liability_vnd=liability_vnd,
            points_earned=points_earned,
            points_expired=points_expired,
            points_outstanding=points_outstanding,
            points_redeemed=points_redeemed,
            purchases=purchases,
            redemptions=redemptions,
            spend_vnd=spend_vnd,
        )


        kpi_day_out.additional_properties = d
        return kpi_day_out

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
