from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="SegmentMemberOut")



@_attrs_define
class SegmentMemberOut:
    """ 
        Attributes:
            last_purchase_at (datetime.datetime | None):
            member_id (UUID):
            purchases (int):
            rfm (None | str):
            spend_vnd (str):
            tier (str):
     """

    last_purchase_at: datetime.datetime | None
    member_id: UUID
    purchases: int
    rfm: None | str
    spend_vnd: str
    tier: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        last_purchase_at: None | str
        if isinstance(self.last_purchase_at, datetime.datetime):
            last_purchase_at = self.last_purchase_at.isoformat()
        else:
            last_purchase_at = self.last_purchase_at

        member_id = str(self.member_id)

        purchases = self.purchases

        rfm: None | str
        rfm = self.rfm

        spend_vnd = self.spend_vnd

        tier = self.tier


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "last_purchase_at": last_purchase_at,
            "member_id": member_id,
            "purchases": purchases,
            "rfm": rfm,
            "spend_vnd": spend_vnd,
            "tier": tier,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_last_purchase_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                last_purchase_at_type_0 = datetime.datetime.fromisoformat(data)



                return last_purchase_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        last_purchase_at = _parse_last_purchase_at(d.pop("last_purchase_at"))


        member_id = UUID(d.pop("member_id"))




        purchases = d.pop("purchases")

        def _parse_rfm(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        rfm = _parse_rfm(d.pop("rfm"))


        spend_vnd = d.pop("spend_vnd")

        tier = d.pop("tier")

        segment_member_out = cls(
            last_purchase_at=last_purchase_at,
            member_id=member_id,
            purchases=purchases,
            rfm=rfm,
            spend_vnd=spend_vnd,
            tier=tier,
        )


        segment_member_out.additional_properties = d
        return segment_member_out

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
