from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.merge_out_status import MergeOutStatus
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.balance_out import BalanceOut





T = TypeVar("T", bound="MergeOut")



@_attrs_define
class MergeOut:
    """ 
        Attributes:
            balance (BalanceOut):
            identifiers_moved (int):
            lots_moved (int):
            merged_balance (BalanceOut):
            merged_member_id (UUID):
            points_moved (int):
            status (MergeOutStatus):
            survivor_id (UUID):
            vouchers_moved (int):
     """

    balance: BalanceOut
    identifiers_moved: int
    lots_moved: int
    merged_balance: BalanceOut
    merged_member_id: UUID
    points_moved: int
    status: MergeOutStatus
    survivor_id: UUID
    vouchers_moved: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        balance = self.balance.to_dict()

        identifiers_moved = self.identifiers_moved

        lots_moved = self.lots_moved

        merged_balance = self.merged_balance.to_dict()

        merged_member_id = str(self.merged_member_id)

        points_moved = self.points_moved

        status = self.status.value

        survivor_id = str(self.survivor_id)

        vouchers_moved = self.vouchers_moved


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "identifiers_moved": identifiers_moved,
            "lots_moved": lots_moved,
            "merged_balance": merged_balance,
            "merged_member_id": merged_member_id,
            "points_moved": points_moved,
            "status": status,
            "survivor_id": survivor_id,
            "vouchers_moved": vouchers_moved,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        d = dict(src_dict)
        balance = BalanceOut.from_dict(d.pop("balance"))




        identifiers_moved = d.pop("identifiers_moved")

        lots_moved = d.pop("lots_moved")

        merged_balance = BalanceOut.from_dict(d.pop("merged_balance"))




        merged_member_id = UUID(d.pop("merged_member_id"))




        points_moved = d.pop("points_moved")

        status = MergeOutStatus(d.pop("status"))




        survivor_id = UUID(d.pop("survivor_id"))




        vouchers_moved = d.pop("vouchers_moved")

        merge_out = cls(
            balance=balance,
            identifiers_moved=identifiers_moved,
            lots_moved=lots_moved,
            merged_balance=merged_balance,
            merged_member_id=merged_member_id,
            points_moved=points_moved,
            status=status,
            survivor_id=survivor_id,
            vouchers_moved=vouchers_moved,
        )


        merge_out.additional_properties = d
        return merge_out

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
