from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.member_ref_in import MemberRefIn
  from ..models.purchase_line import PurchaseLine





T = TypeVar("T", bound="PurchaseRequest")



@_attrs_define
class PurchaseRequest:
    """ 
        Attributes:
            total (str): A decimal string with a dot for decimals and no thousands separator; VND has no decimals: "125000"
                (not "125.000")
            transaction_ref (str):
            channel (None | str | Unset):
            currency (str | Unset):  Default: 'VND'.
            discount (None | str | Unset):
            invoice_lookup_code (None | str | Unset):
            lines (list[PurchaseLine] | Unset):
            member (MemberRefIn | None | Unset):
            occurred_at (datetime.datetime | None | Unset):
            points_used (int | None | Unset):
            store_id (None | str | Unset):
     """

    total: str
    transaction_ref: str
    channel: None | str | Unset = UNSET
    currency: str | Unset = 'VND'
    discount: None | str | Unset = UNSET
    invoice_lookup_code: None | str | Unset = UNSET
    lines: list[PurchaseLine] | Unset = UNSET
    member: MemberRefIn | None | Unset = UNSET
    occurred_at: datetime.datetime | None | Unset = UNSET
    points_used: int | None | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.member_ref_in import MemberRefIn # noqa: PLC0415
        from ..models.purchase_line import PurchaseLine # noqa: PLC0415
        total = self.total

        transaction_ref = self.transaction_ref

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        currency = self.currency

        discount: None | str | Unset
        if isinstance(self.discount, Unset):
            discount = UNSET
        else:
            discount = self.discount

        invoice_lookup_code: None | str | Unset
        if isinstance(self.invoice_lookup_code, Unset):
            invoice_lookup_code = UNSET
        else:
            invoice_lookup_code = self.invoice_lookup_code

        lines: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.lines, Unset):
            lines = []
            for lines_item_data in self.lines:
                lines_item = lines_item_data.to_dict()
                lines.append(lines_item)



        member: dict[str, Any] | None | Unset
        if isinstance(self.member, Unset):
            member = UNSET
        elif isinstance(self.member, MemberRefIn):
            member = self.member.to_dict()
        else:
            member = self.member

        occurred_at: None | str | Unset
        if isinstance(self.occurred_at, Unset):
            occurred_at = UNSET
        elif isinstance(self.occurred_at, datetime.datetime):
            occurred_at = self.occurred_at.isoformat()
        else:
            occurred_at = self.occurred_at

        points_used: int | None | Unset
        if isinstance(self.points_used, Unset):
            points_used = UNSET
        else:
            points_used = self.points_used

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "total": total,
            "transaction_ref": transaction_ref,
        })
        if channel is not UNSET:
            field_dict["channel"] = channel
        if currency is not UNSET:
            field_dict["currency"] = currency
        if discount is not UNSET:
            field_dict["discount"] = discount
        if invoice_lookup_code is not UNSET:
            field_dict["invoice_lookup_code"] = invoice_lookup_code
        if lines is not UNSET:
            field_dict["lines"] = lines
        if member is not UNSET:
            field_dict["member"] = member
        if occurred_at is not UNSET:
            field_dict["occurred_at"] = occurred_at
        if points_used is not UNSET:
            field_dict["points_used"] = points_used
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_ref_in import MemberRefIn # noqa: PLC0415
        from ..models.purchase_line import PurchaseLine # noqa: PLC0415
        d = dict(src_dict)
        total = d.pop("total")

        transaction_ref = d.pop("transaction_ref")

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        currency = d.pop("currency", UNSET)

        def _parse_discount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        discount = _parse_discount(d.pop("discount", UNSET))


        def _parse_invoice_lookup_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        invoice_lookup_code = _parse_invoice_lookup_code(d.pop("invoice_lookup_code", UNSET))


        _lines = d.pop("lines", UNSET)
        lines: list[PurchaseLine] | Unset = UNSET
        if _lines is not UNSET:
            lines = []
            for lines_item_data in _lines:
                lines_item = PurchaseLine.from_dict(lines_item_data)



                lines.append(lines_item)


        def _parse_member(data: object) -> MemberRefIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                member_type_0 = MemberRefIn.from_dict(data)



                return member_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MemberRefIn | None | Unset, data)

        member = _parse_member(d.pop("member", UNSET))


        def _parse_occurred_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                occurred_at_type_0 = datetime.datetime.fromisoformat(data)



                return occurred_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        occurred_at = _parse_occurred_at(d.pop("occurred_at", UNSET))


        def _parse_points_used(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        points_used = _parse_points_used(d.pop("points_used", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        purchase_request = cls(
            total=total,
            transaction_ref=transaction_ref,
            channel=channel,
            currency=currency,
            discount=discount,
            invoice_lookup_code=invoice_lookup_code,
            lines=lines,
            member=member,
            occurred_at=occurred_at,
            points_used=points_used,
            store_id=store_id,
        )

        return purchase_request

