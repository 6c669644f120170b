from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast

if TYPE_CHECKING:
  from ..models.activity_in import ActivityIn
  from ..models.birthday_month_in import BirthdayMonthIn
  from ..models.campaign_in import CampaignIn
  from ..models.cap_in import CapIn
  from ..models.exclusions_in import ExclusionsIn
  from ..models.expiry_policy_in import ExpiryPolicyIn
  from ..models.first_purchase_in import FirstPurchaseIn
  from ..models.fixed_bonus_in import FixedBonusIn
  from ..models.multiplier_in import MultiplierIn
  from ..models.points_per_amount_in import PointsPerAmountIn
  from ..models.referral_in import ReferralIn
  from ..models.refund_policy_in import RefundPolicyIn
  from ..models.reward_in import RewardIn
  from ..models.settings_in import SettingsIn
  from ..models.stamp_card_in import StampCardIn
  from ..models.tier_ladder_in import TierLadderIn
  from ..models.tier_multiplier_in import TierMultiplierIn





T = TypeVar("T", bound="ProgramDefinitionIn")



@_attrs_define
class ProgramDefinitionIn:
    """ A whole program: what `loyalty program init FILE` reads, as JSON.

        Attributes:
            settings (SettingsIn):
            campaigns (list[CampaignIn] | Unset):
            expiry (ExpiryPolicyIn | None | Unset):
            refund (None | RefundPolicyIn | Unset):
            rewards (list[RewardIn] | Unset):
            rules (list[ActivityIn | BirthdayMonthIn | CapIn | ExclusionsIn | FirstPurchaseIn | FixedBonusIn | MultiplierIn
                | PointsPerAmountIn | ReferralIn | StampCardIn | TierMultiplierIn] | Unset):
            tiers (None | TierLadderIn | Unset):
     """

    settings: SettingsIn
    campaigns: list[CampaignIn] | Unset = UNSET
    expiry: ExpiryPolicyIn | None | Unset = UNSET
    refund: None | RefundPolicyIn | Unset = UNSET
    rewards: list[RewardIn] | Unset = UNSET
    rules: list[ActivityIn | BirthdayMonthIn | CapIn | ExclusionsIn | FirstPurchaseIn | FixedBonusIn | MultiplierIn | PointsPerAmountIn | ReferralIn | StampCardIn | TierMultiplierIn] | Unset = UNSET
    tiers: None | TierLadderIn | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.activity_in import ActivityIn # noqa: PLC0415
        from ..models.birthday_month_in import BirthdayMonthIn # noqa: PLC0415
        from ..models.campaign_in import CampaignIn # noqa: PLC0415
        from ..models.cap_in import CapIn # noqa: PLC0415
        from ..models.exclusions_in import ExclusionsIn # noqa: PLC0415
        from ..models.expiry_policy_in import ExpiryPolicyIn # noqa: PLC0415
        from ..models.first_purchase_in import FirstPurchaseIn # noqa: PLC0415
        from ..models.fixed_bonus_in import FixedBonusIn # noqa: PLC0415
        from ..models.multiplier_in import MultiplierIn # noqa: PLC0415
        from ..models.points_per_amount_in import PointsPerAmountIn # noqa: PLC0415
        from ..models.referral_in import ReferralIn # noqa: PLC0415
        from ..models.refund_policy_in import RefundPolicyIn # noqa: PLC0415
        from ..models.reward_in import RewardIn # noqa: PLC0415
        from ..models.settings_in import SettingsIn # noqa: PLC0415
        from ..models.stamp_card_in import StampCardIn # noqa: PLC0415
        from ..models.tier_ladder_in import TierLadderIn # noqa: PLC0415
        from ..models.tier_multiplier_in import TierMultiplierIn # noqa: PLC0415
        settings = self.settings.to_dict()

        campaigns: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.campaigns, Unset):
            campaigns = []
            for campaigns_item_data in self.campaigns:
                campaigns_item = campaigns_item_data.to_dict()
                campaigns.append(campaigns_item)



        expiry: dict[str, Any] | None | Unset
        if isinstance(self.expiry, Unset):
            expiry = UNSET
        elif isinstance(self.expiry, ExpiryPolicyIn):
            expiry = self.expiry.to_dict()
        else:
            expiry = self.expiry

        refund: dict[str, Any] | None | Unset
        if isinstance(self.refund, Unset):
            refund = UNSET
        elif isinstance(self.refund, RefundPolicyIn):
            refund = self.refund.to_dict()
        else:
            refund = self.refund

        rewards: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rewards, Unset):
            rewards = []
            for rewards_item_data in self.rewards:
                rewards_item = rewards_item_data.to_dict()
                rewards.append(rewards_item)



        rules: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.rules, Unset):
            rules = []
            for rules_item_data in self.rules:
                rules_item: dict[str, Any]
                if isinstance(rules_item_data, PointsPerAmountIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, MultiplierIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, FixedBonusIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, BirthdayMonthIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, FirstPurchaseIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, StampCardIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, ActivityIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, ReferralIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, TierMultiplierIn):
                    rules_item = rules_item_data.to_dict()
                elif isinstance(rules_item_data, CapIn):
                    rules_item = rules_item_data.to_dict()
                else:
                    rules_item = rules_item_data.to_dict()

                rules.append(rules_item)



        tiers: dict[str, Any] | None | Unset
        if isinstance(self.tiers, Unset):
            tiers = UNSET
        elif isinstance(self.tiers, TierLadderIn):
            tiers = self.tiers.to_dict()
        else:
            tiers = self.tiers


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "settings": settings,
        })
        if campaigns is not UNSET:
            field_dict["campaigns"] = campaigns
        if expiry is not UNSET:
            field_dict["expiry"] = expiry
        if refund is not UNSET:
            field_dict["refund"] = refund
        if rewards is not UNSET:
            field_dict["rewards"] = rewards
        if rules is not UNSET:
            field_dict["rules"] = rules
        if tiers is not UNSET:
            field_dict["tiers"] = tiers

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.activity_in import ActivityIn # noqa: PLC0415
        from ..models.birthday_month_in import BirthdayMonthIn # noqa: PLC0415
        from ..models.campaign_in import CampaignIn # noqa: PLC0415
        from ..models.cap_in import CapIn # noqa: PLC0415
        from ..models.exclusions_in import ExclusionsIn # noqa: PLC0415
        from ..models.expiry_policy_in import ExpiryPolicyIn # noqa: PLC0415
        from ..models.first_purchase_in import FirstPurchaseIn # noqa: PLC0415
        from ..models.fixed_bonus_in import FixedBonusIn # noqa: PLC0415
        from ..models.multiplier_in import MultiplierIn # noqa: PLC0415
        from ..models.points_per_amount_in import PointsPerAmountIn # noqa: PLC0415
        from ..models.referral_in import ReferralIn # noqa: PLC0415
        from ..models.refund_policy_in import RefundPolicyIn # noqa: PLC0415
        from ..models.reward_in import RewardIn # noqa: PLC0415
        from ..models.settings_in import SettingsIn # noqa: PLC0415
        from ..models.stamp_card_in import StampCardIn # noqa: PLC0415
        from ..models.tier_ladder_in import TierLadderIn # noqa: PLC0415
        from ..models.tier_multiplier_in import TierMultiplierIn # noqa: PLC0415
        d = dict(src_dict)
        settings = SettingsIn.from_dict(d.pop("settings"))




        _campaigns = d.pop("campaigns", UNSET)
        campaigns: list[CampaignIn] | Unset = UNSET
        if _campaigns is not UNSET:
            campaigns = []
            for campaigns_item_data in _campaigns:
                campaigns_item = CampaignIn.from_dict(campaigns_item_data)



                campaigns.append(campaigns_item)


        def _parse_expiry(data: object) -> ExpiryPolicyIn | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                expiry_type_0 = ExpiryPolicyIn.from_dict(data)



                return expiry_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExpiryPolicyIn | None | Unset, data)

        expiry = _parse_expiry(d.pop("expiry", UNSET))


        def _parse_refund(data: object) -> None | RefundPolicyIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                refund_type_0 = RefundPolicyIn.from_dict(data)



                return refund_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | RefundPolicyIn | Unset, data)

        refund = _parse_refund(d.pop("refund", UNSET))


        _rewards = d.pop("rewards", UNSET)
        rewards: list[RewardIn] | Unset = UNSET
        if _rewards is not UNSET:
            rewards = []
            for rewards_item_data in _rewards:
                rewards_item = RewardIn.from_dict(rewards_item_data)



                rewards.append(rewards_item)


        _rules = d.pop("rules", UNSET)
        rules: list[ActivityIn | BirthdayMonthIn | CapIn | ExclusionsIn | FirstPurchaseIn | FixedBonusIn | MultiplierIn | PointsPerAmountIn | ReferralIn | StampCardIn | TierMultiplierIn] | Unset = UNSET
        if _rules is not UNSET:
            rules = []
            for rules_item_data in _rules:
                def _parse_rules_item(data: object) -> ActivityIn | BirthdayMonthIn | CapIn | ExclusionsIn | FirstPurchaseIn | FixedBonusIn | MultiplierIn | PointsPerAmountIn | ReferralIn | StampCardIn | TierMultiplierIn:
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_0 = PointsPerAmountIn.from_dict(data)



                        return rules_item_type_0
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_1 = MultiplierIn.from_dict(data)



                        return rules_item_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_2 = FixedBonusIn.from_dict(data)



                        return rules_item_type_2
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_3 = BirthdayMonthIn.from_dict(data)



                        return rules_item_type_3
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_4 = FirstPurchaseIn.from_dict(data)



                        return rules_item_type_4
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_5 = StampCardIn.from_dict(data)



                        return rules_item_type_5
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_6 = ActivityIn.from_dict(data)



                        return rules_item_type_6
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_7 = ReferralIn.from_dict(data)



                        return rules_item_type_7
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_8 = TierMultiplierIn.from_dict(data)



                        return rules_item_type_8
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        rules_item_type_9 = CapIn.from_dict(data)



                        return rules_item_type_9
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    if not isinstance(data, dict):
                        raise TypeError()
                    rules_item_type_10 = ExclusionsIn.from_dict(data)



                    return rules_item_type_10

                rules_item = _parse_rules_item(rules_item_data)

                rules.append(rules_item)


        def _parse_tiers(data: object) -> None | TierLadderIn | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                tiers_type_0 = TierLadderIn.from_dict(data)



                return tiers_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | TierLadderIn | Unset, data)

        tiers = _parse_tiers(d.pop("tiers", UNSET))


        program_definition_in = cls(
            settings=settings,
            campaigns=campaigns,
            expiry=expiry,
            refund=refund,
            rewards=rewards,
            rules=rules,
            tiers=tiers,
        )

        return program_definition_in

