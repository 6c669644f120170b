from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..models.activity_request_kind import ActivityRequestKind
from ..types import UNSET, Unset
from typing import cast
import datetime






T = TypeVar("T", bound="ActivityRequest")



@_attrs_define
class ActivityRequest:
    """ 
        Attributes:
            kind (ActivityRequestKind):
            reference (str):
            channel (None | str | Unset):
            occurred_at (datetime.datetime | None | Unset):
            store_id (None | str | Unset):
     """

    kind: ActivityRequestKind
    reference: str
    channel: None | str | Unset = UNSET
    occurred_at: datetime.datetime | None | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        kind = self.kind.value

        reference = self.reference

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        occurred_at: None | str | Unset
        if isinstance(self.occurred_at, Unset):
            occurred_at = UNSET
        elif isinstance(self.occurred_at, datetime.datetime):
            occurred_at = self.occurred_at.isoformat()
        else:
            occurred_at = self.occurred_at

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "kind": kind,
            "reference": reference,
        })
        if channel is not UNSET:
            field_dict["channel"] = channel
        if occurred_at is not UNSET:
            field_dict["occurred_at"] = occurred_at
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        kind = ActivityRequestKind(d.pop("kind"))




        reference = d.pop("reference")

        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        def _parse_occurred_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                occurred_at_type_0 = datetime.datetime.fromisoformat(data)



                return occurred_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        occurred_at = _parse_occurred_at(d.pop("occurred_at", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        activity_request = cls(
            kind=kind,
            reference=reference,
            channel=channel,
            occurred_at=occurred_at,
            store_id=store_id,
        )

        return activity_request

