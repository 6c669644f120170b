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





T = TypeVar("T", bound="MemberOut")



@_attrs_define
class MemberOut:
    """ 
        Attributes:
            balance (BalanceOut):
            email (None | str):
            member_code (None | str):
            member_id (UUID):
            name (None | str):
            phone (None | str):
            qr_token (None | str):
            tier (str):
     """

    balance: BalanceOut
    email: None | str
    member_code: None | str
    member_id: UUID
    name: None | str
    phone: None | str
    qr_token: None | str
    tier: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        balance = self.balance.to_dict()

        email: None | str
        email = self.email

        member_code: None | str
        member_code = self.member_code

        member_id = str(self.member_id)

        name: None | str
        name = self.name

        phone: None | str
        phone = self.phone

        qr_token: None | str
        qr_token = self.qr_token

        tier = self.tier


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "balance": balance,
            "email": email,
            "member_code": member_code,
            "member_id": member_id,
            "name": name,
            "phone": phone,
            "qr_token": qr_token,
            "tier": tier,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        d = dict(src_dict)
        balance = BalanceOut.from_dict(d.pop("balance"))




        def _parse_email(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        email = _parse_email(d.pop("email"))


        def _parse_member_code(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        member_code = _parse_member_code(d.pop("member_code"))


        member_id = UUID(d.pop("member_id"))




        def _parse_name(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        name = _parse_name(d.pop("name"))


        def _parse_phone(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        phone = _parse_phone(d.pop("phone"))


        def _parse_qr_token(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        qr_token = _parse_qr_token(d.pop("qr_token"))


        tier = d.pop("tier")

        member_out = cls(
            balance=balance,
            email=email,
            member_code=member_code,
            member_id=member_id,
            name=name,
            phone=phone,
            qr_token=qr_token,
            tier=tier,
        )


        member_out.additional_properties = d
        return member_out

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
