from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SettingsOut")



@_attrs_define
class SettingsOut:
    """ 
        Attributes:
            code (str):
            currency (str):
            max_points_share_of_order (str):
            name (str):
            pending_days (int):
            point_value (str):
            rounding (str):
            adjustment_approval_points (int | Unset):  Default: 500.
            points_need_order_total (bool | Unset):  Default: False.
            receipt_claim_days (int | Unset):  Default: 30.
            require_presence_for_redemption (list[str] | Unset):
            unclaimed_purchase_days (int | Unset):  Default: 90.
     """

    code: str
    currency: str
    max_points_share_of_order: str
    name: str
    pending_days: int
    point_value: str
    rounding: str
    adjustment_approval_points: int | Unset = 500
    points_need_order_total: bool | Unset = False
    receipt_claim_days: int | Unset = 30
    require_presence_for_redemption: list[str] | Unset = UNSET
    unclaimed_purchase_days: int | Unset = 90
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        currency = self.currency

        max_points_share_of_order = self.max_points_share_of_order

        name = self.name

        pending_days = self.pending_days

        point_value = self.point_value

        rounding = self.rounding

        adjustment_approval_points = self.adjustment_approval_points

        points_need_order_total = self.points_need_order_total

        receipt_claim_days = self.receipt_claim_days

        require_presence_for_redemption: list[str] | Unset = UNSET
        if not isinstance(self.require_presence_for_redemption, Unset):
            require_presence_for_redemption = self.require_presence_for_redemption



        unclaimed_purchase_days = self.unclaimed_purchase_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "currency": currency,
            "max_points_share_of_order": max_points_share_of_order,
            "name": name,
            "pending_days": pending_days,
            "point_value": point_value,
            "rounding": rounding,
        })
        if adjustment_approval_points is not UNSET:
            field_dict["adjustment_approval_points"] = adjustment_approval_points
        if points_need_order_total is not UNSET:
            field_dict["points_need_order_total"] = points_need_order_total
        if receipt_claim_days is not UNSET:
            field_dict["receipt_claim_days"] = receipt_claim_days
        if require_presence_for_redemption is not UNSET:
            field_dict["require_presence_for_redemption"] = require_presence_for_redemption
        if unclaimed_purchase_days is not UNSET:
            field_dict["unclaimed_purchase_days"] = unclaimed_purchase_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        currency = d.pop("currency")

        max_points_share_of_order = d.pop("max_points_share_of_order")

        name = d.pop("name")

        pending_days = d.pop("pending_days")

        point_value = d.pop("point_value")

        rounding = d.pop("rounding")

        adjustment_approval_points = d.pop("adjustment_approval_points", UNSET)

        points_need_order_total = d.pop("points_need_order_total", UNSET)

        receipt_claim_days = d.pop("receipt_claim_days", UNSET)

        require_presence_for_redemption = cast(list[str], d.pop("require_presence_for_redemption", UNSET))


        unclaimed_purchase_days = d.pop("unclaimed_purchase_days", UNSET)

        settings_out = cls(
            code=code,
            currency=currency,
            max_points_share_of_order=max_points_share_of_order,
            name=name,
            pending_days=pending_days,
            point_value=point_value,
            rounding=rounding,
            adjustment_approval_points=adjustment_approval_points,
            points_need_order_total=points_need_order_total,
            receipt_claim_days=receipt_claim_days,
            require_presence_for_redemption=require_presence_for_redemption,
            unclaimed_purchase_days=unclaimed_purchase_days,
        )


        settings_out.additional_properties = d
        return settings_out

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
