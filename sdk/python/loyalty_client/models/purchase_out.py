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
  from ..models.rule_line import RuleLine





T = TypeVar("T", bound="PurchaseOut")



@_attrs_define
class PurchaseOut:
    """ 
        Attributes:
            balance (BalanceOut):
            breakdown (list[RuleLine]):
            member_id (UUID):
            points_earned (int):
            transaction_ref (str):
            vouchers (list[str]):
     """

    balance: BalanceOut
    breakdown: list[RuleLine]
    member_id: UUID
    points_earned: int
    transaction_ref: str
    vouchers: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        from ..models.rule_line import RuleLine # noqa: PLC0415
        balance = self.balance.to_dict()

        breakdown = []
        for breakdown_item_data in self.breakdown:
            breakdown_item = breakdown_item_data.to_dict()
            breakdown.append(breakdown_item)



        member_id = str(self.member_id)

        points_earned = self.points_earned

        transaction_ref = self.transaction_ref

        vouchers = self.vouchers




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "breakdown": breakdown,
            "member_id": member_id,
            "points_earned": points_earned,
            "transaction_ref": transaction_ref,
            "vouchers": vouchers,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        from ..models.rule_line import RuleLine # noqa: PLC0415
        d = dict(src_dict)
        balance = BalanceOut.from_dict(d.pop("balance"))




        breakdown = []
        _breakdown = d.pop("breakdown")
        for breakdown_item_data in (_breakdown):
            breakdown_item = RuleLine.from_dict(breakdown_item_data)



            breakdown.append(breakdown_item)


        member_id = UUID(d.pop("member_id"))




        points_earned = d.pop("points_earned")

        transaction_ref = d.pop("transaction_ref")

        vouchers = cast(list[str], d.pop("vouchers"))


        purchase_out = cls(
            balance=balance,
            breakdown=breakdown,
            member_id=member_id,
            points_earned=points_earned,
            transaction_ref=transaction_ref,
            vouchers=vouchers,
        )


        purchase_out.additional_properties = d
        return purchase_out

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
