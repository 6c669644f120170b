from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.expiring_lot_out import ExpiringLotOut





T = TypeVar("T", bound="MemberExpiringOut")



@_attrs_define
class MemberExpiringOut:
    """ 
        Attributes:
            lots (list[ExpiringLotOut]):
            member_id (UUID):
            points (int):
            until (datetime.datetime):
     """

    lots: list[ExpiringLotOut]
    member_id: UUID
    points: int
    until: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.expiring_lot_out import ExpiringLotOut # noqa: PLC0415
        lots = []
        for lots_item_data in self.lots:
            lots_item = lots_item_data.to_dict()
            lots.append(lots_item)



        member_id = str(self.member_id)

        points = self.points

        until = self.until.isoformat()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "lots": lots,
            "member_id": member_id,
            "points": points,
            "until": until,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.expiring_lot_out import ExpiringLotOut # noqa: PLC0415
        d = dict(src_dict)
        lots = []
        _lots = d.pop("lots")
        for lots_item_data in (_lots):
            lots_item = ExpiringLotOut.from_dict(lots_item_data)



            lots.append(lots_item)


        member_id = UUID(d.pop("member_id"))




        points = d.pop("points")

        until = datetime.datetime.fromisoformat(d.pop("until"))




        member_expiring_out = cls(
            lots=lots,
            member_id=member_id,
            points=points,
            until=until,
        )


        member_expiring_out.additional_properties = d
        return member_expiring_out

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
