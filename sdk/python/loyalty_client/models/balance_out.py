from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.next_expiry import NextExpiry





T = TypeVar("T", bound="BalanceOut")



@_attrs_define
class BalanceOut:
    """ 
        Attributes:
            available (int):
            lifetime_earned (int):
            lifetime_expired (int):
            lifetime_redeemed (int):
            next_expiry (NextExpiry | None):
            pending (int):
            reserved (int):
            tier (str):
     """

    available: int
    lifetime_earned: int
    lifetime_expired: int
    lifetime_redeemed: int
    next_expiry: NextExpiry | None
    pending: int
    reserved: int
    tier: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.next_expiry import NextExpiry # noqa: PLC0415
        available = self.available

        lifetime_earned = self.lifetime_earned

        lifetime_expired = self.lifetime_expired

        lifetime_redeemed = self.lifetime_redeemed

        next_expiry: dict[str, Any] | None
        if isinstance(self.next_expiry, NextExpiry):
            next_expiry = self.next_expiry.to_dict()
        else:
            next_expiry = self.next_expiry

        pending = self.pending

        reserved = self.reserved

        tier = self.tier


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "available": available,
            "lifetime_earned": lifetime_earned,
            "lifetime_expired": lifetime_expired,
            "lifetime_redeemed": lifetime_redeemed,
            "next_expiry": next_expiry,
            "pending": pending,
            "reserved": reserved,
            "tier": tier,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.next_expiry import NextExpiry # noqa: PLC0415
        d = dict(src_dict)
        available = d.pop("available")

        lifetime_earned = d.pop("lifetime_earned")

        lifetime_expired = d.pop("lifetime_expired")

        lifetime_redeemed = d.pop("lifetime_redeemed")

        def _parse_next_expiry(data: object) -> NextExpiry | None:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                next_expiry_type_0 = NextExpiry.from_dict(data)



                return next_expiry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(NextExpiry | None, data)

        next_expiry = _parse_next_expiry(d.pop("next_expiry"))


        pending = d.pop("pending")

        reserved = d.pop("reserved")

        tier = d.pop("tier")

        balance_out = cls(
            available=available,
            lifetime_earned=lifetime_earned,
            lifetime_expired=lifetime_expired,
            lifetime_redeemed=lifetime_redeemed,
            next_expiry=next_expiry,
            pending=pending,
            reserved=reserved,
            tier=tier,
        )


        balance_out.additional_properties = d
        return balance_out

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
