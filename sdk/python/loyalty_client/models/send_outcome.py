from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast






T = TypeVar("T", bound="SendOutcome")



@_attrs_define
class SendOutcome:
    """ What the receiver answered to one send made now.

        Attributes:
            delivered (bool): True when the receiver answered 2xx
            duration_ms (int):
            error (None | str): Why it was not delivered (`HTTP 500`, a connection error, a refused address); null when
                delivered
            message_id (str): The `webhook-id` header sent (a redelivery reuses the delivery's)
            sent_at (str):
            status_code (int | None): The receiver's HTTP status; null when there was no answer
            url (str):
            webhook_id (str):
     """

    delivered: bool
    duration_ms: int
    error: None | str
    message_id: str
    sent_at: str
    status_code: int | None
    url: str
    webhook_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        delivered = self.delivered

        duration_ms = self.duration_ms

        error: None | str
        error = self.error

        message_id = self.message_id

        sent_at = self.sent_at

        status_code: int | None
        status_code = self.status_code

        url = self.url

        webhook_id = self.webhook_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "delivered": delivered,
            "duration_ms": duration_ms,
            "error": error,
            "message_id": message_id,
            "sent_at": sent_at,
            "status_code": status_code,
            "url": url,
            "webhook_id": webhook_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        delivered = d.pop("delivered")

        duration_ms = d.pop("duration_ms")

        def _parse_error(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        error = _parse_error(d.pop("error"))


        message_id = d.pop("message_id")

        sent_at = d.pop("sent_at")

        def _parse_status_code(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        status_code = _parse_status_code(d.pop("status_code"))


        url = d.pop("url")

        webhook_id = d.pop("webhook_id")

        send_outcome = cls(
            delivered=delivered,
            duration_ms=duration_ms,
            error=error,
            message_id=message_id,
            sent_at=sent_at,
            status_code=status_code,
            url=url,
            webhook_id=webhook_id,
        )


        send_outcome.additional_properties = d
        return send_outcome

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
