from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
from uuid import UUID
import datetime

if TYPE_CHECKING:
  from ..models.ledger_event_data import LedgerEventData





T = TypeVar("T", bound="LedgerEvent")



@_attrs_define
class LedgerEvent:
    """ One event of a member's ledger, as the event stream and webhooks deliver it.

        Attributes:
            data (LedgerEventData): The event's own fields (points as integers, money as decimal strings)
            id (str): `<member id>:<version>`: unique and stable; dedupe on it
            member_id (UUID):
            position (int): The event's position in the whole log (what `start_after` counts)
            recorded_at (datetime.datetime):
            type_ (str): The event's name: PointsEarned, PointsRedeemed, EarnReversed, TierChanged, PointsExpired,
                ReservationCaptured, …
            version (int): The member's version after this event (1, 2, 3, … per member)
            actor (None | str | Unset):
            channel (None | str | Unset):
            store_id (None | str | Unset):
     """

    data: LedgerEventData
    id: str
    member_id: UUID
    position: int
    recorded_at: datetime.datetime
    type_: str
    version: int
    actor: None | str | Unset = UNSET
    channel: None | str | Unset = UNSET
    store_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.ledger_event_data import LedgerEventData # noqa: PLC0415
        data = self.data.to_dict()

        id = self.id

        member_id = str(self.member_id)

        position = self.position

        recorded_at = self.recorded_at.isoformat()

        type_ = self.type_

        version = self.version

        actor: None | str | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        else:
            actor = self.actor

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "data": data,
            "id": id,
            "member_id": member_id,
            "position": position,
            "recorded_at": recorded_at,
            "type": type_,
            "version": version,
        })
        if actor is not UNSET:
            field_dict["actor"] = actor
        if channel is not UNSET:
            field_dict["channel"] = channel
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.ledger_event_data import LedgerEventData # noqa: PLC0415
        d = dict(src_dict)
        data = LedgerEventData.from_dict(d.pop("data"))




        id = d.pop("id")

        member_id = UUID(d.pop("member_id"))




        position = d.pop("position")

        recorded_at = datetime.datetime.fromisoformat(d.pop("recorded_at"))




        type_ = d.pop("type")

        version = d.pop("version")

        def _parse_actor(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))


        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        ledger_event = cls(
            data=data,
            id=id,
            member_id=member_id,
            position=position,
            recorded_at=recorded_at,
            type_=type_,
            version=version,
            actor=actor,
            channel=channel,
            store_id=store_id,
        )


        ledger_event.additional_properties = d
        return ledger_event

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
