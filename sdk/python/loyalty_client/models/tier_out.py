from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="TierOut")



@_attrs_define
class TierOut:
    """ 
        Attributes:
            birthday_bonus_points (int):
            code (str):
            earn_multiplier (str):
            name_en (str):
            name_vi (str):
            threshold (str):
     """

    birthday_bonus_points: int
    code: str
    earn_multiplier: str
    name_en: str
    name_vi: str
    threshold: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        birthday_bonus_points = self.birthday_bonus_points

        code = self.code

        earn_multiplier = self.earn_multiplier

        name_en = self.name_en

        name_vi = self.name_vi

        threshold = self.threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "birthday_bonus_points": birthday_bonus_points,
            "code": code,
            "earn_multiplier": earn_multiplier,
            "name_en": name_en,
            "name_vi": name_vi,
            "threshold": threshold,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        birthday_bonus_points = d.pop("birthday_bonus_points")

        code = d.pop("code")

        earn_multiplier = d.pop("earn_multiplier")

        name_en = d.pop("name_en")

        name_vi = d.pop("name_vi")

        threshold = d.pop("threshold")

        tier_out = cls(
            birthday_bonus_points=birthday_bonus_points,
            code=code,
            earn_multiplier=earn_multiplier,
            name_en=name_en,
            name_vi=name_vi,
            threshold=threshold,
        )


        tier_out.additional_properties = d
        return tier_out

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
