"""Presence at the till, on the HTTP side: which callers must prove it, and resolving a scanned card code.

The ledger verifies and burns a card code inside the redemption's own write (`loyalty_core.presence`);
what only the API knows is *who is asking*. A channel key (a till, a web shop) must send the member's
rotating card code to redeem or reserve when the program's `require_presence_for_redemption` names its
channel (or `*`); staff and admin keys act for a member who is not in the shop (CSKH on the phone) and
need no card. Earning never needs presence: the static member code and QR token still work for that.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from api.deps import ApiContext, Caller
from api.errors import ApiProblem
from loyalty_core.commands import MemberRef
from loyalty_core.results import MemberResult


def card_codes(api: ApiContext) -> Any:
    codes = getattr(api.service, "card_codes", None)
    if codes is None:  # a service built without `open_runtime` (some tests): no digital cards
        raise ApiProblem(503, "cards_unavailable", "this service has no card key configured")
    return codes


def channels_requiring_presence(api: ApiContext) -> tuple[str, ...]:
    book = getattr(api.service.policy, "book", None)
    if book is None:
        return ()
    try:
        program = book.current()
    except Exception:  # noqa: BLE001 - no program installed yet: nothing is required
        return ()
    return tuple(getattr(program, "require_presence_for_redemption", ()) or ())


def presence_required(api: ApiContext, caller: Caller, channel: str) -> bool:
    if not caller.is_channel:
        return False
    required = channels_requiring_presence(api)
    return "*" in required or channel in required


def with_presence(command: Any, api: ApiContext, caller: Caller, card_code: str | None) -> Any:
    """The spending command with the card code it carries and whether this caller had to send one."""
    return dataclasses.replace(command, card_code=card_code,
                               presence_required=presence_required(api, caller, command.channel))


def lookup_by_card_code(api: ApiContext, code: str) -> MemberResult:
    """The member a scanned card code names; expired, replayed or wrong codes are refused with their code."""
    presence = card_codes(api).resolve(api.service, code, api.service.clock())
    return api.service.member_summary(MemberRef(member_id=presence.member.id))


def without_static_token(result: MemberResult) -> MemberResult:
    """A lookup never hands out the static QR token: it would let the caller redeem as the member later."""
    return dataclasses.replace(result, qr_token=None)
