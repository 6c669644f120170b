from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="ProviderStatsOut")



@_attrs_define
class ProviderStatsOut:
    """ 
        Attributes:
            channel (str):
            cost_vnd (str):
            delivered (int):
            failed (int):
            sent (int):
     """

    channel: str
    cost_vnd: str
    delivered: int
    failed: int
    sent: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        channel = self.channel

        cost_vnd = self.cost_vnd

        delivered = self.delivered

        failed = self.failed

        sent = self.sent


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "channel": channel,
            "cost_vnd": cost_vnd,
            "delivered": delivered,
            "failed": failed,
            "sent": sent,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        channel = d.pop("channel")

        cost_vnd = d.pop("cost_vnd")

        delivered = d.pop("delivered")

        failed = d.pop("failed")

        sent = d.pop("sent")

        provider_stats_out = cls(
            channel=channel,
            cost_vnd=cost_vnd,
            delivered=delivered,
            failed=failed,
            sent=sent,
        )


        provider_stats_out.additional_properties = d
        return provider_stats_out

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
