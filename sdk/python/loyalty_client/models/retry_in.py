from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RetryIn")



@_attrs_define
class RetryIn:
    """ 
        Attributes:
            all_ (bool | Unset):  Default: False.
            ids (list[str] | Unset):
     """

    all_: bool | Unset = False
    ids: list[str] | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        all_ = self.all_

        ids: list[str] | Unset = UNSET
        if not isinstance(self.ids, Unset):
            ids = self.ids




        field_dict: dict[str, Any] = {}

        field_dict.update({
        })
        if all_ is not UNSET:
            field_dict["all"] = all_
        if ids is not UNSET:
            field_dict["ids"] = ids

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        all_ = d.pop("all", UNSET)

        ids = cast(list[str], d.pop("ids", UNSET))


        retry_in = cls(
            all_=all_,
            ids=ids,
        )

        return retry_in

