from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset






T = TypeVar("T", bound="TierIn")



@_attrs_define
class TierIn:
    """ 
        Attributes:
            code (str): A stable id: letters, digits, `_ . : -`, at most 100 characters
            name_en (str):
            name_vi (str):
            threshold (str): A decimal string with a dot for decimals and no thousands separator; VND has no decimals:
                "125000" (not "125.000")
            birthday_bonus_points (int | Unset):  Default: 0.
            earn_multiplier (str | Unset): A decimal string: "2", "1.25", "0.5" Default: '1'.
     """

    code: str
    name_en: str
    name_vi: str
    threshold: str
    birthday_bonus_points: int | Unset = 0
    earn_multiplier: str | Unset = '1'





    def to_dict(self) -> dict[str, Any]:
        code = self.code

        name_en = self.name_en

        name_vi = self.name_vi

        threshold = self.threshold

        birthday_bonus_points = self.birthday_bonus_points

        earn_multiplier = self.earn_multiplier


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "code": code,
            "name_en": name_en,
            "name_vi": name_vi,
            "threshold": threshold,
        })
        if birthday_bonus_points is not UNSET:
            field_dict["birthday_bonus_points"] = birthday_bonus_points
        if earn_multiplier is not UNSET:
            field_dict["earn_multiplier"] = earn_multiplier

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        code = d.pop("code")

        name_en = d.pop("name_en")

        name_vi = d.pop("name_vi")

        threshold = d.pop("threshold")

        birthday_bonus_points = d.pop("birthday_bonus_points", UNSET)

        earn_multiplier = d.pop("earn_multiplier", UNSET)

        tier_in = cls(
            code=code,
            name_en=name_en,
            name_vi=name_vi,
            threshold=threshold,
            birthday_bonus_points=birthday_bonus_points,
            earn_multiplier=earn_multiplier,
        )

        return tier_in

