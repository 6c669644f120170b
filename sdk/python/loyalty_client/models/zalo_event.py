from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.zalo_received import ZaloReceived





T = TypeVar("T", bound="ZaloEvent")



@_attrs_define
class ZaloEvent:
    """ 
        Attributes:
            event_name (str):
            message (None | Unset | ZaloReceived):
     """

    event_name: str
    message: None | Unset | ZaloReceived = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.zalo_received import ZaloReceived # noqa: PLC0415
        event_name = self.event_name

        message: dict[str, Any] | None | Unset
        if isinstance(self.message, Unset):
            message = UNSET
        elif isinstance(self.message, ZaloReceived):
            message = self.message.to_dict()
        else:
            message = self.message


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "event_name": event_name,
        })
        if message is not UNSET:
            field_dict["message"] = message

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.zalo_received import ZaloReceived # noqa: PLC0415
        d = dict(src_dict)
        event_name = d.pop("event_name")

        def _parse_message(data: object) -> None | Unset | ZaloReceived:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                message_type_0 = ZaloReceived.from_dict(data)



                return message_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | ZaloReceived, data)

        message = _parse_message(d.pop("message", UNSET))


        zalo_event = cls(
            event_name=event_name,
            message=message,
        )


        zalo_event.additional_properties = d
        return zalo_event

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
