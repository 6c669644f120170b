from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset







T = TypeVar("T", bound="GrantOut")



@_attrs_define
class GrantOut:
    """ 
        Attributes:
            already_granted (int):
            grant_id (str):
            granted (int):
            members_checked (int):
            members_granted_in_total (int):
            not_eligible (int):
            points_granted_in_total (int):
            stopped_by_budget (bool):
     """

    already_granted: int
    grant_id: str
    granted: int
    members_checked: int
    members_granted_in_total: int
    not_eligible: int
    points_granted_in_total: int
    stopped_by_budget: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        already_granted = self.already_granted

        grant_id = self.grant_id

        granted = self.granted

        members_checked = self.members_checked

        members_granted_in_total = self.members_granted_in_total

        not_eligible = self.not_eligible

        points_granted_in_total = self.points_granted_in_total

        stopped_by_budget = self.stopped_by_budget


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "already_granted": already_granted,
            "grant_id": grant_id,
            "granted": granted,
            "members_checked": members_checked,
            "members_granted_in_total": members_granted_in_total,
            "not_eligible": not_eligible,
            "points_granted_in_total": points_granted_in_total,
            "stopped_by_budget": stopped_by_budget,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        already_granted = d.pop("already_granted")

        grant_id = d.pop("grant_id")

        granted = d.pop("granted")

        members_checked = d.pop("members_checked")

        members_granted_in_total = d.pop("members_granted_in_total")

        not_eligible = d.pop("not_eligible")

        points_granted_in_total = d.pop("points_granted_in_total")

        stopped_by_budget = d.pop("stopped_by_budget")

        grant_out = cls(
            already_granted=already_granted,
            grant_id=grant_id,
            granted=granted,
            members_checked=members_checked,
            members_granted_in_total=members_granted_in_total,
            not_eligible=not_eligible,
            points_granted_in_total=points_granted_in_total,
            stopped_by_budget=stopped_by_budget,
        )


        grant_out.additional_properties = d
        return grant_out

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
