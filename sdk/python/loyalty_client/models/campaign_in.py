from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="CampaignIn")



@_attrs_define
class CampaignIn:
    """ 
        Attributes:
            campaign_id (str): A stable id: letters, digits, `_ . : -`, at most 100 characters
            ends_at (datetime.datetime):
            name_en (str):
            name_vi (str):
            starts_at (datetime.datetime):
            budget_points (int | None | Unset):
            exclusive (bool | Unset):  Default: False.
     """

    campaign_id: str
    ends_at: datetime.datetime
    name_en: str
    name_vi: str
    starts_at: datetime.datetime
    budget_points: int | None | Unset = UNSET
    exclusive: bool | Unset = False





    def to_dict(self) -> dict[str, Any]:
        campaign_id = self.campaign_id

        ends_at = self.ends_at.isoformat()

        name_en = self.name_en

        name_vi = self.name_vi

        starts_at = self.starts_at.isoformat()

        budget_points: int | None | Unset
        if isinstance(self.budget_points, Unset):
            budget_points = UNSET
        else:
            budget_points = self.budget_points

        exclusive = self.exclusive


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "campaign_id": campaign_id,
            "ends_at": ends_at,
            "name_en": name_en,
            "name_vi": name_vi,
            "starts_at": starts_at,
        })
        if budget_points is not UNSET:
            field_dict["budget_points"] = budget_points
        if exclusive is not UNSET:
            field_dict["exclusive"] = exclusive

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        campaign_id = d.pop("campaign_id")

        ends_at = datetime.datetime.fromisoformat(d.pop("ends_at"))




        name_en = d.pop("name_en")

        name_vi = d.pop("name_vi")

        starts_at = datetime.datetime.fromisoformat(d.pop("starts_at"))




        def _parse_budget_points(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        budget_points = _parse_budget_points(d.pop("budget_points", UNSET))


        exclusive = d.pop("exclusive", UNSET)

        campaign_in = cls(
            campaign_id=campaign_id,
            ends_at=ends_at,
            name_en=name_en,
            name_vi=name_vi,
            starts_at=starts_at,
            budget_points=budget_points,
            exclusive=exclusive,
        )

        return campaign_in

