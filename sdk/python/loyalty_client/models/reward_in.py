from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.member_condition_in import MemberConditionIn





T = TypeVar("T", bound="RewardIn")



@_attrs_define
class RewardIn:
    """ 
        Attributes:
            kind (str):
            name_en (str):
            name_vi (str):
            reward_id (str): A stable id: letters, digits, `_ . : -`, at most 100 characters
            member_condition (MemberConditionIn | None | Unset):
            points_cost (int | None | Unset):
            stock (int | None | Unset):
            valid_days (int | None | Unset):
            value (None | str | Unset):
     """

    kind: str
    name_en: str
    name_vi: str
    reward_id: str
    member_condition: MemberConditionIn | None | Unset = UNSET
    points_cost: int | None | Unset = UNSET
    stock: int | None | Unset = UNSET
    valid_days: int | None | Unset = UNSET
    value: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.member_condition_in import MemberConditionIn # noqa: PLC0415
        kind = self.kind

        name_en = self.name_en

        name_vi = self.name_vi

        reward_id = self.reward_id

        member_condition: dict[str, Any] | None | Unset
        if isinstance(self.member_condition, Unset):
            member_condition = UNSET
        elif isinstance(self.member_condition, MemberConditionIn):
            member_condition = self.member_condition.to_dict()
        else:
            member_condition = self.member_condition

        points_cost: int | None | Unset
        if isinstance(self.points_cost, Unset):
            points_cost = UNSET
        else:
            points_cost = self.points_cost

        stock: int | None | Unset
        if isinstance(self.stock, Unset):
            stock = UNSET
        else:
            stock = self.stock

        valid_days: int | None | Unset
        if isinstance(self.valid_days, Unset):
            valid_days = UNSET
        else:
            valid_days = self.valid_days

        value: None | str | Unset
        if isinstance(self.value, Unset):
            value = UNSET
        else:
            value = self.value


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "name_en": name_en,
            "name_vi": name_vi,
            "reward_id": reward_id,
        })
        if member_condition is not UNSET:
            field_dict["member_condition"] = member_condition
        if points_cost is not UNSET:
            field_dict["points_cost"] = points_cost
        if stock is not UNSET:
            field_dict["stock"] = stock
        if valid_days is not UNSET:
            field_dict["valid_days"] = valid_days
        if value is not UNSET:
            field_dict["value"] = value

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_condition_in import MemberConditionIn # noqa: PLC0415
        d = dict(src_dict)
        kind = d.pop("kind")

        name_en = d.pop("name_en")

        name_vi = d.pop("name_vi")

        reward_id = d.pop("reward_id")

        def _parse_member_condition(data: object) -> MemberConditionIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                member_condition_type_0 = MemberConditionIn.from_dict(data)



                return member_condition_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MemberConditionIn | None | Unset, data)

        member_condition = _parse_member_condition(d.pop("member_condition", UNSET))


        def _parse_points_cost(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        points_cost = _parse_points_cost(d.pop("points_cost", UNSET))


        def _parse_stock(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        stock = _parse_stock(d.pop("stock", UNSET))


        def _parse_valid_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        valid_days = _parse_valid_days(d.pop("valid_days", UNSET))


        def _parse_value(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        value = _parse_value(d.pop("value", UNSET))


        reward_in = cls(
            kind=kind,
            name_en=name_en,
            name_vi=name_vi,
            reward_id=reward_id,
            member_condition=member_condition,
            points_cost=points_cost,
            stock=stock,
            valid_days=valid_days,
            value=value,
        )

        return reward_in

