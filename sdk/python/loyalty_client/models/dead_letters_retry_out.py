from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.dead_letters_retry_out_failed import DeadLettersRetryOutFailed





T = TypeVar("T", bound="DeadLettersRetryOut")



@_attrs_define
class DeadLettersRetryOut:
    """ 
        Attributes:
            cleared (list[str]):
            failed (DeadLettersRetryOutFailed):
            stale (list[str]):
            unknown (list[str]):
     """

    cleared: list[str]
    failed: DeadLettersRetryOutFailed
    stale: list[str]
    unknown: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dead_letters_retry_out_failed import DeadLettersRetryOutFailed # noqa: PLC0415
        cleared = self.cleared



        failed = self.failed.to_dict()

        stale = self.stale



        unknown = self.unknown




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "cleared": cleared,
            "failed": failed,
            "stale": stale,
            "unknown": unknown,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dead_letters_retry_out_failed import DeadLettersRetryOutFailed # noqa: PLC0415
        d = dict(src_dict)
        cleared = cast(list[str], d.pop("cleared"))


        failed = DeadLettersRetryOutFailed.from_dict(d.pop("failed"))




        stale = cast(list[str], d.pop("stale"))


        unknown = cast(list[str], d.pop("unknown"))


        dead_letters_retry_out = cls(
            cleared=cleared,
            failed=failed,
            stale=stale,
            unknown=unknown,
        )


        dead_letters_retry_out.additional_properties = d
        return dead_letters_retry_out

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
