from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="SettingsIn")



@_attrs_define
class SettingsIn:
    """ 
        Attributes:
            code (str): A stable id: letters, digits, `_ . : -`, at most 100 characters
            currency (str):
            name (str):
            point_value (str): A decimal string with a dot for decimals and no thousands separator; VND has no decimals:
                "125000" (not "125.000")
            adjustment_approval_points (int | Unset):  Default: 500.
            max_points_share_of_order (str | Unset): A decimal string: "2", "1.25", "0.5" Default: '1'.
            pending_days (int | Unset):  Default: 0.
            points_need_order_total (bool | Unset):  Default: False.
            receipt_claim_days (int | Unset):  Default: 30.
            require_presence_for_redemption (list[str] | Unset):
            rounding (str | Unset):  Default: 'down'.
            unclaimed_purchase_days (int | Unset):  Default: 90.
     """

    code: str
    currency: str
    name: str
    point_value: str
    adjustment_approval_points: int | Unset = 500
    max_points_share_of_order: str | Unset = '1'
    pending_days: int | Unset = 0
    points_need_order_total: bool | Unset = False
    receipt_claim_days: int | Unset = 30
    require_presence_for_redemption: list[str] | Unset = UNSET
    rounding: str | Unset = 'down'
    unclaimed_purchase_days: int | Unset = 90





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        currency = self.currency

        name = self.name

        point_value = self.point_value

        adjustment_approval_points = self.adjustment_approval_points

        max_points_share_of_order = self.max_points_share_of_order

        pending_days = self.pending_days

        points_need_order_total = self.points_need_order_total

        receipt_claim_days = self.receipt_claim_days

        require_presence_for_redemption: list[str] | Unset = UNSET
        if not isinstance(self.require_presence_for_redemption, Unset):
            require_presence_for_redemption = self.require_presence_for_redemption



        rounding = self.rounding

        unclaimed_purchase_days = self.unclaimed_purchase_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "code": code,
            "currency": currency,
            "name": name,
            "point_value": point_value,
        })
        if adjustment_approval_points is not UNSET:
            field_dict["adjustment_approval_points"] = adjustment_approval_points
        if max_points_share_of_order is not UNSET:
            field_dict["max_points_share_of_order"] = max_points_share_of_order
        if pending_days is not UNSET:
            field_dict["pending_days"] = pending_days
        if points_need_order_total is not UNSET:
            field_dict["points_need_order_total"] = points_need_order_total
        if receipt_claim_days is not UNSET:
            field_dict["receipt_claim_days"] = receipt_claim_days
        if require_presence_for_redemption is not UNSET:
            field_dict["require_presence_for_redemption"] = require_presence_for_redemption
        if rounding is not UNSET:
            field_dict["rounding"] = rounding
        if unclaimed_purchase_days is not UNSET:
            field_dict["unclaimed_purchase_days"] = unclaimed_purchase_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        currency = d.pop("currency")

        name = d.pop("name")

        point_value = d.pop("point_value")

        adjustment_approval_points = d.pop("adjustment_approval_points", UNSET)

        max_points_share_of_order = d.pop("max_points_share_of_order", UNSET)

        pending_days = d.pop("pending_days", UNSET)

        points_need_order_total = d.pop("points_need_order_total", UNSET)

        receipt_claim_days = d.pop("receipt_claim_days", UNSET)

        require_presence_for_redemption = cast(list[str], d.pop("require_presence_for_redemption", UNSET))


        rounding = d.pop("rounding", UNSET)

        unclaimed_purchase_days = d.pop("unclaimed_purchase_days", UNSET)

        settings_in = cls(
            code=code,
            currency=currency,
            name=name,
            point_value=point_value,
            adjustment_approval_points=adjustment_approval_points,
            max_points_share_of_order=max_points_share_of_order,
            pending_days=pending_days,
            points_need_order_total=points_need_order_total,
            receipt_claim_days=receipt_claim_days,
            require_presence_for_redemption=require_presence_for_redemption,
            rounding=rounding,
            unclaimed_purchase_days=unclaimed_purchase_days,
        )

        return settings_in

