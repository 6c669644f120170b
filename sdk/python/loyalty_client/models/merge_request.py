from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID






T = TypeVar("T", bound="MergeRequest")



@_attrs_define
class MergeRequest:
    """ 
        Attributes:
            merged_member_id (UUID):
            reason (str):
            channel (None | str | Unset):
            store_id (None | str | Unset):
     """

    merged_member_id: UUID
    reason: str
    channel: None | str | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        merged_member_id = str(self.merged_member_id)

        reason = self.reason

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "merged_member_id": merged_member_id,
            "reason": reason,
        })
        if channel is not UNSET:
            field_dict["channel"] = channel
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        merged_member_id = UUID(d.pop("merged_member_id"))




        reason = d.pop("reason")

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        merge_request = cls(
            merged_member_id=merged_member_id,
            reason=reason,
            channel=channel,
            store_id=store_id,
        )

        return merge_request

