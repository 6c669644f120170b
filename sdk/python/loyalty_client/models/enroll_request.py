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
  from ..models.enroll_request_consent import EnrollRequestConsent





T = TypeVar("T", bound="EnrollRequest")



@_attrs_define
class EnrollRequest:
    """ 
        Attributes:
            phone (str): Any usual spelling of a number: 0901234567, +84 90 123 4567, 84901234567
            birthday (datetime.date | None | Unset):
            channel (None | str | Unset):
            channel_customer_id (None | str | Unset):
            consent (EnrollRequestConsent | Unset):
            email (None | str | Unset):
            name (None | str | Unset):
            referrer_code (None | str | Unset):
            store_id (None | str | Unset):
     """

    phone: str
    birthday: datetime.date | None | Unset = UNSET
    channel: None | str | Unset = UNSET
    channel_customer_id: None | str | Unset = UNSET
    consent: EnrollRequestConsent | Unset = UNSET
    email: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    referrer_code: None | str | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        from ..models.enroll_request_consent import EnrollRequestConsent # noqa: PLC0415
        phone = self.phone

        birthday: None | str | Unset
        if isinstance(self.birthday, Unset):
            birthday = UNSET
        elif isinstance(self.birthday, datetime.date):
            birthday = self.birthday.isoformat()
        else:
            birthday = self.birthday

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        channel_customer_id: None | str | Unset
        if isinstance(self.channel_customer_id, Unset):
            channel_customer_id = UNSET
        else:
            channel_customer_id = self.channel_customer_id

        consent: dict[str, Any] | Unset = UNSET
        if not isinstance(self.consent, Unset):
            consent = self.consent.to_dict()

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        referrer_code: None | str | Unset
        if isinstance(self.referrer_code, Unset):
            referrer_code = UNSET
        else:
            referrer_code = self.referrer_code

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "phone": phone,
        })
        if birthday is not UNSET:
            field_dict["birthday"] = birthday
        if channel is not UNSET:
            field_dict["channel"] = channel
        if channel_customer_id is not UNSET:
            field_dict["channel_customer_id"] = channel_customer_id
        if consent is not UNSET:
            field_dict["consent"] = consent
        if email is not UNSET:
            field_dict["email"] = email
        if name is not UNSET:
            field_dict["name"] = name
        if referrer_code is not UNSET:
            field_dict["referrer_code"] = referrer_code
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.enroll_request_consent import EnrollRequestConsent # noqa: PLC0415
        d = dict(src_dict)
        phone = d.pop("phone")

        def _parse_birthday(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                birthday_type_0 = datetime.date.fromisoformat(data)



                return birthday_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        birthday = _parse_birthday(d.pop("birthday", UNSET))


        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        def _parse_channel_customer_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel_customer_id = _parse_channel_customer_id(d.pop("channel_customer_id", UNSET))


        _consent = d.pop("consent", UNSET)
        consent: EnrollRequestConsent | Unset
        if isinstance(_consent,  Unset):
            consent = UNSET
        else:
            consent = EnrollRequestConsent.from_dict(_consent)




        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))


        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))


        def _parse_referrer_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        referrer_code = _parse_referrer_code(d.pop("referrer_code", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        enroll_request = cls(
            phone=phone,
            birthday=birthday,
            channel=channel,
            channel_customer_id=channel_customer_id,
            consent=consent,
            email=email,
            name=name,
            referrer_code=referrer_code,
            store_id=store_id,
        )

        return enroll_request

