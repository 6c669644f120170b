from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.refund_line import RefundLine





T = TypeVar("T", bound="RefundRequest")



@_attrs_define
class RefundRequest:
    """ 
        Attributes:
            amount (str): A decimal string with a dot for decimals and no thousands separator; VND has no decimals: "125000"
                (not "125.000")
            refund_ref (str):
            channel (None | str | Unset):
            lines (list[RefundLine] | Unset):
            purchase_channel (None | str | Unset):
            store_id (None | str | Unset):
     """

    amount: str
    refund_ref: str
    channel: None | str | Unset = UNSET
    lines: list[RefundLine] | Unset = UNSET
    purchase_channel: None | str | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.refund_line import RefundLine # noqa: PLC0415
        amount = self.amount

        refund_ref = self.refund_ref

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        lines: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.lines, Unset):
            lines = []
            for lines_item_data in self.lines:
                lines_item = lines_item_data.to_dict()
                lines.append(lines_item)



        purchase_channel: None | str | Unset
        if isinstance(self.purchase_channel, Unset):
            purchase_channel = UNSET
        else:
            purchase_channel = self.purchase_channel

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "amount": amount,
            "refund_ref": refund_ref,
        })
        if channel is not UNSET:
            field_dict["channel"] = channel
        if lines is not UNSET:
            field_dict["lines"] = lines
        if purchase_channel is not UNSET:
            field_dict["purchase_channel"] = purchase_channel
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.refund_line import RefundLine # noqa: PLC0415
        d = dict(src_dict)
        amount = d.pop("amount")

        refund_ref = d.pop("refund_ref")

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        _lines = d.pop("lines", UNSET)
        lines: list[RefundLine] | Unset = UNSET
        if _lines is not UNSET:
            lines = []
            for lines_item_data in _lines:
                lines_item = RefundLine.from_dict(lines_item_data)



                lines.append(lines_item)


        def _parse_purchase_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        purchase_channel = _parse_purchase_channel(d.pop("purchase_channel", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        refund_request = cls(
            amount=amount,
            refund_ref=refund_ref,
            channel=channel,
            lines=lines,
            purchase_channel=purchase_channel,
            store_id=store_id,
        )

        return refund_request

