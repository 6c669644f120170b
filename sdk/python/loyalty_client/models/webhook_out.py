from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WebhookOut")



@_attrs_define
class WebhookOut:
    """ 
        Attributes:
            created_at (str):
            disabled_at (None | str):
            event_types (list[str]):
            store_ids (list[str]):
            url (str):
            webhook_id (str):
            secret (None | str | Unset):
     """

    created_at: str
    disabled_at: None | str
    event_types: list[str]
    store_ids: list[str]
    url: str
    webhook_id: str
    secret: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        created_at = self.created_at

        disabled_at: None | str
        disabled_at = self.disabled_at

        event_types = self.event_types



        store_ids = self.store_ids



        url = self.url

        webhook_id = self.webhook_id

        secret: None | str | Unset
        if isinstance(self.secret, Unset):
            secret = UNSET
        else:
            secret = self.secret


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "created_at": created_at,
            "disabled_at": disabled_at,
            "event_types": event_types,
            "store_ids": store_ids,
            "url": url,
            "webhook_id": webhook_id,
        })
        if secret is not UNSET:
            field_dict["secret"] = secret

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        created_at = d.pop("created_at")

        def _parse_disabled_at(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        disabled_at = _parse_disabled_at(d.pop("disabled_at"))


        event_types = cast(list[str], d.pop("event_types"))


        store_ids = cast(list[str], d.pop("store_ids"))


        url = d.pop("url")

        webhook_id = d.pop("webhook_id")

        def _parse_secret(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        secret = _parse_secret(d.pop("secret", UNSET))


        webhook_out = cls(
            created_at=created_at,
            disabled_at=disabled_at,
            event_types=event_types,
            store_ids=store_ids,
            url=url,
            webhook_id=webhook_id,
            secret=secret,
        )


        webhook_out.additional_properties = d
        return webhook_out

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
