from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="CampaignDayOut")



@_attrs_define
class CampaignDayOut:
    """ 
        Attributes:
            channel (str):
            cost_vnd (str):
            day (datetime.date):
            members_reached (int):
            points_issued (int):
            points_redeemed (int):
            redemptions (int):
            store_id (None | str):
     """

    channel: str
    cost_vnd: str
    day: datetime.date
    members_reached: int
    points_issued: int
    points_redeemed: int
    redemptions: int
    store_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        cost_vnd = self.cost_vnd

        day = self.day.isoformat()

        members_reached = self.members_reached

        points_issued = self.points_issued

        points_redeemed = self.points_redeemed

        redemptions = self.redemptions

        store_id: None | str
        store_id = self.store_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "channel": channel,
            "cost_vnd": cost_vnd,
            "day": day,
            "members_reached": members_reached,
            "points_issued": points_issued,
            "points_redeemed": points_redeemed,
            "redemptions": redemptions,
            "store_id": store_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel = d.pop("channel")

        cost_vnd = d.pop("cost_vnd")

        day = datetime.date.fromisoformat(d.pop("day"))




        members_reached = d.pop("members_reached")

        points_issued = d.pop("points_issued")

        points_redeemed = d.pop("points_redeemed")

        redemptions = d.pop("redemptions")

        def _parse_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        store_id = _parse_store_id(d.pop("store_id"))


        campaign_day_out = cls(
            channel=channel,
            cost_vnd=cost_vnd,
            day=day,
            members_reached=members_reached,
            points_issued=points_issued,
            points_redeemed=points_redeemed,
            redemptions=redemptions,
            store_id=store_id,
        )


        campaign_day_out.additional_properties = d
        return campaign_day_out

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
