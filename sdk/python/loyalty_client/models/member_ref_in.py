from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID






T = TypeVar("T", bound="MemberRefIn")



@_attrs_define
class MemberRefIn:
    """ Exactly one way to name the member.

        Attributes:
            member_code (None | str | Unset):
            member_id (None | Unset | UUID):
            phone (None | str | Unset):
            qr_token (None | str | Unset):
     """

    member_code: None | str | Unset = UNSET
    member_id: None | Unset | UUID = UNSET
    phone: None | str | Unset = UNSET
    qr_token: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        member_code: None | str | Unset
        if isinstance(self.member_code, Unset):
            member_code = UNSET
        else:
            member_code = self.member_code

        member_id: None | str | Unset
        if isinstance(self.member_id, Unset):
            member_id = UNSET
        elif isinstance(self.member_id, UUID):
            member_id = str(self.member_id)
        else:
            member_id = self.member_id

        phone: None | str | Unset
        if isinstance(self.phone, Unset):
            phone = UNSET
        else:
            phone = self.phone

        qr_token: None | str | Unset
        if isinstance(self.qr_token, Unset):
            qr_token = UNSET
        else:
            qr_token = self.qr_token


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if member_code is not UNSET:
            field_dict["member_code"] = member_code
        if member_id is not UNSET:
            field_dict["member_id"] = member_id
        if phone is not UNSET:
            field_dict["phone"] = phone
        if qr_token is not UNSET:
            field_dict["qr_token"] = qr_token

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_member_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        member_code = _parse_member_code(d.pop("member_code", UNSET))


        def _parse_member_id(data: object) -> None | Unset | UUID:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                member_id_type_0 = UUID(data)



                return member_id_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UUID, data)

        member_id = _parse_member_id(d.pop("member_id", UNSET))


        def _parse_phone(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        phone = _parse_phone(d.pop("phone", UNSET))


        def _parse_qr_token(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        qr_token = _parse_qr_token(d.pop("qr_token", UNSET))


        member_ref_in = cls(
            member_code=member_code,
            member_id=member_id,
            phone=phone,
            qr_token=qr_token,
        )

        return member_ref_in

