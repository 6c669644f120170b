from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.preview_out_zns_data import PreviewOutZnsData





T = TypeVar("T", bound="PreviewOut")



@_attrs_define
class PreviewOut:
    """ 
        Attributes:
            html (str):
            kind (str):
            lang (str):
            sms (str):
            subject (str):
            text (str):
            zns_data (PreviewOutZnsData):
            zns_template_id (None | str):
     """

    html: str
    kind: str
    lang: str
    sms: str
    subject: str
    text: str
    zns_data: PreviewOutZnsData
    zns_template_id: None | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.preview_out_zns_data import PreviewOutZnsData # noqa: PLC0415
        html = self.html

        kind = self.kind

        lang = self.lang

        sms = self.sms

        subject = self.subject

        text = self.text

        zns_data = self.zns_data.to_dict()

        zns_template_id: None | str
        zns_template_id = self.zns_template_id


        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "html": html,
            "kind": kind,
            "lang": lang,
            "sms": sms,
            "subject": subject,
            "text": text,
            "zns_data": zns_data,
            "zns_template_id": zns_template_id,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.preview_out_zns_data import PreviewOutZnsData # noqa: PLC0415
        d = dict(src_dict)
        html = d.pop("html")

        kind = d.pop("kind")

        lang = d.pop("lang")

        sms = d.pop("sms")

        subject = d.pop("subject")

        text = d.pop("text")

        zns_data = PreviewOutZnsData.from_dict(d.pop("zns_data"))




        def _parse_zns_template_id(data: object) -> None | str:
            if data is None:
                return data
            return cast(None | str, data)

        zns_template_id = _parse_zns_template_id(d.pop("zns_template_id"))


        preview_out = cls(
            html=html,
            kind=kind,
            lang=lang,
            sms=sms,
            subject=subject,
            text=text,
            zns_data=zns_data,
            zns_template_id=zns_template_id,
        )


        preview_out.additional_properties = d
        return preview_out

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
