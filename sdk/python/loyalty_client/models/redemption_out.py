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
  from ..models.points_voucher_out import PointsVoucherOut





T = TypeVar("T", bound="RedemptionOut")



@_attrs_define
class RedemptionOut:
    """ 
        Attributes:
            balance (BalanceOut):
            discount_amount (None | str):
            member_id (UUID):
            points (int):
            redemption_id (str):
            reward_id (None | str):
            voucher (None | PointsVoucherOut):
     """

    balance: BalanceOut
    discount_amount: None | str
    member_id: UUID
    points: int
    redemption_id: str
    reward_id: None | str
    voucher: None | PointsVoucherOut
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        from ..models.points_voucher_out import PointsVoucherOut # noqa: PLC0415
        balance = self.balance.to_dict()

        discount_amount: None | str
        discount_amount = self.discount_amount

        member_id = str(self.member_id)

        points = self.points

        redemption_id = self.redemption_id

        reward_id: None | str
        reward_id = self.reward_id

        voucher: dict[str, Any] | None
        if isinstance(self.voucher, PointsVoucherOut):
            voucher = self.voucher.to_dict()
        else:
            voucher = self.voucher


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "discount_amount": discount_amount,
            "member_id": member_id,
            "points": points,
            "redemption_id": redemption_id,
            "reward_id": reward_id,
            "voucher": voucher,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        from ..models.points_voucher_out import PointsVoucherOut # noqa: PLC0415
        d = dict(src_dict)
        balance = BalanceOut.from_dict(d.pop("balance"))




        def _parse_discount_amount(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        discount_amount = _parse_discount_amount(d.pop("discount_amount"))


        member_id = UUID(d.pop("member_id"))




        points = d.pop("points")

        redemption_id = d.pop("redemption_id")

        def _parse_reward_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        reward_id = _parse_reward_id(d.pop("reward_id"))


        def _parse_voucher(data: object) -> None | PointsVoucherOut:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                voucher_type_0 = PointsVoucherOut.from_dict(data)



                return voucher_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | PointsVoucherOut, data)

        voucher = _parse_voucher(d.pop("voucher"))


        redemption_out = cls(
            balance=balance,
            discount_amount=discount_amount,
            member_id=member_id,
            points=points,
            redemption_id=redemption_id,
            reward_id=reward_id,
            voucher=voucher,
        )


        redemption_out.additional_properties = d
        return redemption_out

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
