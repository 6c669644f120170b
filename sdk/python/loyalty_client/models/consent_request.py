from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast
import datetime

if TYPE_CHECKING:
  from ..models.consent_request_consent import ConsentRequestConsent





T = TypeVar("T", bound="ConsentRequest")



@_attrs_define
class ConsentRequest:
    """ 
        Attributes:
            consent (ConsentRequestConsent):
            channel (None | str | Unset):
            consent_text_version (None | str | Unset):
            given_at (datetime.datetime | None | Unset):
            source (None | str | Unset):
            store_id (None | str | Unset):
     """

    consent: ConsentRequestConsent
    channel: None | str | Unset = UNSET
    consent_text_version: None | str | Unset = UNSET
    given_at: datetime.datetime | None | Unset = UNSET
    source: None | str | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.consent_request_consent import ConsentRequestConsent # noqa: PLC0415
        consent = self.consent.to_dict()

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        consent_text_version: None | str | Unset
        if isinstance(self.consent_text_version, Unset):
            consent_text_version = UNSET
        else:
            consent_text_version = self.consent_text_version

        given_at: None | str | Unset
        if isinstance(self.given_at, Unset):
            given_at = UNSET
        elif isinstance(self.given_at, datetime.datetime):
            given_at = self.given_at.isoformat()
        else:
            given_at = self.given_at

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "consent": consent,
        })
        if channel is not UNSET:
            field_dict["channel"] = channel
        if consent_text_version is not UNSET:
            field_dict["consent_text_version"] = consent_text_version
        if given_at is not UNSET:
            field_dict["given_at"] = given_at
        if source is not UNSET:
            field_dict["source"] = source
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.consent_request_consent import ConsentRequestConsent # noqa: PLC0415
        d = dict(src_dict)
        consent = ConsentRequestConsent.from_dict(d.pop("consent"))




        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        def _parse_consent_text_version(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        consent_text_version = _parse_consent_text_version(d.pop("consent_text_version", UNSET))


        def _parse_given_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                given_at_type_0 = datetime.datetime.fromisoformat(data)



                return given_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        given_at = _parse_given_at(d.pop("given_at", UNSET))


        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        consent_request = cls(
            consent=consent,
            channel=channel,
            consent_text_version=consent_text_version,
            given_at=given_at,
            source=source,
            store_id=store_id,
        )

        return consent_request

