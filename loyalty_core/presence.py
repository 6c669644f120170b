"""Proof that the member is at the till: the rotating card code, resolved, verified and burnt.

A till scans the member's digital card and gets `<member code><6 digits>` (`loyalty_core.card_code`).
`CardCodes.resolve` names the member and checks the digits against the member's current secret; a
redemption or reservation that carries the code also *burns* it: the code's time step and the one before
are claimed (claims are aggregates written in the same transaction as the redemption), so a code, or an
older one still inside the clock-skew window, can never authorise a second redemption, even when two
tills race with the same screenshot (the store's primary key refuses the second claim and the command is
decided again, this time seeing the claim). Looking a member up does not burn the code: the till looks
up, then redeems with the same code.

Whether presence is *required* is the caller's side to say (`presence_required` on the command): only the
API knows a channel key from a staff key, and staff helping a member on the phone needs no card. The
static member code and QR token still work for earning everywhere.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loyalty_core import card_code
from loyalty_core import commands as cmd
from loyalty_core import events as ev
from loyalty_core import identifiers as ids
from loyalty_core.errors import InvalidInput, LoyaltyError, MemberNotFound
from loyalty_core.member import Member
from loyalty_core.results import Balance, ChangeResult

CARD_STEP = "card_step"
"""Claim kind of a burnt time step: value `<member id>/<counter>`."""


class CardCodeMalformed(InvalidInput):
    code = "card_code_malformed"
    message_vi = "Mã thẻ không đúng định dạng (mã thành viên và 6 chữ số)."


class CardCodeInvalid(LoyaltyError):
    code = "card_code_invalid"
    message_vi = "Mã thẻ không đúng. Hãy nhờ khách mở lại thẻ trên ứng dụng."


class CardCodeExpired(LoyaltyError):
    code = "card_code_expired"
    message_vi = "Mã thẻ đã hết hạn (mỗi mã chỉ dùng được khoảng 1 phút). Hãy quét lại thẻ đang hiển thị."


class CardCodeUsed(LoyaltyError):
    code = "card_code_used"
    message_vi = "Mã thẻ này đã được dùng để đổi điểm. Hãy đợi mã mới trên thẻ rồi quét lại."


class CardCodeOtherMember(LoyaltyError):
    code = "card_code_other_member"
    message_vi = "Mã thẻ thuộc về hội viên khác."


class PresenceRequired(LoyaltyError):
    code = "presence_required"
    message_vi = "Cần quét mã thẻ đang hiển thị trên điện thoại của khách để đổi điểm."


_PROBLEMS = {"malformed": CardCodeMalformed, "invalid": CardCodeInvalid, "expired": CardCodeExpired}


@dataclass(frozen=True, kw_only=True)
class IssueCardSecret(cmd.Command):
    """Give the member a new card secret (first card, a rotation) or revoke it (`revoke=True`)."""

    member: cmd.MemberRef
    revoke: bool = False


@dataclass(frozen=True)
class Presence:
    member: Member
    counter: int


class CardCodes:
    """Resolve and verify card codes with the service's card key (never stored with the events)."""

    def __init__(self, card_key: bytes):
        if len(card_key) < 16:
            raise ValueError("LOYALTY_CARD_KEY must be at least 16 characters (it signs the members' card codes)")
        self._key = card_key

    def secret_for(self, member: Member) -> bytes | None:
        if member.card_secret_id is None:
            return None
        return card_code.member_secret(self._key, member.id, member.card_secret_id)

    def current_code(self, member: Member, now: datetime) -> str | None:
        """What the member's card shows at `now` (None before a secret is issued)."""
        secret, member_code = self.secret_for(member), member.identifier(ids.MEMBER_CODE)
        if secret is None or member_code is None:
            return None
        return card_code.card_code(member_code, secret, now)

    def resolve(self, service: Any, code: str, now: datetime) -> Presence:
        """The member a scanned code belongs to, if the code is current and not yet used for a redemption."""
        try:
            member_code, digits = card_code.parse(code)
        except card_code.CardCodeProblem as problem:
            raise _PROBLEMS[problem.kind]("not a card code: expected the member code and 6 digits",
                                          field="card_code") from None
        try:
            member = service.resolve(cmd.MemberRef(member_code=member_code))
        except (MemberNotFound, InvalidInput):
            raise CardCodeInvalid("no card with this code", field="card_code") from None
        secret = self.secret_for(member)
        if secret is None:
            raise CardCodeInvalid("this member has no digital card", field="card_code")
        try:
            accepted = card_code.verify(secret, digits, now)
        except card_code.CardCodeProblem as problem:
            raise _PROBLEMS[problem.kind](f"card code {problem.kind}", field="card_code") from None
        if service.store.load_claim(ids.claim_id(CARD_STEP, f"{member.id}/{accepted.counter}")) is not None:
            raise CardCodeUsed("this card code was already used for a redemption", field="card_code")
        return Presence(member, accepted.counter)

    def burn(self, ctx: Any, member: Member, code: str) -> None:
        """Check the code belongs to `member` and claim its step and the one before, in this write."""
        presence = self.resolve(ctx.service, code, ctx.now)
        if presence.member.id != member.id:
            raise CardCodeOtherMember("this card code belongs to another member", field="card_code")
        # The step before may already be burnt (by its own redemption): claimed only if it is not. The step
        # itself is claimed blind, as version 1: if another till burnt it since `resolve` looked, the store's
        # primary key refuses this write and the command is decided again, and then `resolve` refuses it.
        # (Reading first would see that other till's claim as "already ours" and let both through.)
        ctx.take_claim(CARD_STEP, f"{member.id}/{presence.counter - 1}", member.id)
        ctx.take_new_claim(CARD_STEP, f"{member.id}/{presence.counter}", member.id)


def issue_card_secret(ctx: Any, c: IssueCardSecret) -> Any:
    member = ctx.service.resolve(c.member)
    change = ctx.change(member)
    if c.revoke:
        if member.card_secret_id is not None:
            change.add(ev.CardSecretIssued, secret_id=None, reason="revoked")
    else:
        reason = "rotated" if member.card_secret_id else "issued"
        change.add(ev.CardSecretIssued, secret_id=secrets.token_urlsafe(16), reason=reason)
    return ctx.plan(change, ChangeResult(member_id=member.id, balance=Balance.of(change.current),
                                         events=[type(e).__name__ for e in change.events]))


def _guarded(inner: Callable[[Any, Any], Any], codes: CardCodes) -> Callable[[Any, Any], Any]:
    """Wrap a spending handler: burn the card code it carries, or refuse when presence is required."""

    def handler(ctx: Any, c: Any) -> Any:
        if c.card_code is not None:
            codes.burn(ctx, ctx.service.resolve(c.member), c.card_code)
        elif c.presence_required:
            raise PresenceRequired("this program asks for the member's card code (or an OTP) to spend points "
                                   "from this channel", field="card_code")
        return inner(ctx, c)

    return handler


def install(service: Any, card_key: bytes) -> CardCodes:
    """Teach `service` the card: issuing secrets, and card codes on redemptions and reservations."""
    codes = CardCodes(card_key)
    service.register(IssueCardSecret, issue_card_secret)
    for command_type in (cmd.RedeemPoints, cmd.ReservePoints):
        service.register(command_type, _guarded(service._handlers[command_type], codes))
    service.card_codes = codes
    return codes
