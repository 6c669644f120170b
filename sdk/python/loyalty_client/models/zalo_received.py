from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ZaloReceived")



@_attrs_define
class ZaloReceived:
    """ 
        Attributes:
            msg_id (str):
            tracking_id (str | Unset):  Default: ''.
     """

    msg_id: str
    tracking_id: str | Unset = ''
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        msg_id = self.msg_id

        tracking_id = self.tracking_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "msg_id": msg_id,
        })
        if tracking_id is not UNSET:
            field_dict["tracking_id"] = tracking_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        msg_id = d.pop("msg_id")

        tracking_id = d.pop("tracking_id", UNSET)

        zalo_received = cls(
            msg_id=msg_id,
            tracking_id=tracking_id,
        )


        zalo_received.additional_properties = d
        return zalo_received

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
