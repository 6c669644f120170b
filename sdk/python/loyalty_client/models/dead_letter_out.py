from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="DeadLetterOut")



@_attrs_define
class DeadLetterOut:
    """ 
        Attributes:
            attempts (int):
            error (str):
            first_seen (str):
            generation (int):
            id (str):
            last_seen (str):
            notification_id (int):
            originator_id (str):
            originator_version (int):
            projection (str):
            topic (str):
     """

    attempts: int
    error: str
    first_seen: str
    generation: int
    id: str
    last_seen: str
    notification_id: int
    originator_id: str
    originator_version: int
    projection: str
    topic: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        error = self.error

        first_seen = self.first_seen

        generation = self.generation

        id = self.id

        last_seen = self.last_seen

        notification_id = self.notification_id

        originator_id = self.originator_id

        originator_version = self.originator_version

        projection = self.projection

        topic = self.topic


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "error": error,
            "first_seen": first_seen,
            "generation": generation,
            "id": id,
            "last_seen": last_seen,
            "notification_id": notification_id,
            "originator_id": originator_id,
            "originator_version": originator_version,
            "projection": projection,
            "topic": topic,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        error = d.pop("error")

        first_seen = d.pop("first_seen")

        generation = d.pop("generation")

        id = d.pop("id")

        last_seen = d.pop("last_seen")

        notification_id = d.pop("notification_id")

        originator_id = d.pop("originator_id")

        originator_version = d.pop("originator_version")

        projection = d.pop("projection")

        topic = d.pop("topic")

        dead_letter_out = cls(
            attempts=attempts,
            error=error,
            first_seen=first_seen,
            generation=generation,
            id=id,
            last_seen=last_seen,
            notification_id=notification_id,
            originator_id=originator_id,
            originator_version=originator_version,
            projection=projection,
            topic=topic,
        )


        dead_letter_out.additional_properties = d
        return dead_letter_out

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
