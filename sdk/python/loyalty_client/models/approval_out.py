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





T = TypeVar("T", bound="ApprovalOut")



@_attrs_define
class ApprovalOut:
    """ An adjustment above the program's threshold: pending until someone else approves or refuses it.

        Attributes:
            approval_id (UUID):
            member_id (UUID):
            points (int):
            reason (str):
            requested_by (str):
            status (str):
            balance (BalanceOut | None | Unset):
            decided_by (None | str | Unset):
     """

    approval_id: UUID
    member_id: UUID
    points: int
    reason: str
    requested_by: str
    status: str
    balance: BalanceOut | None | Unset = UNSET
    decided_by: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        approval_id = str(self.approval_id)

        member_id = str(self.member_id)

        points = self.points

        reason = self.reason

        requested_by = self.requested_by

        status = self.status

        balance: dict[str, Any] | None | Unset
        if isinstance(self.balance, Unset):
            balance = UNSET
        elif isinstance(self.balance, BalanceOut):
            balance = self.balance.to_dict()
        else:
            balance = self.balance

        decided_by: None | str | Unset
        if isinstance(self.decided_by, Unset):
            decided_by = UNSET
        else:
            decided_by = self.decided_by


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "approval_id": approval_id,
            "member_id": member_id,
            "points": points,
            "reason": reason,
            "requested_by": requested_by,
            "status": status,
        })
        if balance is not UNSET:
            field_dict["balance"] = balance
        if decided_by is not UNSET:
            field_dict["decided_by"] = decided_by

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.balance_out import BalanceOut # noqa: PLC0415
        d = dict(src_dict)
        approval_id = UUID(d.pop("approval_id"))




        member_id = UUID(d.pop("member_id"))




        points = d.pop("points")

        reason = d.pop("reason")

        requested_by = d.pop("requested_by")

        status = d.pop("status")

        def _parse_balance(data: object) -> BalanceOut | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                balance_type_0 = BalanceOut.from_dict(data)



                return balance_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(BalanceOut | None | Unset, data)

        balance = _parse_balance(d.pop("balance", UNSET))


        def _parse_decided_by(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        decided_by = _parse_decided_by(d.pop("decided_by", UNSET))


        approval_out = cls(
            approval_id=approval_id,
            member_id=member_id,
            points=points,
            reason=reason,
            requested_by=requested_by,
            status=status,
            balance=balance,
            decided_by=decided_by,
        )


        approval_out.additional_properties = d
        return approval_out

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
