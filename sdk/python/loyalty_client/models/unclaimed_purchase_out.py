from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from typing import Literal, cast
import datetime






T = TypeVar("T", bound="UnclaimedPurchaseOut")



@_attrs_define
class UnclaimedPurchaseOut:
    """ 
        Attributes:
            expires_at (datetime.datetime | None):
            held_for (str):
            transaction_ref (str):
            status (Literal['unclaimed'] | Unset):  Default: 'unclaimed'.
     """

    expires_at: datetime.datetime | None
    held_for: str
    transaction_ref: str
    status: Literal['unclaimed'] | Unset = 'unclaimed'
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        expires_at: None | str
        if isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        held_for = self.held_for

        transaction_ref = self.transaction_ref

        status = self.status


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "expires_at": expires_at,
            "held_for": held_for,
            "transaction_ref": transaction_ref,
        })
        if status is not UNSET:
            field_dict["status"] = status

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
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


        held_for = d.pop("held_for")

        transaction_ref = d.pop("transaction_ref")

        status = cast(Literal['unclaimed'] | Unset , d.pop("status", UNSET))
        if status != 'unclaimed'and not isinstance(status, Unset):
            raise ValueError(f"status must match const 'unclaimed', got '{status}'")

        unclaimed_purchase_out = cls(
            expires_at=expires_at,
            held_for=held_for,
            transaction_ref=transaction_ref,
            status=status,
        )


        unclaimed_purchase_out.additional_properties = d
        return unclaimed_purchase_out

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
