from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.timeline_item_data import TimelineItemData





T = TypeVar("T", bound="TimelineItem")



@_attrs_define
class TimelineItem:
    """ A history item with the line the read side's timeline writes for it.

        Attributes:
            actor (None | str):
            at_local (str):
            channel (None | str):
            channel_label (None | str):
            data (TimelineItemData):
            id (str):
            member_id (str):
            points (int):
            recorded_at (str):
            store_id (None | str):
            text (str):
            type_ (str):
            version (int):
     """

    actor: None | str
    at_local: str
    channel: None | str
    channel_label: None | str
    data: TimelineItemData
    id: str
    member_id: str
    points: int
    recorded_at: str
    store_id: None | str
    text: str
    type_: str
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.timeline_item_data import TimelineItemData # noqa: PLC0415
        actor: None | str
        actor = self.actor

        at_local = self.at_local

        channel: None | str
        channel = self.channel

        channel_label: None | str
        channel_label = self.channel_label

        data = self.data.to_dict()

        id = self.id

        member_id = self.member_id

        points = self.points

        recorded_at = self.recorded_at

        store_id: None | str
        store_id = self.store_id

        text = self.text

        type_ = self.type_

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "actor": actor,
            "at_local": at_local,
            "channel": channel,
            "channel_label": channel_label,
            "data": data,
            "id": id,
            "member_id": member_id,
            "points": points,
            "recorded_at": recorded_at,
            "store_id": store_id,
            "text": text,
            "type": type_,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.timeline_item_data import TimelineItemData # noqa: PLC0415
        d = dict(src_dict)
        def _parse_actor(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        actor = _parse_actor(d.pop("actor"))


        at_local = d.pop("at_local")

        def _parse_channel(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        channel = _parse_channel(d.pop("channel"))


        def _parse_channel_label(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        channel_label = _parse_channel_label(d.pop("channel_label"))


        data = TimelineItemData.from_dict(d.pop("data"))




        id = d.pop("id")

        member_id = d.pop("member_id")

        points = d.pop("points")

        recorded_at = d.pop("recorded_at")

        def _parse_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        store_id = _parse_store_id(d.pop("store_id"))


        text = d.pop("text")

        type_ = d.pop("type")

        version = d.pop("version")

        timeline_item = cls(
            actor=actor,
            at_local=at_local,
            channel=channel,
            channel_label=channel_label,
            data=data,
            id=id,
            member_id=member_id,
            points=points,
            recorded_at=recorded_at,
            store_id=store_id,
            text=text,
            type_=type_,
            version=version,
        )


        timeline_item.additional_properties = d
        return timeline_item

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
