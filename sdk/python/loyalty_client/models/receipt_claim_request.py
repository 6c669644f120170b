from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReceiptClaimRequest")



@_attrs_define
class ReceiptClaimRequest:
    """ 
        Attributes:
            invoice_lookup_code (None | str | Unset):
            sale_channel (str | Unset):  Default: 'pos'.
            transaction_ref (None | str | Unset):
     """

    invoice_lookup_code: None | str | Unset = UNSET
    sale_channel: str | Unset = 'pos'
    transaction_ref: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        invoice_lookup_code: None | str | Unset
        if isinstance(self.invoice_lookup_code, Unset):
            invoice_lookup_code = UNSET
        else:
            invoice_lookup_code = self.invoice_lookup_code

        sale_channel = self.sale_channel

        transaction_ref: None | str | Unset
        if isinstance(self.transaction_ref, Unset):
            transaction_ref = UNSET
        else:
            transaction_ref = self.transaction_ref


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if invoice_lookup_code is not UNSET:
            field_dict["invoice_lookup_code"] = invoice_lookup_code
        if sale_channel is not UNSET:
            field_dict["sale_channel"] = sale_channel
        if transaction_ref is not UNSET:
            field_dict["transaction_ref"] = transaction_ref

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_invoice_lookup_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        invoice_lookup_code = _parse_invoice_lookup_code(d.pop("invoice_lookup_code", UNSET))


        sale_channel = d.pop("sale_channel", UNSET)

        def _parse_transaction_ref(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        transaction_ref = _parse_transaction_ref(d.pop("transaction_ref", UNSET))


        receipt_claim_request = cls(
            invoice_lookup_code=invoice_lookup_code,
            sale_channel=sale_channel,
            transaction_ref=transaction_ref,
        )

        return receipt_claim_request

