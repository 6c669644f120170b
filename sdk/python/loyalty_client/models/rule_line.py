from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RuleLine")



@_attrs_define
class RuleLine:
    """ 
        Attributes:
            description (str):
            points (int):
            rule_id (str):
            description_en (None | str | Unset):
     """

    description: str
    points: int
    rule_id: str
    description_en: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        description = self.description

        points = self.points

        rule_id = self.rule_id

        description_en: None | str | Unset
        if isinstance(self.description_en, Unset):
            description_en = UNSET
        else:
            description_en = self.description_en


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "description": description,
            "points": points,
            "rule_id": rule_id,
        })
        if description_en is not UNSET:
            field_dict["description_en"] = description_en

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        description = d.pop("description")

        points = d.pop("points")

        rule_id = d.pop("rule_id")

        def _parse_description_en(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description_en = _parse_description_en(d.pop("description_en", UNSET))


        rule_line = cls(
            description=description,
            points=points,
            rule_id=rule_id,
            description_en=description_en,
        )


        rule_line.additional_properties = d
        return rule_line

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
