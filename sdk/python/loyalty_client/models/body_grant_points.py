from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field
import json
from .. import types

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="BodyGrantPoints")



@_attrs_define
class BodyGrantPoints:
    """ 
        Attributes:
            grant_id (str):
            points (int):
            reason (str):
            expires_on (None | str | Unset): dd/mm/yyyy: points expire after this day
            file (None | str | Unset):
            segment (None | str | Unset):
     """

    grant_id: str
    points: int
    reason: str
    expires_on: None | str | Unset = UNSET
    file: None | str | Unset = UNSET
    segment: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        grant_id = self.grant_id

        points = self.points

        reason = self.reason

        expires_on: None | str | Unset
        if isinstance(self.expires_on, Unset):
            expires_on = UNSET
        else:
            expires_on = self.expires_on

        file: None | str | Unset
        if isinstance(self.file, Unset):
            file = UNSET
        else:
            file = self.file

        segment: None | str | Unset
        if isinstance(self.segment, Unset):
            segment = UNSET
        else:
            segment = self.segment


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "grant_id": grant_id,
            "points": points,
            "reason": reason,
        })
        if expires_on is not UNSET:
            field_dict["expires_on"] = expires_on
        if file is not UNSET:
            field_dict["file"] = file
        if segment is not UNSET:
            field_dict["segment"] = segment

        return field_dict


    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("grant_id", (None, str(self.grant_id).encode(), "text/plain")))



        files.append(("points", (None, str(self.points).encode(), "text/plain")))



        files.append(("reason", (None, str(self.reason).encode(), "text/plain")))



        if not isinstance(self.expires_on, Unset):
            if isinstance(self.expires_on, str):

                files.append(("expires_on", (None, str(self.expires_on).encode(), "text/plain")))
            else:
                files.append(("expires_on", (None, str(self.expires_on).encode(), "text/plain")))


        if not isinstance(self.file, Unset):
            if isinstance(self.file, str):

                files.append(("file", (None, str(self.file).encode(), "text/plain")))
            else:
                files.append(("file", (None, str(self.file).encode(), "text/plain")))


        if not isinstance(self.segment, Unset):
            if isinstance(self.segment, str):

                files.append(("segment", (None, str(self.segment).encode(), "text/plain")))
            else:
                files.append(("segment", (None, str(self.segment).encode(), "text/plain")))



        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))



        return files


    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        grant_id = d.pop("grant_id")

        points = d.pop("points")

        reason = d.pop("reason")

        def _parse_expires_on(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        expires_on = _parse_expires_on(d.pop("expires_on", UNSET))


        def _parse_file(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        file = _parse_file(d.pop("file", UNSET))


        def _parse_segment(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        segment = _parse_segment(d.pop("segment", UNSET))


        body_grant_points = cls(
            grant_id=grant_id,
            points=points,
            reason=reason,
            expires_on=expires_on,
            file=file,
            segment=segment,
        )


        body_grant_points.additional_properties = d
        return body_grant_points

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
