from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="ReceiptClaimRequest")



@_attrs_define
class ReceiptClaimRequest:
    """ 
        Attributes:
            transaction_ref (str):
            sale_channel (str | Unset):  Default: 'pos'.
     """

    transaction_ref: str
    sale_channel: str | Unset = 'pos'





    def to_dict(self) -> dict[str, Any]:
        transaction_ref = self.transaction_ref

        sale_channel = self.sale_channel


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "transaction_ref": transaction_ref,
        })
        if sale_channel is not UNSET:
            field_dict["sale_channel"] = sale_channel

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        transaction_ref = d.pop("transaction_ref")

        sale_channel = d.pop("sale_channel", UNSET)

        receipt_claim_request = cls(
            transaction_ref=transaction_ref,
            sale_channel=sale_channel,
        )

        return receipt_claim_request

