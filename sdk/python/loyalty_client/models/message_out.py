from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime






T = TypeVar("T", bound="MessageOut")



@_attrs_define
class MessageOut:
    """ 
        Attributes:
            attempts (int):
            channel (None | str):
            cost_vnd (None | str):
            created_at (datetime.datetime):
            delivered_at (datetime.datetime | None):
            kind (str):
            last_error (None | str):
            message_id (str):
            next_attempt_at (datetime.datetime):
            purpose (str):
            recipient (None | str):
            sent_at (datetime.datetime | None):
            status (str):
     """

    attempts: int
    channel: None | str
    cost_vnd: None | str
    created_at: datetime.datetime
    delivered_at: datetime.datetime | None
    kind: str
    last_error: None | str
    message_id: str
    next_attempt_at: datetime.datetime
    purpose: str
    recipient: None | str
    sent_at: datetime.datetime | None
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        attempts = self.attempts

        channel: None | str
        channel = self.channel

        cost_vnd: None | str
        cost_vnd = self.cost_vnd

        created_at = self.created_at.isoformat()

        delivered_at: None | str
        if isinstance(self.delivered_at, datetime.datetime):
            delivered_at = self.delivered_at.isoformat()
        else:
            delivered_at = self.delivered_at

        kind = self.kind

        last_error: None | str
        last_error = self.last_error

        message_id = self.message_id

        next_attempt_at = self.next_attempt_at.isoformat()

        purpose = self.purpose

        recipient: None | str
        recipient = self.recipient

        sent_at: None | str
        if isinstance(self.sent_at, datetime.datetime):
            sent_at = self.sent_at.isoformat()
        else:
            sent_at = self.sent_at

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "attempts": attempts,
            "channel": channel,
            "cost_vnd": cost_vnd,
            "created_at": created_at,
            "delivered_at": delivered_at,
            "kind": kind,
            "last_error": last_error,
            "message_id": message_id,
            "next_attempt_at": next_attempt_at,
            "purpose": purpose,
            "recipient": recipient,
            "sent_at": sent_at,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        attempts = d.pop("attempts")

        def _parse_channel(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        channel = _parse_channel(d.pop("channel"))


        def _parse_cost_vnd(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        cost_vnd = _parse_cost_vnd(d.pop("cost_vnd"))


        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))




        def _parse_delivered_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                delivered_at_type_0 = datetime.datetime.fromisoformat(data)



                return delivered_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        delivered_at = _parse_delivered_at(d.pop("delivered_at"))


        kind = d.pop("kind")

        def _parse_last_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        last_error = _parse_last_error(d.pop("last_error"))


        message_id = d.pop("message_id")

        next_attempt_at = datetime.datetime.fromisoformat(d.pop("next_attempt_at"))




        purpose = d.pop("purpose")

        def _parse_recipient(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        recipient = _parse_recipient(d.pop("recipient"))


        def _parse_sent_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                sent_at_type_0 = datetime.datetime.fromisoformat(data)



                return sent_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        sent_at = _parse_sent_at(d.pop("sent_at"))


        status = d.pop("status")

        message_out = cls(
            attempts=attempts,
            channel=channel,
            cost_vnd=cost_vnd,
            created_at=created_at,
            delivered_at=delivered_at,
            kind=kind,
            last_error=last_error,
            message_id=message_id,
            next_attempt_at=next_attempt_at,
            purpose=purpose,
            recipient=recipient,
            sent_at=sent_at,
            status=status,
        )


        message_out.additional_properties = d
        return message_out

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
