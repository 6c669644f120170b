from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, BinaryIO, TextIO, TYPE_CHECKING, Generator

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

from ..types import UNSET, Unset
from typing import cast






T = TypeVar("T", bound="RedeemRequest")



@_attrs_define
class RedeemRequest:
    """ 
        Attributes:
            order_ref (str):
            card_code (None | str | Unset):
            channel (None | str | Unset):
            order_total (None | str | Unset):
            otp (None | str | Unset):
            points (int | None | Unset):
            reward_id (None | str | Unset):
            store_id (None | str | Unset):
     """

    order_ref: str
    card_code: None | str | Unset = UNSET
    channel: None | str | Unset = UNSET
    order_total: None | str | Unset = UNSET
    otp: None | str | Unset = UNSET
    points: int | None | Unset = UNSET
    reward_id: None | str | Unset = UNSET
    store_id: None | str | Unset = UNSET





    def to_dict(self) -> dict[str, Any]:
        order_ref = self.order_ref

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

        points: int | None | Unset
        if isinstance(self.points, Unset):
            points = UNSET
        else:
            points = self.points

        reward_id: None | str | Unset
        if isinstance(self.reward_id, Unset):
            reward_id = UNSET
        else:
            reward_id = self.reward_id

        store_id: None | str | Unset
        if isinstance(self.store_id, Unset):
            store_id = UNSET
        else:
            store_id = self.store_id


        field_dict: dict[str, Any] = {}

        field_dict.update({
            "order_ref": order_ref,
        })
        if card_code is not UNSET:
            field_dict["card_code"] = card_code
        if channel is not UNSET:
            field_dict["channel"] = channel
        if order_total is not UNSET:
            field_dict["order_total"] = order_total
        if otp is not UNSET:
            field_dict["otp"] = otp
        if points is not UNSET:
            field_dict["points"] = points
        if reward_id is not UNSET:
            field_dict["reward_id"] = reward_id
        if store_id is not UNSET:
            field_dict["store_id"] = store_id

        return field_dict



    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        order_ref = d.pop("order_ref")

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


        def _parse_points(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        points = _parse_points(d.pop("points", UNSET))


        def _parse_reward_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        reward_id = _parse_reward_id(d.pop("reward_id", UNSET))


        def _parse_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        store_id = _parse_store_id(d.pop("store_id", UNSET))


        redeem_request = cls(
            order_ref=order_ref,
            card_code=card_code,
            channel=channel,
            order_total=order_total,
            otp=otp,
            points=points,
            reward_id=reward_id,
            store_id=store_id,
        )

        return redeem_request

