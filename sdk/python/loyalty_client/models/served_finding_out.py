from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ServedFindingOut")



@_attrs_define
class ServedFindingOut:
    """ 
        Attributes:
            member_id (str):
            what (str):
            folded (Any | Unset):
            served (Any | Unset):
     """

    member_id: str
    what: str
    folded: Any | Unset = UNSET
    served: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        member_id = self.member_id

        what = self.what

        folded = self.folded

        served = self.served


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "member_id": member_id,
            "what": what,
        })
        if folded is not UNSET:
            field_dict["folded"] = folded
        if served is not UNSET:
            field_dict["served"] = served

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        member_id = d.pop("member_id")

        what = d.pop("what")

        folded = d.pop("folded", UNSET)

        served = d.pop("served", UNSET)

        served_finding_out = cls(
            member_id=member_id,
            what=what,
            folded=folded,
            served=served,
        )


        served_finding_out.additional_properties = d
        return served_finding_out

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
