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





T = TypeVar("T", bound="GrantRequest")



@_attrs_define
class GrantRequest:
    """ 
        Attributes:
            condition (MemberConditionIn): Every field given must hold (docs/program.md, "Targeted offers"); decided from
                the member's own state.
            grant_id (str):
            budget_points (int | None | Unset):
            max_members (int | None | Unset):
            points (int | None | Unset):
            reward_id (None | str | Unset):
     """

    condition: MemberConditionIn
    grant_id: str
    budget_points: int | None | Unset = UNSET
    max_members: int | None | Unset = UNSET
    points: int | None | Unset = UNSET
    reward_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.member_condition_in import MemberConditionIn # noqa: PLC0415
        condition = self.condition.to_dict()

        grant_id = self.grant_id

        budget_points: int | None | Unset
        if isinstance(self.budget_points, Unset):
            budget_points = UNSET
        else:
            budget_points = self.budget_points

        max_members: int | None | Unset
        if isinstance(self.max_members, Unset):
            max_members = UNSET
        else:
            max_members = self.max_members

        points: int | None | Unset
        if isinstance(self.points, Unset):
            points = UNSET
        else:
            points = self.points

        reward_id: None | str | Unset
        if isinstance(self.reward_id, Unset):
            reward_id = UNSET
        else:
            reward_id = self.reward_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "condition": condition,
            "grant_id": grant_id,
        })
        if budget_points is not UNSET:
            field_dict["budget_points"] = budget_points
        if max_members is not UNSET:
            field_dict["max_members"] = max_members
        if points is not UNSET:
            field_dict["points"] = points
        if reward_id is not UNSET:
            field_dict["reward_id"] = reward_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_condition_in import MemberConditionIn # noqa: PLC0415
        d = dict(src_dict)
        condition = MemberConditionIn.from_dict(d.pop("condition"))




        grant_id = d.pop("grant_id")

        def _parse_budget_points(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        budget_points = _parse_budget_points(d.pop("budget_points", UNSET))


        def _parse_max_members(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_members = _parse_max_members(d.pop("max_members", UNSET))


        def _parse_points(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        points = _parse_points(d.pop("points", UNSET))


        def _parse_reward_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reward_id = _parse_reward_id(d.pop("reward_id", UNSET))


        grant_request = cls(
            condition=condition,
            grant_id=grant_id,
            budget_points=budget_points,
            max_members=max_members,
            points=points,
            reward_id=reward_id,
        )

        return grant_request

