from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="CampaignOut")



@_attrs_define
class CampaignOut:
    """ 
        Attributes:
            budget_points (int | None):
            campaign_id (str):
            ended_at (datetime.datetime | None):
            ends_at (datetime.datetime):
            exclusive (bool):
            name_en (str):
            name_vi (str):
            starts_at (datetime.datetime):
     """

    budget_points: int | None
    campaign_id: str
    ended_at: datetime.datetime | None
    ends_at: datetime.datetime
    exclusive: bool
    name_en: str
    name_vi: str
    starts_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        budget_points: int | None
        budget_points = self.budget_points

        campaign_id = self.campaign_id

        ended_at: None | str
        if isinstance(self.ended_at, datetime.datetime):
            ended_at = self.ended_at.isoformat()
        else:
            ended_at = self.ended_at

        ends_at = self.ends_at.isoformat()

        exclusive = self.exclusive

        name_en = self.name_en

        name_vi = self.name_vi

        starts_at = self.starts_at.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "budget_points": budget_points,
            "campaign_id": campaign_id,
            "ended_at": ended_at,
            "ends_at": ends_at,
            "exclusive": exclusive,
            "name_en": name_en,
            "name_vi": name_vi,
            "starts_at": starts_at,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_budget_points(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        budget_points = _parse_budget_points(d.pop("budget_points"))


        campaign_id = d.pop("campaign_id")

        def _parse_ended_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ended_at_type_0 = datetime.datetime.fromisoformat(data)



                return ended_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        ended_at = _parse_ended_at(d.pop("ended_at"))


        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))




        exclusive = d.pop("exclusive")

        name_en = d.pop("name_en")

        name_vi = d.pop("name_vi")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))




        campaign_out = cls(
            budget_points=budget_points,
            campaign_id=campaign_id,
            ended_at=ended_at,
            ends_at=ends_at,
            exclusive=exclusive,
            name_en=name_en,
            name_vi=name_vi,
            starts_at=starts_at,
        )


        campaign_out.additional_properties = d
        return campaign_out

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
