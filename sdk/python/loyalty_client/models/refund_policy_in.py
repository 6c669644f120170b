from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="RefundPolicyIn")



@_attrs_define
class RefundPolicyIn:
    """ 
        Attributes:
            basis (str | Unset):  Default: 'pro_rata'.
            negative_limit (int | Unset):  Default: 0.
            on_shortfall (str | Unset):  Default: 'take_what_is_left'.
            return_window_days (int | Unset):  Default: 30.
     """

    basis: str | Unset = 'pro_rata'
    negative_limit: int | Unset = 0
    on_shortfall: str | Unset = 'take_what_is_left'
    return_window_days: int | Unset = 30





    def to_dict(self) -> dict[str, Any]:
        basis = self.basis

        negative_limit = self.negative_limit

        on_shortfall = self.on_shortfall

        return_window_days = self.return_window_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if basis is not UNSET:
            field_dict["basis"] = basis
        if negative_limit is not UNSET:
            field_dict["negative_limit"] = negative_limit
        if on_shortfall is not UNSET:
            field_dict["on_shortfall"] = on_shortfall
        if return_window_days is not UNSET:
            field_dict["return_window_days"] = return_window_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        basis = d.pop("basis", UNSET)

        negative_limit = d.pop("negative_limit", UNSET)

        on_shortfall = d.pop("on_shortfall", UNSET)

        return_window_days = d.pop("return_window_days", UNSET)

        refund_policy_in = cls(
            basis=basis,
            negative_limit=negative_limit,
            on_shortfall=on_shortfall,
            return_window_days=return_window_days,
        )

        return refund_policy_in

