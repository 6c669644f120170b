from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.member_changes_voucher_out_status import MemberChangesVoucherOutStatus
from typing import cast
from uuid import UUID
import datetime






T = TypeVar("T", bound="MemberChangesVoucherOut")



@_attrs_define
class MemberChangesVoucherOut:
    """ 
        Attributes:
            code (str):
            expires_at (datetime.datetime | None):
            member_id (UUID):
            reward_id (str):
            status (MemberChangesVoucherOutStatus):
     """

    code: str
    expires_at: datetime.datetime | None
    member_id: UUID
    reward_id: str
    status: MemberChangesVoucherOutStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        member_id = str(self.member_id)

        reward_id = self.reward_id

        status = self.status.value


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "code": code,
            "expires_at": expires_at,
            "member_id": member_id,
            "reward_id": reward_id,
            "status": status,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        def _parse_expires_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)



                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))


        member_id = UUID(d.pop("member_id"))




        reward_id = d.pop("reward_id")

        status = MemberChangesVoucherOutStatus(d.pop("status"))




        member_changes_voucher_out = cls(
            code=code,
            expires_at=expires_at,
            member_id=member_id,
            reward_id=reward_id,
            status=status,
        )


        member_changes_voucher_out.additional_properties = d
        return member_changes_voucher_out

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
