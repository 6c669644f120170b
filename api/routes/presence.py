"""Presence at the till: a one-time code sent to the member's phone, for a till to redeem with when the
member cannot show the app's rotating card code (see api/presence.py)."""

from __future__ import annotations

from uuid import UUID

from cachetools import TTLCache
from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.deps import Api, IdempotencyKey, Writer
from api.errors import problems
from api.otp import OTP_SECONDS
from api.presence import send_presence_code

router = APIRouter(prefix="/v1", tags=["points"], responses=problems(401, 403, 429))
# A retry of the same request is answered from here instead of sending (and so invalidating) a second code.
_sent: TTLCache[tuple[str, str, UUID], PresenceCodeOut] = TTLCache(maxsize=10_000, ttl=OTP_SECONDS)


class PresenceCodeOut(BaseModel):
    sent_to: str
    """The member's phone, masked."""
    expires_in_seconds: int


@router.post("/members/{member_id}/presence-codes", status_code=202, responses=problems(400, 404, 422))
def send_presence_code_route(member_id: UUID, request: Request, api: Api, caller: Writer,
                             key: IdempotencyKey) -> PresenceCodeOut:
    """Text the member a one-time code that proves, read back at the till, they are present."""
    receipt = (caller.key.key_id, key, member_id)
    if receipt not in _sent:
        address = request.client.host if request.client else "unknown"
        _sent[receipt] = PresenceCodeOut(sent_to=send_presence_code(api, member_id, address),
                                         expires_in_seconds=OTP_SECONDS)
    return _sent[receipt]
