from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from typing import cast

if TYPE_CHECKING:
  from ..models.dead_letter_out import DeadLetterOut





T = TypeVar("T", bound="DeadLettersOut")



@_attrs_define
class DeadLettersOut:
    """ 
        Attributes:
            count (int):
            dead_letters (list[DeadLetterOut]):
     """

    count: int
    dead_letters: list[DeadLetterOut]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)





    def to_dict(self) -> dict[str, Any]:
        from ..models.dead_letter_out import DeadLetterOut # noqa: PLC0415
        count = self.count

        dead_letters = []
        for dead_letters_item_data in self.dead_letters:
            dead_letters_item = dead_letters_item_data.to_dict()
            dead_letters.append(dead_letters_item)




        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({
            "count": count,
            "dead_letters": dead_letters,
        })

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dead_letter_out import DeadLetterOut # noqa: PLC0415
        d = dict(src_dict)
        count = d.pop("count")

        dead_letters = []
        _dead_letters = d.pop("dead_letters")
        for dead_letters_item_data in (_dead_letters):
            dead_letters_item = DeadLetterOut.from_dict(dead_letters_item_data)



            dead_letters.append(dead_letters_item)


        dead_letters_out = cls(
            count=count,
            dead_letters=dead_letters,
        )


        dead_letters_out.additional_properties = d
        return dead_letters_out

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
