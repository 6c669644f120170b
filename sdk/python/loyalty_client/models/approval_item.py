from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="ApprovalItem")



@_attrs_define
class ApprovalItem:
    """ 
        Attributes:
            approval_id (UUID):
            channel (str):
            decided_at (datetime.datetime | None):
            decided_by (None | str):
            member_id (UUID):
            note (None | str):
            points (int):
            reason (str):
            requested_at (datetime.datetime):
            requested_by (str):
            status (str):
            store_id (None | str):
            threshold (int):
     """

    approval_id: UUID
    channel: str
    decided_at: datetime.datetime | None
    decided_by: None | str
    member_id: UUID
    note: None | str
    points: int
    reason: str
    requested_at: datetime.datetime
    requested_by: str
    status: str
    store_id: None | str
    threshold: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        approval_id = str(self.approval_id)

        channel = self.channel

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        decided_by: None | str
        decided_by = self.decided_by

        member_id = str(self.member_id)

        note: None | str
        note = self.note

        points = self.points

        reason = self.reason

        requested_at = self.requested_at.isoformat()

        requested_by = self.requested_by

        status = self.status

        store_id: None | str
        store_id = self.store_id

        threshold = self.threshold


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "approval_id": approval_id,
            "channel": channel,
            "decided_at": decided_at,
            "decided_by": decided_by,
            "member_id": member_id,
            "note": note,
            "points": points,
            "reason": reason,
            "requested_at": requested_at,
            "requested_by": requested_by,
            "status": status,
            "store_id": store_id,
            "threshold": threshold,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        approval_id = UUID(d.pop("approval_id"))




        channel = d.pop("channel")

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)



                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))


        def _parse_decided_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        decided_by = _parse_decided_by(d.pop("decided_by"))


        member_id = UUID(d.pop("member_id"))




        def _parse_note(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        note = _parse_note(d.pop("note"))


        points = d.pop("points")

        reason = d.pop("reason")

        requested_at = datetime.datetime.fromisoformat(d.pop("requested_at"))




        requested_by = d.pop("requested_by")

        status = d.pop("status")

        def _parse_store_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        store_id = _parse_store_id(d.pop("store_id"))


        threshold = d.pop("threshold")

        approval_item = cls(
            approval_id=approval_id,
            channel=channel,
            decided_at=decided_at,
            decided_by=decided_by,
            member_id=member_id,
            note=note,
            points=points,
            reason=reason,
            requested_at=requested_at,
            requested_by=requested_by,
            status=status,
            store_id=store_id,
            threshold=threshold,
        )


        approval_item.additional_properties = d
        return approval_item

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
