from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.reward_out_member_condition_type_0 import RewardOutMemberConditionType0





T = TypeVar("T", bound="RewardOut")



@_attrs_define
class RewardOut:
    """ 
        Attributes:
            kind (str):
            name_en (str):
            name_vi (str):
            points_cost (int | None):
            reward_id (str):
            stock (int | None):
            value (None | str):
            member_condition (None | RewardOutMemberConditionType0 | Unset):
            valid_days (int | None | Unset):
     """

    kind: str
    name_en: str
    name_vi: str
    points_cost: int | None
    reward_id: str
    stock: int | None
    value: None | str
    member_condition: None | RewardOutMemberConditionType0 | Unset = UNSET
    valid_days: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.reward_out_member_condition_type_0 import RewardOutMemberConditionType0 # noqa: PLC0415
        kind = self.kind

        name_en = self.name_en

        name_vi = self.name_vi

        points_cost: int | None
        points_cost = self.points_cost

        reward_id = self.reward_id

        stock: int | None
        stock = self.stock

        value: None | str
        value = self.value

        member_condition: dict[str, Any] | None | Unset
        if isinstance(self.member_condition, Unset):
            member_condition = UNSET
        elif isinstance(self.member_condition, RewardOutMemberConditionType0):
            member_condition = self.member_condition.to_dict()
        else:
            member_condition = self.member_condition

        valid_days: int | None | Unset
        if isinstance(self.valid_days, Unset):
            valid_days = UNSET
        else:
            valid_days = self.valid_days


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "kind": kind,
            "name_en": name_en,
            "name_vi": name_vi,
            "points_cost": points_cost,
            "reward_id": reward_id,
            "stock": stock,
            "value": value,
        })
        if member_condition is not UNSET:
            field_dict["member_condition"] = member_condition
        if valid_days is not UNSET:
            field_dict["valid_days"] = valid_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.reward_out_member_condition_type_0 import RewardOutMemberConditionType0 # noqa: PLC0415
        d = dict(src_dict)
        kind = d.pop("kind")

        name_en = d.pop("name_en")

        name_vi = d.pop("name_vi")

        def _parse_points_cost(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        points_cost = _parse_points_cost(d.pop("points_cost"))


        reward_id = d.pop("reward_id")

        def _parse_stock(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        stock = _parse_stock(d.pop("stock"))


        def _parse_value(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        value = _parse_value(d.pop("value"))


        def _parse_member_condition(data: object) -> None | RewardOutMemberConditionType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                member_condition_type_0 = RewardOutMemberConditionType0.from_dict(data)



                return member_condition_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RewardOutMemberConditionType0 | Unset, data)

        member_condition = _parse_member_condition(d.pop("member_condition", UNSET))


        def _parse_valid_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        valid_days = _parse_valid_days(d.pop("valid_days", UNSET))


        reward_out = cls(
            kind=kind,
            name_en=name_en,
            name_vi=name_vi,
            points_cost=points_cost,
            reward_id=reward_id,
            stock=stock,
            value=value,
            member_condition=member_condition,
            valid_days=valid_days,
        )


        reward_out.additional_properties = d
        return reward_out

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
