from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="WebhookRequest")



@_attrs_define
class WebhookRequest:
    """ 
        Attributes:
            url (str):
            event_types (list[str] | Unset):
            store_ids (list[str] | Unset):
     """

    url: str
    event_types: list[str] | Unset = UNSET
    store_ids: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        url = self.url

        event_types: list[str] | Unset = UNSET
        if not isinstance(self.event_types, Unset):
            event_types = self.event_types



        store_ids: list[str] | Unset = UNSET
        if not isinstance(self.store_ids, Unset):
            store_ids = self.store_ids




        field_dict: dict[str, Any] = {}

        field_dict.update({
            "url": url,
        })
        if event_types is not UNSET:
            field_dict["event_types"] = event_types
        if store_ids is not UNSET:
            field_dict["store_ids"] = store_ids

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        url = d.pop("url")

        event_types = cast(list[str], d.pop("event_types", UNSET))


        store_ids = cast(list[str], d.pop("store_ids", UNSET))


        webhook_request = cls(
            url=url,
            event_types=event_types,
            store_ids=store_ids,
        )

        return webhook_request

