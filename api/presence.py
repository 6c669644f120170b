"""Presence at the till, on the HTTP side: which callers must prove it, resolving a scanned card code, and
the one-time code (OTP) a till can ask for instead when the member has no app to show.

The ledger verifies and burns a card code inside the redemption's own write (`loyalty_core.presence`);
what only the API knows is *who is asking*. A channel key (a till, a web shop) must send the member's
rotating card code to redeem or reserve when the program's `require_presence_for_redemption` names its
channel (or `*`); staff and admin keys act for a member who is not in the shop (CSKH on the phone) and
need no card. Earning never needs presence: the static member code and QR token still work for that.

The OTP alternative: the till asks `POST /v1/members/{id}/presence-codes`, the member's phone gets six
digits, the member reads them out, the till sends them as `otp` with the redemption. The OTP is checked
(and used up) here, before the command, unless the command's receipt already exists (a retry replays the
original answer without needing the code again). A refused redemption still uses up its OTP.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from api.deps import ApiContext, Caller
from api.errors import ApiProblem
from api.otp import RateLimited, one_time_codes
from loyalty_core.commands import MemberRef
from loyalty_core.identifiers import PHONE, receipt_id
from loyalty_core.results import MemberResult
from loyalty_core.service import receipt_key


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


def with_presence(command: Any, api: ApiContext, caller: Caller, card_code: str | None,
                  otp: str | None = None) -> Any:
    """The spending command with the card code it carries and whether this caller still has to send one
    (not after a valid OTP)."""
    required = presence_required(api, caller, command.channel)
    if otp is not None and not _replay(api, command):
        if not one_time_codes(api).check(presence_subject(command.member.member_id), otp):
            raise ApiProblem(422, "presence_otp_invalid", "this one-time code is wrong, expired or used; ask the "
                             "member for a new one (POST /v1/members/{member_id}/presence-codes)", field="otp")
        required = False
    return dataclasses.replace(command, card_code=card_code, presence_required=required)


def _replay(api: ApiContext, command: Any) -> bool:
    return api.service.store.load_receipt(receipt_id(*receipt_key(command))) is not None


def presence_subject(member_id: Any) -> str:
    return f"presence/{member_id}"


def send_presence_code(api: ApiContext, member_id: Any, address: str) -> str:
    """Send a presence OTP to the member's phone; answers the phone masked (`+8490*****67`)."""
    member = api.service.resolve(MemberRef(member_id=member_id))
    phone = member.identifier(PHONE)
    if phone is None:
        raise ApiProblem(422, "member_has_no_phone", "this member has no phone number to send a code to")
    try:
        one_time_codes(api).issue(presence_subject(member.id), phone, address)
    except RateLimited as limited:
        raise ApiProblem(429, "rate_limited", "too many codes sent for this member; try again later",
                         headers={"Retry-After": str(limited.retry_after)},
                         retry_after=limited.retry_after) from None
    return phone[:5] + "*" * (len(phone) - 7) + phone[-2:]


def lookup_by_card_code(api: ApiContext, code: str) -> MemberResult:
    """The member a scanned card code names; expired, replayed or wrong codes are refused with their code."""
    presence = card_codes(api).resolve(api.service, code, api.service.clock())
    return api.service.member_summary(MemberRef(member_id=presence.member.id))


def without_static_token(result: MemberResult) -> MemberResult:
    """A lookup never hands out the static QR token: it would let the caller redeem as the member later."""
    return dataclasses.replace(result, qr_token=None)
