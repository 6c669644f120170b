from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="PurchaseLine")



@_attrs_define
class PurchaseLine:
    """ 
        Attributes:
            amount (str): A decimal string; negative for a discount line: "-10000"
            sku (str):
            category (None | str | Unset):
            quantity (int | Unset):  Default: 1.
            unit_price (str | Unset): A decimal string; negative for a discount line: "-10000" Default: '0'.
     """

    amount: str
    sku: str
    category: None | str | Unset = UNSET
    quantity: int | Unset = 1
    unit_price: str | Unset = '0'





    def to_dict(self) -> dict[str, Any]:
        amount = self.amount

        sku = self.sku

        category: None | str | Unset
        if isinstance(self.category, Unset):
            category = UNSET
        else:
            category = self.category

        quantity = self.quantity

        unit_price = self.unit_price


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "sku": sku,
        })
        if category is not UNSET:
            field_dict["category"] = category
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if unit_price is not UNSET:
            field_dict["unit_price"] = unit_price

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        amount = d.pop("amount")

        sku = d.pop("sku")

        def _parse_category(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        category = _parse_category(d.pop("category", UNSET))


        quantity = d.pop("quantity", UNSET)

        unit_price = d.pop("unit_price", UNSET)

        purchase_line = cls(
            amount=amount,
            sku=sku,
            category=category,
            quantity=quantity,
            unit_price=unit_price,
        )

        return purchase_line

