from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ExpiryPolicyIn")



@_attrs_define
class ExpiryPolicyIn:
    """ 
        Attributes:
            kind (str):
            months (int | Unset):  Default: 0.
            period (str | Unset):  Default: 'year'.
            periods_after (int | Unset):  Default: 1.
     """

    kind: str
    months: int | Unset = 0
    period: str | Unset = 'year'
    periods_after: int | Unset = 1





    def to_dict(self) -> dict[str, Any]:
        kind = self.kind

        months = self.months

        period = self.period

        periods_after = self.periods_after


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
        })
        if months is not UNSET:
            field_dict["months"] = months
        if period is not UNSET:
            field_dict["period"] = period
        if periods_after is not UNSET:
            field_dict["periods_after"] = periods_after

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = d.pop("kind")

        months = d.pop("months", UNSET)

        period = d.pop("period", UNSET)

        periods_after = d.pop("periods_after", UNSET)

        expiry_policy_in = cls(
            kind=kind,
            months=months,
            period=period,
            periods_after=periods_after,
        )

        return expiry_policy_in

