from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.delivery_out import DeliveryOut
  from ..models.send_outcome import SendOutcome





T = TypeVar("T", bound="RedeliveryOut")



@_attrs_define
class RedeliveryOut:
    """ 
        Attributes:
            delivery (DeliveryOut):
            outcome (SendOutcome): What the receiver answered to one send made now.
     """

    delivery: DeliveryOut
    outcome: SendOutcome
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.delivery_out import DeliveryOut # noqa: PLC0415
        from ..models.send_outcome import SendOutcome # noqa: PLC0415
        delivery = self.delivery.to_dict()

        outcome = self.outcome.to_dict()


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "delivery": delivery,
            "outcome": outcome,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.delivery_out import DeliveryOut # noqa: PLC0415
        from ..models.send_outcome import SendOutcome # noqa: PLC0415
        d = dict(src_dict)
        delivery = DeliveryOut.from_dict(d.pop("delivery"))




        outcome = SendOutcome.from_dict(d.pop("outcome"))




        redelivery_out = cls(
            delivery=delivery,
            outcome=outcome,
        )


        redelivery_out.additional_properties = d
        return redelivery_out

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
