from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.event_out_data import EventOutData





T = TypeVar("T", bound="EventOut")



@_attrs_define
class EventOut:
    """ 
        Attributes:
            actor (None | str):
            channel (None | str):
            data (EventOutData):
            id (str):
            member_id (str):
            recorded_at (str):
            store_id (None | str):
            type_ (str):
            version (int):
     """

    actor: None | str
    channel: None | str
    data: EventOutData
    id: str
    member_id: str
    recorded_at: str
    store_id: None | str
    type_: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.event_out_data import EventOutData # noqa: PLC0415
        actor: None | str
        actor = self.actor

        channel: None | str
        channel = self.channel

        data = self.data.to_dict()

        id = self.id

        member_id = self.member_id

        recorded_at = self.recorded_at

        store_id: None | str
        store_id = self.store_id

        type_ = self.type_

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "actor": actor,
            "channel": channel,
            "data": data,
            "id": id,
            "member_id": member_id,
            "recorded_at": recorded_at,
            "store_id": store_id,
            "type": type_,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_out_data import EventOutData # noqa: PLC0415
        d = dict(src_dict)
        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))


        def _parse_channel(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        channel = _parse_channel(d.pop("channel"))


        data = EventOutData.from_dict(d.pop("data"))




        id = d.pop("id")

        member_id = d.pop("member_id")

        recorded_at = d.pop("recorded_at")

        def _parse_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        store_id = _parse_store_id(d.pop("store_id"))


        type_ = d.pop("type")

        version = d.pop("version")

        event_out = cls(
            actor=actor,
            channel=channel,
            data=data,
            id=id,
            member_id=member_id,
            recorded_at=recorded_at,
            store_id=store_id,
            type_=type_,
            version=version,
        )


        event_out.additional_properties = d
        return event_out

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
