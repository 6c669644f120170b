from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.as_of import AsOf





T = TypeVar("T", bound="MemberSegmentsOut")



@_attrs_define
class MemberSegmentsOut:
    """ 
        Attributes:
            as_of (AsOf):
            member_id (UUID):
            segments (list[str]):
     """

    as_of: AsOf
    member_id: UUID
    segments: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.as_of import AsOf # noqa: PLC0415
        as_of = self.as_of.to_dict()

        member_id = str(self.member_id)

        segments = self.segments




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "as_of": as_of,
            "member_id": member_id,
            "segments": segments,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.as_of import AsOf # noqa: PLC0415
        d = dict(src_dict)
        as_of = AsOf.from_dict(d.pop("as_of"))




        member_id = UUID(d.pop("member_id"))




        segments = cast(list[str], d.pop("segments"))


        member_segments_out = cls(
            as_of=as_of,
            member_id=member_id,
            segments=segments,
        )


        member_segments_out.additional_properties = d
        return member_segments_out

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
