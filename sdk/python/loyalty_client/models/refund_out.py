from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.balance_out import BalanceOut





T = TypeVar("T", bound="RefundOut")



@_attrs_define
class RefundOut:
    """ 
        Attributes:
            balance (BalanceOut):
            member_id (UUID):
            points_reversed (int):
            refund_ref (str):
            settled_by (str):
            shortfall (int):
            transaction_ref (str):
     """

    balance: BalanceOut
    member_id: UUID
    points_reversed: int
    refund_ref: str
    settled_by: str
    shortfall: int
    transaction_ref: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        balance = self.balance.to_dict()

        member_id = str(self.member_id)

        points_reversed = self.points_reversed

        refund_ref = self.refund_ref

        settled_by = self.settled_by

        shortfall = self.shortfall

        transaction_ref = self.transaction_ref


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "member_id": member_id,
            "points_reversed": points_reversed,
            "refund_ref": refund_ref,
            "settled_by": settled_by,
            "shortfall": shortfall,
            "transaction_ref": transaction_ref,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        d = dict(src_dict)
        balance = BalanceOut.from_dict(d.pop("balance"))




        member_id = UUID(d.pop("member_id"))




        points_reversed = d.pop("points_reversed")

        refund_ref = d.pop("refund_ref")

        settled_by = d.pop("settled_by")

        shortfall = d.pop("shortfall")

        transaction_ref = d.pop("transaction_ref")

        refund_out = cls(
            balance=balance,
            member_id=member_id,
            points_reversed=points_reversed,
            refund_ref=refund_ref,
            settled_by=settled_by,
            shortfall=shortfall,
            transaction_ref=transaction_ref,
        )


        refund_out.additional_properties = d
        return refund_out

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
