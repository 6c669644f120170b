from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID

if TYPE_CHECKING:
  from ..models.balance_out import BalanceOut





T = TypeVar("T", bound="CaptureOut")



@_attrs_define
class CaptureOut:
    """ 
        Attributes:
            balance (BalanceOut):
            member_id (UUID):
            points_captured (int):
            points_released (int):
            redemption_id (None | str):
            reservation_id (str):
            discount_amount (None | str | Unset):
     """

    balance: BalanceOut
    member_id: UUID
    points_captured: int
    points_released: int
    redemption_id: None | str
    reservation_id: str
    discount_amount: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        balance = self.balance.to_dict()

        member_id = str(self.member_id)

        points_captured = self.points_captured

        points_released = self.points_released

        redemption_id: None | str
        redemption_id = self.redemption_id

        reservation_id = self.reservation_id

        discount_amount: None | str | Unset
        if isinstance(self.discount_amount, Unset):
            discount_amount = UNSET
        else:
            discount_amount = self.discount_amount


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "member_id": member_id,
            "points_captured": points_captured,
            "points_released": points_released,
            "redemption_id": redemption_id,
            "reservation_id": reservation_id,
        })
        if discount_amount is not UNSET:
            field_dict["discount_amount"] = discount_amount

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        d = dict(src_dict)
        balance = BalanceOut.from_dict(d.pop("balance"))




        member_id = UUID(d.pop("member_id"))




        points_captured = d.pop("points_captured")

        points_released = d.pop("points_released")

        def _parse_redemption_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        redemption_id = _parse_redemption_id(d.pop("redemption_id"))


        reservation_id = d.pop("reservation_id")

        def _parse_discount_amount(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        discount_amount = _parse_discount_amount(d.pop("discount_amount", UNSET))


        capture_out = cls(
            balance=balance,
            member_id=member_id,
            points_captured=points_captured,
            points_released=points_released,
            redemption_id=redemption_id,
            reservation_id=reservation_id,
            discount_amount=discount_amount,
        )


        capture_out.additional_properties = d
        return capture_out

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
