from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.campaign_out import CampaignOut
  from ..models.expiry_policy_out import ExpiryPolicyOut
  from ..models.refund_policy_out import RefundPolicyOut
  from ..models.reward_out import RewardOut
  from ..models.rule_out import RuleOut
  from ..models.settings_out import SettingsOut
  from ..models.tier_ladder_out import TierLadderOut





T = TypeVar("T", bound="ProgramOut")



@_attrs_define
class ProgramOut:
    """ 
        Attributes:
            campaigns (list[CampaignOut]):
            changed_at (datetime.datetime | None):
            changed_by (None | str):
            expiry (ExpiryPolicyOut):
            program_id (UUID):
            refund (RefundPolicyOut):
            rewards (list[RewardOut]):
            rules (list[RuleOut]):
            settings (SettingsOut):
            tiers (TierLadderOut):
            version (int):
     """

    campaigns: list[CampaignOut]
    changed_at: datetime.datetime | None
    changed_by: None | str
    expiry: ExpiryPolicyOut
    program_id: UUID
    refund: RefundPolicyOut
    rewards: list[RewardOut]
    rules: list[RuleOut]
    settings: SettingsOut
    tiers: TierLadderOut
    version: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.campaign_out import CampaignOut # noqa: PLC0415
        from ..models.expiry_policy_out import ExpiryPolicyOut # noqa: PLC0415
        from ..models.refund_policy_out import RefundPolicyOut # noqa: PLC0415
        from ..models.reward_out import RewardOut # noqa: PLC0415
        from ..models.rule_out import RuleOut # noqa: PLC0415
        from ..models.settings_out import SettingsOut # noqa: PLC0415
        from ..models.tier_ladder_out import TierLadderOut # noqa: PLC0415
        campaigns = []
        for campaigns_item_data in self.campaigns:
            campaigns_item = campaigns_item_data.to_dict()
            campaigns.append(campaigns_item)



        changed_at: None | str
        if isinstance(self.changed_at, datetime.datetime):
            changed_at = self.changed_at.isoformat()
        else:
            changed_at = self.changed_at

        changed_by: None | str
        changed_by = self.changed_by

        expiry = self.expiry.to_dict()

        program_id = str(self.program_id)

        refund = self.refund.to_dict()

        rewards = []
        for rewards_item_data in self.rewards:
            rewards_item = rewards_item_data.to_dict()
            rewards.append(rewards_item)



        rules = []
        for rules_item_data in self.rules:
            rules_item = rules_item_data.to_dict()
            rules.append(rules_item)



        settings = self.settings.to_dict()

        tiers = self.tiers.to_dict()

        version = self.version


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "campaigns": campaigns,
            "changed_at": changed_at,
            "changed_by": changed_by,
            "expiry": expiry,
            "program_id": program_id,
            "refund": refund,
            "rewards": rewards,
            "rules": rules,
            "settings": settings,
            "tiers": tiers,
            "version": version,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.campaign_out import CampaignOut # noqa: PLC0415
        from ..models.expiry_policy_out import ExpiryPolicyOut # noqa: PLC0415
        from ..models.refund_policy_out import RefundPolicyOut # noqa: PLC0415
        from ..models.reward_out import RewardOut # noqa: PLC0415
        from ..models.rule_out import RuleOut # noqa: PLC0415
        from ..models.settings_out import SettingsOut # noqa: PLC0415
        from ..models.tier_ladder_out import TierLadderOut # noqa: PLC0415
        d = dict(src_dict)
        campaigns = []
        _campaigns = d.pop("campaigns")
        for campaigns_item_data in (_campaigns):
            campaigns_item = CampaignOut.from_dict(campaigns_item_data)



            campaigns.append(campaigns_item)


        def _parse_changed_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                changed_at_type_0 = datetime.datetime.fromisoformat(data)



                return changed_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        changed_at = _parse_changed_at(d.pop("changed_at"))


        def _parse_changed_by(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        changed_by = _parse_changed_by(d.pop("changed_by"))


        expiry = ExpiryPolicyOut.from_dict(d.pop("expiry"))




        program_id = UUID(d.pop("program_id"))




        refund = RefundPolicyOut.from_dict(d.pop("refund"))




        rewards = []
        _rewards = d.pop("rewards")
        for rewards_item_data in (_rewards):
            rewards_item = RewardOut.from_dict(rewards_item_data)



            rewards.append(rewards_item)


        rules = []
        _rules = d.pop("rules")
        for rules_item_data in (_rules):
            rules_item = RuleOut.from_dict(rules_item_data)



            rules.append(rules_item)


        settings = SettingsOut.from_dict(d.pop("settings"))




        tiers = TierLadderOut.from_dict(d.pop("tiers"))




        version = d.pop("version")

        program_out = cls(
            campaigns=campaigns,
            changed_at=changed_at,
            changed_by=changed_by,
            expiry=expiry,
            program_id=program_id,
            refund=refund,
            rewards=rewards,
            rules=rules,
            settings=settings,
            tiers=tiers,
            version=version,
        )


        program_out.additional_properties = d
        return program_out

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
