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

if TYPE_CHECKING:
  from ..models.member_condition_in import MemberConditionIn
  from ..models.tier_multiplier_in_factors_type_0 import TierMultiplierInFactorsType0





T = TypeVar("T", bound="TierMultiplierIn")



@_attrs_define
class TierMultiplierIn:
    """ 
        Attributes:
            kind (Literal['tier_multiplier']):
            priority (int):
            rule_id (str): A stable id: letters, digits, `_ . : -`, at most 100 characters
            campaign_id (None | str | Unset):
            channels (list[str] | None | Unset):
            days_of_week (list[int] | None | Unset):
            ends_at (datetime.datetime | None | Unset):
            factors (None | TierMultiplierInFactorsType0 | Unset):
            hours (list[str] | None | Unset):
            label_en (None | str | Unset):
            label_vi (None | str | Unset):
            member_condition (MemberConditionIn | None | Unset):
            min_spend (None | str | Unset):
            starts_at (datetime.datetime | None | Unset):
            stop (bool | Unset):  Default: False.
            stores (list[str] | None | Unset):
     """

    kind: Literal['tier_multiplier']
    priority: int
    rule_id: str
    campaign_id: None | str | Unset = UNSET
    channels: list[str] | None | Unset = UNSET
    days_of_week: list[int] | None | Unset = UNSET
    ends_at: datetime.datetime | None | Unset = UNSET
    factors: None | TierMultiplierInFactorsType0 | Unset = UNSET
    hours: list[str] | None | Unset = UNSET
    label_en: None | str | Unset = UNSET
    label_vi: None | str | Unset = UNSET
    member_condition: MemberConditionIn | None | Unset = UNSET
    min_spend: None | str | Unset = UNSET
    starts_at: datetime.datetime | None | Unset = UNSET
    stop: bool | Unset = False
    stores: list[str] | None | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.member_condition_in import MemberConditionIn # noqa: PLC0415
        from ..models.tier_multiplier_in_factors_type_0 import TierMultiplierInFactorsType0 # noqa: PLC0415
        kind = self.kind

        priority = self.priority

        rule_id = self.rule_id

        campaign_id: None | str | Unset
        if isinstance(self.campaign_id, Unset):
            campaign_id = UNSET
        else:
            campaign_id = self.campaign_id

        channels: list[str] | None | Unset
        if isinstance(self.channels, Unset):
            channels = UNSET
        elif isinstance(self.channels, list):
            channels = self.channels


        else:
            channels = self.channels

        days_of_week: list[int] | None | Unset
        if isinstance(self.days_of_week, Unset):
            days_of_week = UNSET
        elif isinstance(self.days_of_week, list):
            days_of_week = self.days_of_week


        else:
            days_of_week = self.days_of_week

        ends_at: None | str | Unset
        if isinstance(self.ends_at, Unset):
            ends_at = UNSET
        elif isinstance(self.ends_at, datetime.datetime):
            ends_at = self.ends_at.isoformat()
        else:
            ends_at = self.ends_at

        factors: dict[str, Any] | None | Unset
        if isinstance(self.factors, Unset):
            factors = UNSET
        elif isinstance(self.factors, TierMultiplierInFactorsType0):
            factors = self.factors.to_dict()
        else:
            factors = self.factors

        hours: list[str] | None | Unset
        if isinstance(self.hours, Unset):
            hours = UNSET
        elif isinstance(self.hours, list):
            hours = self.hours


        else:
            hours = self.hours

        label_en: None | str | Unset
        if isinstance(self.label_en, Unset):
            label_en = UNSET
        else:
            label_en = self.label_en

        label_vi: None | str | Unset
        if isinstance(self.label_vi, Unset):
            label_vi = UNSET
        else:
            label_vi = self.label_vi

        member_condition: dict[str, Any] | None | Unset
        if isinstance(self.member_condition, Unset):
            member_condition = UNSET
        elif isinstance(self.member_condition, MemberConditionIn):
            member_condition = self.member_condition.to_dict()
        else:
            member_condition = self.member_condition

        min_spend: None | str | Unset
        if isinstance(self.min_spend, Unset):
            min_spend = UNSET
        else:
            min_spend = self.min_spend

        starts_at: None | str | Unset
        if isinstance(self.starts_at, Unset):
            starts_at = UNSET
        elif isinstance(self.starts_at, datetime.datetime):
            starts_at = self.starts_at.isoformat()
        else:
            starts_at = self.starts_at

        stop = self.stop

        stores: list[str] | None | Unset
        if isinstance(self.stores, Unset):
            stores = UNSET
        elif isinstance(self.stores, list):
            stores = self.stores


        else:
            stores = self.stores


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "priority": priority,
            "rule_id": rule_id,
        })
        if campaign_id is not UNSET:
            field_dict["campaign_id"] = campaign_id
        if channels is not UNSET:
            field_dict["channels"] = channels
        if days_of_week is not UNSET:
            field_dict["days_of_week"] = days_of_week
        if ends_at is not UNSET:
            field_dict["ends_at"] = ends_at
        if factors is not UNSET:
            field_dict["factors"] = factors
        if hours is not UNSET:
            field_dict["hours"] = hours
        if label_en is not UNSET:
            field_dict["label_en"] = label_en
        if label_vi is not UNSET:
            field_dict["label_vi"] = label_vi
        if member_condition is not UNSET:
            field_dict["member_condition"] = member_condition
        if min_spend is not UNSET:
            field_dict["min_spend"] = min_spend
        if starts_at is not UNSET:
            field_dict["starts_at"] = starts_at
        if stop is not UNSET:
            field_dict["stop"] = stop
        if stores is not UNSET:
            field_dict["stores"] = stores

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.member_condition_in import MemberConditionIn # noqa: PLC0415
        from ..models.tier_multiplier_in_factors_type_0 import TierMultiplierInFactorsType0 # noqa: PLC0415
        d = dict(src_dict)
        kind = cast(Literal['tier_multiplier'] , d.pop("kind"))
        if kind != 'tier_multiplier':
            raise ValueError(f"kind must match const 'tier_multiplier', got '{kind}'")

        priority = d.pop("priority")

        rule_id = d.pop("rule_id")

        def _parse_campaign_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        campaign_id = _parse_campaign_id(d.pop("campaign_id", UNSET))


        def _parse_channels(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                channels_type_0 = cast(list[str], data)

                return channels_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        channels = _parse_channels(d.pop("channels", UNSET))


        def _parse_days_of_week(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                days_of_week_type_0 = cast(list[int], data)

                return days_of_week_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        days_of_week = _parse_days_of_week(d.pop("days_of_week", UNSET))


        def _parse_ends_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                ends_at_type_0 = datetime.datetime.fromisoformat(data)



                return ends_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        ends_at = _parse_ends_at(d.pop("ends_at", UNSET))


        def _parse_factors(data: object) -> None | TierMultiplierInFactorsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                factors_type_0 = TierMultiplierInFactorsType0.from_dict(data)



                return factors_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TierMultiplierInFactorsType0 | Unset, data)

        factors = _parse_factors(d.pop("factors", UNSET))


        def _parse_hours(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                hours_type_0 = cast(list[str], data)

                return hours_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        hours = _parse_hours(d.pop("hours", UNSET))


        def _parse_label_en(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label_en = _parse_label_en(d.pop("label_en", UNSET))


        def _parse_label_vi(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label_vi = _parse_label_vi(d.pop("label_vi", UNSET))


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


        def _parse_min_spend(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        min_spend = _parse_min_spend(d.pop("min_spend", UNSET))


        def _parse_starts_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                starts_at_type_0 = datetime.datetime.fromisoformat(data)



                return starts_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        starts_at = _parse_starts_at(d.pop("starts_at", UNSET))


        stop = d.pop("stop", UNSET)

        def _parse_stores(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                stores_type_0 = cast(list[str], data)

                return stores_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        stores = _parse_stores(d.pop("stores", UNSET))


        tier_multiplier_in = cls(
            kind=kind,
            priority=priority,
            rule_id=rule_id,
            campaign_id=campaign_id,
            channels=channels,
            days_of_week=days_of_week,
            ends_at=ends_at,
            factors=factors,
            hours=hours,
            label_en=label_en,
            label_vi=label_vi,
            member_condition=member_condition,
            min_spend=min_spend,
            starts_at=starts_at,
            stop=stop,
            stores=stores,
        )

        return tier_multiplier_in

