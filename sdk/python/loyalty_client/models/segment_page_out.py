from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.as_of import AsOf
  from ..models.segment_member_out import SegmentMemberOut





T = TypeVar("T", bound="SegmentPageOut")



@_attrs_define
class SegmentPageOut:
    """ 
        Attributes:
            as_of (AsOf):
            members (list[SegmentMemberOut]):
            name (str):
            next_cursor (None | str):
     """

    as_of: AsOf
    members: list[SegmentMemberOut]
    name: str
    next_cursor: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.as_of import AsOf # noqa: PLC0415
        from ..models.segment_member_out import SegmentMemberOut # noqa: PLC0415
        as_of = self.as_of.to_dict()

        members = []
        for members_item_data in self.members:
            members_item = members_item_data.to_dict()
            members.append(members_item)



        name = self.name

        next_cursor: None | str
        next_cursor = self.next_cursor


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "as_of": as_of,
            "members": members,
            "name": name,
            "next_cursor": next_cursor,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.as_of import AsOf # noqa: PLC0415
        from ..models.segment_member_out import SegmentMemberOut # noqa: PLC0415
        d = dict(src_dict)
        as_of = AsOf.from_dict(d.pop("as_of"))




        members = []
        _members = d.pop("members")
        for members_item_data in (_members):
            members_item = SegmentMemberOut.from_dict(members_item_data)



            members.append(members_item)


        name = d.pop("name")

        def _parse_next_cursor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        next_cursor = _parse_next_cursor(d.pop("next_cursor"))


        segment_page_out = cls(
            as_of=as_of,
            members=members,
            name=name,
            next_cursor=next_cursor,
        )


        segment_page_out.additional_properties = d
        return segment_page_out

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
