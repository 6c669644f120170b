"""Changing a member after enrolment: profile, consent, a manual tier, a reversed redemption, identifiers.

Who may do what: a till or an app (channel keys) may update the profile and consent the member gives them,
and link or unlink its own channel's customer ids (`zalo:…` for the Zalo key); staff and admins may do all
of it, and alone may change a phone number, set a tier by hand or reverse a redemption (each with a reason
the history keeps). Every write takes an Idempotency-Key and is recorded under the caller's channel and store.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Path, Response

from api.deps import Api, Caller, Corrector, IdempotencyKey, Writer
from api.errors import ApiProblem, problems
from api.presence import without_static_token
from api.schemas.member_changes import (
    ConsentRequest,
    IdentifierRequest,
    PhoneRequest,
    ProfileRequest,
    ReverseRedemptionRequest,
    TierRequest,
)
from api.schemas.members import MemberOut
from api.schemas.points import ChangeOut, RedemptionOut

router = APIRouter(prefix="/v1/members/{member_id}", tags=["members"], responses=problems(401, 403, 429))

WRITE_PROBLEMS = problems(400, 404, 409, 422)
RedemptionId = Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_\-]+$")]


@router.post("/profile", responses=WRITE_PROBLEMS)
def update_profile(member_id: UUID, body: ProfileRequest, api: Api, caller: Writer, key: IdempotencyKey,
                   response: Response) -> ChangeOut:
    """Change the member's name or birthday (fields left out stay as they are)."""
    return ChangeOut.of(api.run(body.to_command(member_id, key, caller.acting(body.channel, body.store_id)),
                                response))


@router.post("/consent", responses=WRITE_PROBLEMS)
def change_consent(member_id: UUID, body: ConsentRequest, api: Api, caller: Writer, key: IdempotencyKey,
                   response: Response) -> ChangeOut:
    """Record the member's consent per message channel (`{"zalo": true, "sms": false}`)."""
    return ChangeOut.of(api.run(body.to_command(member_id, key, caller.acting(body.channel, body.store_id)),
                                response))


@router.post("/tier", responses=WRITE_PROBLEMS)
def change_tier(member_id: UUID, body: TierRequest, api: Api, caller: Corrector, key: IdempotencyKey,
                response: Response) -> ChangeOut:
    """Set the member's tier by hand, with the reason (staff): recorded as a `manual` tier change."""
    return ChangeOut.of(api.run(body.to_command(member_id, key, caller.acting(body.channel, body.store_id)),
                                response))


@router.post("/redemptions/{redemption_id}/reverse", responses=WRITE_PROBLEMS)
def reverse_redemption(member_id: UUID, redemption_id: RedemptionId, body: ReverseRedemptionRequest, api: Api,
                       caller: Corrector, key: IdempotencyKey, response: Response) -> RedemptionOut:
    """Give back the points of a redemption (to their original lots, keeping their expiry); its unused
    voucher is cancelled."""
    command = body.to_command(member_id, redemption_id, key, caller.acting(body.channel, body.store_id))
    return RedemptionOut.of(api.run(command, response))


@router.post("/identifiers", status_code=201, responses=WRITE_PROBLEMS)
def link_identifier(member_id: UUID, body: IdentifierRequest, api: Api, caller: Writer, key: IdempotencyKey,
                    response: Response) -> MemberOut:
    """Link a phone, an email or a channel's customer id (`zalo:…`, `shopee:…`) to the member."""
    _may_touch(caller, body)
    command = body.link(member_id, key, caller.acting(body.channel, body.store_id))
    return MemberOut.of(without_static_token(api.run(command, response)))


@router.post("/identifiers/unlink", responses=WRITE_PROBLEMS)
def unlink_identifier(member_id: UUID, body: IdentifierRequest, api: Api, caller: Writer, key: IdempotencyKey,
                      response: Response) -> MemberOut:
    """Unlink an identifier (a member keeps at least one phone: change it with `/phone`)."""
    _may_touch(caller, body)
    command = body.unlink(member_id, key, caller.acting(body.channel, body.store_id))
    return MemberOut.of(without_static_token(api.run(command, response)))


@router.post("/phone", responses=WRITE_PROBLEMS)
def change_phone(member_id: UUID, body: PhoneRequest, api: Api, caller: Corrector, key: IdempotencyKey,
                 response: Response) -> MemberOut:
    """Replace the member's phone number (staff): same member, points and history; the old number is freed."""
    command = body.to_command(member_id, key, caller.acting(body.channel, body.store_id))
    return MemberOut.of(without_static_token(api.run(command, response)))


def _may_touch(caller: Caller, body: IdentifierRequest) -> None:
    """A channel key links only its own channel's customer ids; phones and emails are the desk's (staff)."""
    if not caller.is_channel:
        return
    if body.kind != "channel_id" or not body.value.strip().startswith(f"{caller.key.channel}:"):
        raise ApiProblem(403, "identifier_not_allowed", f"a {caller.key.channel} key may link and unlink only "
                         f"{caller.key.channel}:… customer ids; staff change phones and emails", field="value")
