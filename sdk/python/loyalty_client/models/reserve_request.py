from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="ReserveRequest")



@_attrs_define
class ReserveRequest:
    """ 
        Attributes:
            order_ref (str):
            points (int): Whole points, 1 to 100,000,000
            card_code (None | str | Unset):
            channel (None | str | Unset):
            hold_seconds (int | Unset): How long the till may take to pay Default: 900.
            order_total (None | str | Unset):
            otp (None | str | Unset):
            store_id (None | str | Unset):
     """

    order_ref: str
    points: int
    card_code: None | str | Unset = UNSET
    channel: None | str | Unset = UNSET
    hold_seconds: int | Unset = 900
    order_total: None | str | Unset = UNSET
    otp: None | str | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        order_ref = self.order_ref

        points = self.points

        card_code: None | str | Unset
        if isinstance(self.card_code, Unset):
            card_code = UNSET
        else:
            card_code = self.card_code

        channel: None | str | Unset
        if isinstance(self.channel, Unset):
            channel = UNSET
        else:
            channel = self.channel

        hold_seconds = self.hold_seconds

        order_total: None | str | Unset
        if isinstance(self.order_total, Unset):
            order_total = UNSET
        else:
            order_total = self.order_total

        otp: None | str | Unset
        if isinstance(self.otp, Unset):
            otp = UNSET
        else:
            otp = self.otp

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "order_ref": order_ref,
            "points": points,
        })
        if card_code is not UNSET:
            field_dict["card_code"] = card_code
        if channel is not UNSET:
            field_dict["channel"] = channel
        if hold_seconds is not UNSET:
            field_dict["hold_seconds"] = hold_seconds
        if order_total is not UNSET:
            field_dict["order_total"] = order_total
        if otp is not UNSET:
            field_dict["otp"] = otp
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_ref = d.pop("order_ref")

        points = d.pop("points")

        def _parse_card_code(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        card_code = _parse_card_code(d.pop("card_code", UNSET))


        def _parse_channel(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        channel = _parse_channel(d.pop("channel", UNSET))


        hold_seconds = d.pop("hold_seconds", UNSET)

        def _parse_order_total(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        order_total = _parse_order_total(d.pop("order_total", UNSET))


        def _parse_otp(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        otp = _parse_otp(d.pop("otp", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        reserve_request = cls(
            order_ref=order_ref,
            points=points,
            card_code=card_code,
            channel=channel,
            hold_seconds=hold_seconds,
            order_total=order_total,
            otp=otp,
            store_id=store_id,
        )

        return reserve_request

