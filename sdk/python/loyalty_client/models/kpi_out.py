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
  from ..models.kpi_day_out import KpiDayOut





T = TypeVar("T", bound="KpiOut")



@_attrs_define
class KpiOut:
    """ 
        Attributes:
            active_members (int):
            as_of (AsOf):
            channel (None | str):
            date_from (datetime.date):
            date_to (datetime.date):
            days (list[KpiDayOut]):
            enrolled (int):
            liability_vnd (str):
            point_value_vnd (str):
            points_outstanding (int):
            purchasers (int):
            redeemers (int):
            redemption_rate (str):
            repeat_purchase_rate (str):
            repeat_purchasers (int):
            store_id (None | str):
     """

    active_members: int
    as_of: AsOf
    channel: None | str
    date_from: datetime.date
    date_to: datetime.date
    days: list[KpiDayOut]
    enrolled: int
    liability_vnd: str
    point_value_vnd: str
    points_outstanding: int
    purchasers: int
    redeemers: int
    redemption_rate: str
    repeat_purchase_rate: str
    repeat_purchasers: int
    store_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.as_of import AsOf # noqa: PLC0415
        from ..models.kpi_day_out import KpiDayOut # noqa: PLC0415
        active_members = self.active_members

        as_of = self.as_of.to_dict()

        channel: None | str
        channel = self.channel

        date_from = self.date_from.isoformat()

        date_to = self.date_to.isoformat()

        days = []
        for days_item_data in self.days:
            days_item = days_item_data.to_dict()
            days.append(days_item)



        enrolled = self.enrolled

        liability_vnd = self.liability_vnd

        point_value_vnd = self.point_value_vnd

        points_outstanding = self.points_outstanding

        purchasers = self.purchasers

        redeemers = self.redeemers

        redemption_rate = self.redemption_rate

        repeat_purchase_rate = self.repeat_purchase_rate

        repeat_purchasers = self.repeat_purchasers

        store_id: None | str
        store_id = self.store_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "active_members": active_members,
            "as_of": as_of,
            "channel": channel,
            "date_from": date_from,
            "date_to": date_to,
            "days": days,
            "enrolled": enrolled,
            "liability_vnd": liability_vnd,
            "point_value_vnd": point_value_vnd,
            "points_outstanding": points_outstanding,
            "purchasers": purchasers,
            "redeemers": redeemers,
            "redemption_rate": redemption_rate,
            "repeat_purchase_rate": repeat_purchase_rate,
            "repeat_purchasers": repeat_purchasers,
            "store_id": store_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.as_of import AsOf # noqa: PLC0415
        from ..models.kpi_day_out import KpiDayOut # noqa: PLC0415
        d = dict(src_dict)
        active_members = d.pop("active_members")

        as_of = AsOf.from_dict(d.pop("as_of"))




        def _parse_channel(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        channel = _parse_channel(d.pop("channel"))


        date_from = datetime.date.fromisoformat(d.pop("date_from"))




        date_to = datetime.date.fromisoformat(d.pop("date_to"))




        days = []
        _days = d.pop("days")
        for days_item_data in (_days):
            days_item = KpiDayOut.from_dict(days_item_data)



            days.append(days_item)


        enrolled = d.pop("enrolled")

        liability_vnd = d.pop("liability_vnd")

        point_value_vnd = d.pop("point_value_vnd")

        points_outstanding = d.pop("points_outstanding")

        purchasers = d.pop("purchasers")

        redeemers = d.pop("redeemers")

        redemption_rate = d.pop("redemption_rate")

        repeat_purchase_rate = d.pop("repeat_purchase_rate")

        repeat_purchasers = d.pop("repeat_purchasers")

        def _parse_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        store_id = _parse_store_id(d.pop("store_id"))


        kpi_out = cls(
            active_members=active_members,
            as_of=as_of,
            channel=channel,
            date_from=date_from,
            date_to=date_to,
            days=days,
            enrolled=enrolled,
            liability_vnd=liability_vnd,
            point_value_vnd=point_value_vnd,
            points_outstanding=points_outstanding,
            purchasers=purchasers,
            redeemers=redeemers,
            redemption_rate=redemption_rate,
            repeat_purchase_rate=repeat_purchase_rate,
            repeat_purchasers=repeat_purchasers,
            store_id=store_id,
        )


        kpi_out.additional_properties = d
        return kpi_out

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
