from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="MemberConditionIn")



@_attrs_define
class MemberConditionIn:
    """ Every field given must hold (docs/program.md, "Targeted offers"); decided from the member's own state.

        Attributes:
            lapsed_days (int | None | Unset):
            min_spend (None | str | Unset):
            min_visits (int | None | Unset):
            omnichannel (bool | Unset):  Default: False.
            online_only (bool | Unset):  Default: False.
            tiers (list[str] | None | Unset):
            window_days (int | Unset):  Default: 365.
     """

    lapsed_days: int | None | Unset = UNSET
    min_spend: None | str | Unset = UNSET
    min_visits: int | None | Unset = UNSET
    omnichannel: bool | Unset = False
    online_only: bool | Unset = False
    tiers: list[str] | None | Unset = UNSET
    window_days: int | Unset = 365





    def to_dict(self) -> dict[str, Any]:
        lapsed_days: int | None | Unset
        if isinstance(self.lapsed_days, Unset):
            lapsed_days = UNSET
        else:
            lapsed_days = self.lapsed_days

        min_spend: None | str | Unset
        if isinstance(self.min_spend, Unset):
            min_spend = UNSET
        else:
            min_spend = self.min_spend

        min_visits: int | None | Unset
        if isinstance(self.min_visits, Unset):
            min_visits = UNSET
        else:
            min_visits = self.min_visits

        omnichannel = self.omnichannel

        online_only = self.online_only

        tiers: list[str] | None | Unset
        if isinstance(self.tiers, Unset):
            tiers = UNSET
        elif isinstance(self.tiers, list):
            tiers = self.tiers


        else:
            tiers = self.tiers

        window_days = self.window_days


        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if lapsed_days is not UNSET:
            field_dict["lapsed_days"] = lapsed_days
        if min_spend is not UNSET:
            field_dict["min_spend"] = min_spend
        if min_visits is not UNSET:
            field_dict["min_visits"] = min_visits
        if omnichannel is not UNSET:
            field_dict["omnichannel"] = omnichannel
        if online_only is not UNSET:
            field_dict["online_only"] = online_only
        if tiers is not UNSET:
            field_dict["tiers"] = tiers
        if window_days is not UNSET:
            field_dict["window_days"] = window_days

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        def _parse_lapsed_days(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        lapsed_days = _parse_lapsed_days(d.pop("lapsed_days", UNSET))


        def _parse_min_spend(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_spend = _parse_min_spend(d.pop("min_spend", UNSET))


        def _parse_min_visits(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        min_visits = _parse_min_visits(d.pop("min_visits", UNSET))


        omnichannel = d.pop("omnichannel", UNSET)

        online_only = d.pop("online_only", UNSET)

        def _parse_tiers(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                tiers_type_0 = cast(list[str], data)

                return tiers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        tiers = _parse_tiers(d.pop("tiers", UNSET))


        window_days = d.pop("window_days", UNSET)

        member_condition_in = cls(
            lapsed_days=lapsed_days,
            min_spend=min_spend,
            min_visits=min_visits,
            omnichannel=omnichannel,
            online_only=online_only,
            tiers=tiers,
            window_days=window_days,
        )

        return member_condition_in

