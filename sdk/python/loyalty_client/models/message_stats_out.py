from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.provider_stats_out import ProviderStatsOut





T = TypeVar("T", bound="MessageStatsOut")



@_attrs_define
class MessageStatsOut:
    """ 
        Attributes:
            cost_vnd (str):
            date_from (datetime.date):
            date_to (datetime.date):
            messages_sent (int):
            providers (list[ProviderStatsOut]):
     """

    cost_vnd: str
    date_from: datetime.date
    date_to: datetime.date
    messages_sent: int
    providers: list[ProviderStatsOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.provider_stats_out import ProviderStatsOut # noqa: PLC0415
        cost_vnd = self.cost_vnd

        date_from = self.date_from.isoformat()

        date_to = self.date_to.isoformat()

        messages_sent = self.messages_sent

        providers = []
        for providers_item_data in self.providers:
            providers_item = providers_item_data.to_dict()
            providers.append(providers_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cost_vnd": cost_vnd,
            "date_from": date_from,
            "date_to": date_to,
            "messages_sent": messages_sent,
            "providers": providers,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.provider_stats_out import ProviderStatsOut # noqa: PLC0415
        d = dict(src_dict)
        cost_vnd = d.pop("cost_vnd")

        date_from = datetime.date.fromisoformat(d.pop("date_from"))




        date_to = datetime.date.fromisoformat(d.pop("date_to"))




        messages_sent = d.pop("messages_sent")

        providers = []
        _providers = d.pop("providers")
        for providers_item_data in (_providers):
            providers_item = ProviderStatsOut.from_dict(providers_item_data)



            providers.append(providers_item)


        message_stats_out = cls(
            cost_vnd=cost_vnd,
            date_from=date_from,
            date_to=date_to,
            messages_sent=messages_sent,
            providers=providers,
        )


        message_stats_out.additional_properties = d
        return message_stats_out

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
