from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RefundPolicyOut")



@_attrs_define
class RefundPolicyOut:
    """ 
        Attributes:
            basis (str):
            negative_limit (int):
            on_shortfall (str):
            return_window_days (int | Unset):  Default: 30.
     """

    basis: str
    negative_limit: int
    on_shortfall: str
    return_window_days: int | Unset = 30
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        basis = self.basis

        negative_limit = self.negative_limit

        on_shortfall = self.on_shortfall

        return_window_days = self.return_window_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "basis": basis,
            "negative_limit": negative_limit,
            "on_shortfall": on_shortfall,
        })
        if return_window_days is not UNSET:
            field_dict["return_window_days"] = return_window_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        basis = d.pop("basis")

        negative_limit = d.pop("negative_limit")

        on_shortfall = d.pop("on_shortfall")

        return_window_days = d.pop("return_window_days", UNSET)

        refund_policy_out = cls(
            basis=basis,
            negative_limit=negative_limit,
            on_shortfall=on_shortfall,
            return_window_days=return_window_days,
        )


        refund_policy_out.additional_properties = d
        return refund_policy_out

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
