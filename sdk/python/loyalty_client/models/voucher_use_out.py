from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.balance_out import BalanceOut





T = TypeVar("T", bound="VoucherUseOut")



@_attrs_define
class VoucherUseOut:
    """ 
        Attributes:
            balance (BalanceOut):
            member_id (UUID):
            order_ref (str):
            reward_id (str):
            voucher_code (str):
            status (Literal['used'] | Unset):  Default: 'used'.
     """

    balance: BalanceOut
    member_id: UUID
    order_ref: str
    reward_id: str
    voucher_code: str
    status: Literal['used'] | Unset = 'used'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        balance = self.balance.to_dict()

        member_id = str(self.member_id)

        order_ref = self.order_ref

        reward_id = self.reward_id

        voucher_code = self.voucher_code

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "member_id": member_id,
            "order_ref": order_ref,
            "reward_id": reward_id,
            "voucher_code": voucher_code,
        })
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        d = dict(src_dict)
        balance = BalanceOut.from_dict(d.pop("balance"))




        member_id = UUID(d.pop("member_id"))




        order_ref = d.pop("order_ref")

        reward_id = d.pop("reward_id")

        voucher_code = d.pop("voucher_code")

        status = cast(Literal['used'] | Unset , d.pop("status", UNSET))
        if status != 'used'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'used', got '{status}'")

        voucher_use_out = cls(
            balance=balance,
            member_id=member_id,
            order_ref=order_ref,
            reward_id=reward_id,
            voucher_code=voucher_code,
            status=status,
        )


        voucher_use_out.additional_properties = d
        return voucher_use_out

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
