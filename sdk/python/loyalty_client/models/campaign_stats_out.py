from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.as_of import AsOf
  from ..models.campaign_day_out import CampaignDayOut





T = TypeVar("T", bound="CampaignStatsOut")



@_attrs_define
class CampaignStatsOut:
    """ 
        Attributes:
            as_of (AsOf):
            campaign_id (str):
            cost_vnd (str):
            date_from (datetime.date):
            date_to (datetime.date):
            days (list[CampaignDayOut]):
            members_reached (int):
            points_issued (int):
            points_redeemed (int):
            redemptions (int):
     """

    as_of: AsOf
    campaign_id: str
    cost_vnd: str
    date_from: datetime.date
    date_to: datetime.date
    days: list[CampaignDayOut]
    members_reached: int
    points_issued: int
    points_redeemed: int
    redemptions: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.as_of import AsOf # noqa: PLC0415
        from ..models.campaign_day_out import CampaignDayOut # noqa: PLC0415
        as_of = self.as_of.to_dict()

        campaign_id = self.campaign_id

        cost_vnd = self.cost_vnd

        date_from = self.date_from.isoformat()

        date_to = self.date_to.isoformat()

        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)



        members_reached = self.members_reached

        points_issued = self.points_issued

        points_redeemed = self.points_redeemed

        redemptions = self.redemptions


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "as_of": as_of,
            "campaign_id": campaign_id,
            "cost_vnd": cost_vnd,
            "date_from": date_from,
            "date_to": date_to,
            "days": days,
            "members_reached": members_reached,
            "points_issued": points_issued,
            "points_redeemed": points_redeemed,
            "redemptions": redemptions,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.as_of import AsOf # noqa: PLC0415
        from ..models.campaign_day_out import CampaignDayOut # noqa: PLC0415
        d = dict(src_dict)
        as_of = AsOf.from_dict(d.pop("as_of"))




        campaign_id = d.pop("campaign_id")

        cost_vnd = d.pop("cost_vnd")

        date_from = datetime.date.fromisoformat(d.pop("date_from"))




        date_to = datetime.date.fromisoformat(d.pop("date_to"))




        days = []
        _days = d.pop("days")
        for days_item_data in (_days):
            days_item = CampaignDayOut.from_dict(days_item_data)



            days.append(days_item)


        members_reached = d.pop("members_reached")

        points_issued = d.pop("points_issued")

        points_redeemed = d.pop("points_redeemed")

        redemptions = d.pop("redemptions")

        campaign_stats_out = cls(
            as_of=as_of,
            campaign_id=campaign_id,
            cost_vnd=cost_vnd,
            date_from=date_from,
            date_to=date_to,
            days=days,
            members_reached=members_reached,
            points_issued=points_issued,
            points_redeemed=points_redeemed,
            redemptions=redemptions,
        )


        campaign_stats_out.additional_properties = d
        return campaign_stats_out

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
